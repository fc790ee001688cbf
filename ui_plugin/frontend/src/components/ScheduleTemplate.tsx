// "Schedule" in a template's form: when it runs (a preset or cron, with the next run times), the profile it is
// deployed with, and who hears of a failure; then the pipeline is saved with that schedule and deployed.
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import * as api from "../api";
import { ApiError } from "../api";
import { useNextRuns } from "../inspector/ScheduleField";
import { useEditor } from "../store";
import { deployPipeline, fieldProblems, instantiateTemplate, listProfiles, type Deployed, type ProfileInfo } from "../templatesApi";
import "./ScheduleTemplate.css";

const PRESETS = ["@hourly", "@daily", "@weekly", "@monthly"];
const CRON = "cron";
// The standalone editor runs pipelines on this machine: its Airflow is the local profile's.
const DEFAULT_PROFILE = "local";

interface Props {
  name: string;
  id: string;
  values: unknown;
  onBack: () => void;
  onDone: () => void;
}

/** A run time as the user's clock shows it, with the UTC Airflow counts in beside it. */
function RunTime({ time, locale }: { time: string; locale: string }) {
  const date = new Date(time);
  const local = date.toLocaleString(locale, { weekday: "short", year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
  return (
    <li data-time={time}>
      <time dateTime={time}>{local}</time>
      <span className="schedule-utc">{date.toISOString().slice(0, 16).replace("T", " ")} UTC</span>
    </li>
  );
}

export function ScheduleTemplate({ name, id, values, onBack, onDone }: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const locale = lang === "zh" ? "zh-CN" : "en-GB";
  const [choice, setChoice] = useState("@daily");
  const [cron, setCron] = useState("");
  const [profiles, setProfiles] = useState<ProfileInfo[]>([]);
  const [profile, setProfile] = useState(DEFAULT_PROFILE);
  const [email, setEmail] = useState("");
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Saved once: a failed deploy is tried again without making the pipeline a second time.
  const [saved, setSaved] = useState(false);
  const [deployed, setDeployed] = useState<Deployed | null>(null);
  const schedule = choice === CRON ? cron.trim() : choice;
  const preview = useNextRuns(schedule || undefined);

  useEffect(() => {
    listProfiles()
      .then((found) => {
        setProfiles(found);
        if (!found.some((p) => p.name === DEFAULT_PROFILE) && found.length) setProfile(found[0].name);
      })
      .catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)));
  }, []);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      if (!saved) {
        await instantiateTemplate(name, id, values, lang, { schedule, alert_email: email.trim() || null });
        setSaved(true);
        setProblems({});
        useEditor.setState({ pipelines: await api.listPipelines() });
      }
      setDeployed(await deployPipeline(id, profile));
    } catch (failure) {
      const wrong = fieldProblems(failure);
      setProblems(Object.fromEntries(wrong.map((p) => [p.field, p.message])));
      // Our two fields show their problem beside them; the form's own (a value, the id) show here.
      const elsewhere = wrong.filter((p) => p.field !== "schedule" && p.field !== "alert_email");
      if (failure instanceof ApiError && failure.detail.reason === "no-dags-folder") setError(t("schedule.noDagsFolder", { id }));
      else if (elsewhere.length) setError(elsewhere.map((p) => p.message).join("\n"));
      else if (wrong.length === 0) setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };

  if (deployed) {
    return (
      <div className="schedule-template" data-testid="schedule-done">
        <h2>{t("schedule.doneTitle")}</h2>
        <dl className="schedule-result">
          <dt>{t("schedule.dagId")}</dt>
          <dd className="mono" data-testid="schedule-dag-id">{deployed.dag_id}</dd>
          <dt>{t("schedule.file")}</dt>
          <dd className="mono" data-testid="schedule-file">{deployed.path}</dd>
        </dl>
        <p className="dialog-hint">{t("schedule.doneHint", { id })}</p>
        {preview?.runs && (
          <div className="schedule-next">
            <span className="schedule-label">{t("schedule.next")}</span>
            <ol className="schedule-runs" data-testid="schedule-done-runs">
              {preview.runs.times.map((time) => <RunTime key={time} time={time} locale={locale} />)}
            </ol>
          </div>
        )}
        {deployed.dag_url && (
          <p>
            <a href={deployed.dag_url} target="_blank" rel="noreferrer" data-testid="schedule-dag-link">
              {t("schedule.openInAirflow")}
            </a>
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="primary" data-testid="schedule-close" onClick={onDone} autoFocus>
            {t("schedule.close")}
          </button>
        </div>
      </div>
    );
  }

  return (
    <div className="schedule-template" data-testid="schedule-template">
      <h2>{t("schedule.title", { id })}</h2>
      <p className="dialog-hint">{t("schedule.intro")}</p>
      <label className="schedule-row">
        {t("schedule.when")}
        <select data-testid="schedule-preset" value={choice} onChange={(event) => setChoice(event.target.value)} autoFocus>
          {PRESETS.map((preset) => (
            <option key={preset} value={preset}>
              {t(`schedule.presets.${preset.slice(1)}`)}
            </option>
          ))}
          <option value={CRON}>{t("schedule.cron")}</option>
        </select>
      </label>
      {choice === CRON && (
        <label className="schedule-row">
          {t("schedule.cronLabel")}
          <input data-testid="schedule-cron" className="mono" placeholder="30 6 * * 1-5" spellCheck={false} value={cron} onChange={(event) => setCron(event.target.value)} />
          <span className="dialog-hint">{t("schedule.cronHelp")}</span>
        </label>
      )}
      {(problems.schedule || preview?.error) && (
        <p className="field-problem error" role="alert" data-testid="schedule-problem">
          {problems.schedule ?? preview?.error}
        </p>
      )}
      {preview?.runs && (
        <div className="schedule-next" data-testid="schedule-next" data-after={preview.runs.after}>
          <span className="schedule-label">{t("schedule.next")}</span>
          <ol className="schedule-runs">
            {preview.runs.times.map((time) => <RunTime key={time} time={time} locale={locale} />)}
          </ol>
        </div>
      )}
      <label className="schedule-row">
        {t("schedule.profile")}
        <select data-testid="schedule-profile" value={profile} onChange={(event) => setProfile(event.target.value)}>
          {profiles.map((p) => (
            <option key={p.name} value={p.name}>
              {p.name} ({t(`schedule.kinds.${p.kind}`, { defaultValue: p.kind })})
            </option>
          ))}
        </select>
      </label>
      <label className="schedule-row">
        {t("schedule.email")}
        <input type="email" data-testid="schedule-email" placeholder="me@example.com" value={email} onChange={(event) => setEmail(event.target.value)} />
        <span className="dialog-hint">{t("schedule.emailHelp")}</span>
      </label>
      {problems.alert_email && (
        <p className="field-problem error" role="alert" data-testid="schedule-email-problem">
          {problems.alert_email}
        </p>
      )}
      {error && (
        <p className="dialog-error schedule-error" role="alert" data-testid="schedule-error">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" data-testid="schedule-back" onClick={onBack}>
          {t("schedule.back")}
        </button>
        <button type="button" className="primary" data-testid="schedule-confirm" onClick={() => void confirm()} disabled={busy || !schedule || profiles.length === 0}>
          {saved ? t("schedule.retry") : t("schedule.confirm")}
        </button>
      </div>
    </div>
  );
}
