// The pipeline's schedule: manual, a preset or a cron expression, with the next run times it gives.
import type { FieldProps } from "@rjsf/utils";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, request } from "../api";

// Airflow's presets (jimu.validate.rules_schedule.PRESETS); "" is manual runs only, CUSTOM a cron expression.
const PRESETS = ["@once", "@hourly", "@daily", "@weekly", "@monthly", "@quarterly", "@yearly"];
const CUSTOM = "cron";
const DEBOUNCE_MS = 300;
const COUNT = 5;

interface NextRuns {
  after: string;
  times: string[];
}

type Preview = { runs: NextRuns; error: null } | { runs: null; error: string } | null;

/** POST /api/schedule/next, answered after the user stops typing; a newer schedule cancels the older ask. */
function useNextRuns(schedule: string | undefined): Preview {
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

export function ScheduleField({ formData, onChange, fieldPathId }: FieldProps) {
  const { t } = useTranslation();
  const schedule = typeof formData === "string" && formData !== "" ? formData : undefined;
  // Cron when the schedule is one, or when the user chose to write one (the field may still be empty).
  const [wantsCron, setWantsCron] = useState(false);
  const custom = wantsCron || (schedule !== undefined && !PRESETS.includes(schedule));
  const choice = schedule === undefined && !custom ? "" : custom ? CUSTOM : schedule;
  const preview = useNextRuns(schedule);
  const id = fieldPathId.$id;
  const set = (value: string | undefined) => onChange(value, fieldPathId.path, undefined, id);

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
          setWantsCron(picked === CUSTOM);
          if (picked !== CUSTOM) set(picked || undefined);
        }}
      >
        <option value="">{t("inspector.manual")}</option>
        {PRESETS.map((preset) => (
          <option key={preset} value={preset}>
            {t(`inspector.preset.${preset.slice(1)}`)} ({preset})
          </option>
        ))}
        <option value={CUSTOM}>{t("inspector.cron")}</option>
      </select>
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
      <p className="inspector-help">{t("inspector.cronHelp")}</p>
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
