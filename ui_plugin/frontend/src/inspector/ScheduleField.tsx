// The pipeline's schedule: manual, a preset or a cron expression, with the next run times it gives,
// or "when these assets update" (an asset condition, which has no run times to show).
import type { FieldProps } from "@rjsf/utils";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, request } from "../api";
import { assetSchedule, flatAssetSchedule, isAssetName, isAssetSchedule, type AssetMode } from "./assetSchedule";

// Airflow's presets (jimu.validate.rules_schedule.PRESETS); "" is manual runs only, CUSTOM a cron expression.
const PRESETS = ["@once", "@hourly", "@daily", "@weekly", "@monthly", "@quarterly", "@yearly"];
const CUSTOM = "cron";
const ASSETS = "assets";
const DEBOUNCE_MS = 300;
const COUNT = 5;

interface NextRuns {
  after: string;
  times: string[];
}

type Preview = { runs: NextRuns; error: null } | { runs: null; error: string } | null;

/** POST /api/schedule/next, answered after the user stops typing; a newer schedule cancels the older ask. */
export function useNextRuns(schedule: string | undefined): Preview {
  const [preview, setPreview] = useState<{ schedule: string; found: Preview } | null>(null);
  useEffect(() => {
    if (!schedule) return;
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const response = await request("schedule/next", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ schedule, count: COUNT }),
          signal: controller.signal,
        });
        setPreview({ schedule, found: { runs: (await response.json()) as NextRuns, error: null } });
      } catch (error) {
        if (controller.signal.aborted) return;
        setPreview({ schedule, found: { runs: null, error: error instanceof ApiError ? error.message : String(error) } });
      }
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [schedule]);
  return schedule && preview?.schedule === schedule ? preview.found : null;
}

/** "2026-03-02 06:30 UTC": run times as Airflow counts them, in UTC. */
function shown(time: string): string {
  return `${new Date(time).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** "When any/all of these assets update": names added one by one; nested conditions are shown, kept as they are. */
function AssetScheduleEditor({ schedule, id, set }: { schedule: unknown; id: string; set: (value: unknown) => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState("");
  const flat = schedule === undefined ? { mode: "any" as AssetMode, names: [] } : flatAssetSchedule(schedule);
  if (flat === null) {
    return (
      <div className="schedule-assets" data-testid="schedule-assets-nested">
        <p className="inspector-help">{t("inspector.assets.nested")}</p>
        <pre>{JSON.stringify(schedule, null, 1)}</pre>
      </div>
    );
  }
  const addable = isAssetName(draft) && !flat.names.includes(draft);
  const add = () => {
    if (!addable) return;
    set(assetSchedule({ ...flat, names: [...flat.names, draft] }));
    setDraft("");
  };
  return (
    <div className="schedule-assets" data-testid="schedule-assets">
      <label className="form-label" htmlFor={`${id}-asset-mode`}>
        {t("inspector.assets.when")}
      </label>
      <select
        id={`${id}-asset-mode`}
        data-testid="schedule-assets-mode"
        value={flat.mode}
        onChange={(event) => set(assetSchedule({ ...flat, mode: event.target.value as AssetMode }))}
      >
        <option value="any">{t("inspector.assets.any")}</option>
        <option value="all">{t("inspector.assets.all")}</option>
      </select>
      <ul className="schedule-asset-list">
        {flat.names.map((name) => (
          <li key={name} data-asset={name}>
            <code>{name}</code>
            <button
              type="button"
              className="param-remove"
              aria-label={t("inspector.assets.remove", { name })}
              onClick={() => set(assetSchedule({ ...flat, names: flat.names.filter((n) => n !== name) }))}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <div className="schedule-asset-add">
        <input
          id={`${id}-asset`}
          data-testid="schedule-asset-input"
          placeholder="sales_daily"
          aria-label={t("inspector.assets.name")}
          spellCheck={false}
          value={draft}
          onChange={(event) => setDraft(event.target.value.trim())}
          onKeyDown={(event) => {
            if (event.key === "Enter") {
              event.preventDefault();
              add();
            }
          }}
        />
        <button type="button" data-testid="schedule-asset-add" disabled={!addable} onClick={add}>
          {t("inspector.assets.add")}
        </button>
      </div>
      {draft !== "" && !isAssetName(draft) && <p className="field-problem error">{t("inspector.assets.badName")}</p>}
      <p className="inspector-help">{flat.names.length ? t("inspector.assets.help") : t("inspector.assets.empty")}</p>
    </div>
  );
}

export function ScheduleField({ formData, onChange, fieldPathId }: FieldProps) {
  const { t } = useTranslation();
  const onAssets = isAssetSchedule(formData);
  const schedule = typeof formData === "string" && formData !== "" ? formData : undefined;
  // Cron when the schedule is one, or when the user chose to write one (the field may still be empty);
  // assets likewise, until the first asset name is added.
  const [wants, setWants] = useState<"" | typeof CUSTOM | typeof ASSETS>("");
  const assets = onAssets || (wants === ASSETS && schedule === undefined);
  const custom = !assets && (wants === CUSTOM || (schedule !== undefined && !PRESETS.includes(schedule)));
  const choice = assets ? ASSETS : schedule === undefined && !custom ? "" : custom ? CUSTOM : schedule;
  const preview = useNextRuns(schedule);
  const id = fieldPathId.$id;
  const set = (value: unknown) => onChange(value, fieldPathId.path, undefined, id);

  return (
    <div className="schedule-field" data-testid="schedule">
      <label className="form-label" htmlFor={`${id}-kind`}>
        {t("inspector.fields.schedule")}
      </label>
      <select
        id={`${id}-kind`}
        data-testid="schedule-kind"
        value={choice}
        onChange={(event) => {
          const picked = event.target.value;
          setWants(picked === CUSTOM || picked === ASSETS ? picked : "");
          // Cron text and an asset condition do not mix: switching between them starts empty.
          if (picked === CUSTOM || picked === ASSETS) {
            if ((picked === ASSETS) !== onAssets && formData !== undefined) set(undefined);
          } else set(picked || undefined);
        }}
      >
        <option value="">{t("inspector.manual")}</option>
        {PRESETS.map((preset) => (
          <option key={preset} value={preset}>
            {t(`inspector.preset.${preset.slice(1)}`)} ({preset})
          </option>
        ))}
        <option value={CUSTOM}>{t("inspector.cron")}</option>
        <option value={ASSETS}>{t("inspector.assets.kind")}</option>
      </select>
      {assets && <AssetScheduleEditor schedule={onAssets ? formData : undefined} id={id} set={set} />}
      {custom && (
        <input
          id={id}
          data-testid="schedule-cron"
          className="schedule-cron"
          placeholder="30 6 * * 1-5"
          aria-label={t("inspector.cron")}
          spellCheck={false}
          value={schedule ?? ""}
          onChange={(event) => set(event.target.value || undefined)}
        />
      )}
      {!assets && <p className="inspector-help">{t("inspector.cronHelp")}</p>}
      {preview?.error && (
        <p className="field-problem error" data-testid="schedule-error" role="alert">
          {preview.error}
        </p>
      )}
      {preview?.runs && preview.runs.times.length > 0 && (
        <div className="next-runs" data-testid="next-runs" data-after={preview.runs.after}>
          <span className="form-label">{t("inspector.nextRuns")}</span>
          <ol>
            {preview.runs.times.map((time) => (
              <li key={time} data-time={time}>
                <time dateTime={time}>{shown(time)}</time>
              </li>
            ))}
          </ol>
        </div>
      )}
      {preview?.runs && preview.runs.times.length === 0 && <p className="inspector-help">{t("inspector.onceOnly")}</p>}
    </div>
  );
}
