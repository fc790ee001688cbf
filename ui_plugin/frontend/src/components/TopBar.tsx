import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { LANGUAGES, setLanguage, type Language } from "../i18n";
import { useEditor } from "../store";

const LANGUAGE_NAMES: Record<Language, string> = { en: "EN", zh: "中文" };

export function TopBar() {
  const { t, i18n } = useTranslation();
  const { pipelines, open, dirty, status, openPipeline, newPipeline, save } = useEditor();

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
        event.preventDefault(); // not the browser's "save page"
        void useEditor.getState().save();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  return (
    <header className="topbar">
      <h1 className="topbar-title">{t("app.title")}</h1>
      <label className="topbar-field">
        {t("topbar.pipeline")}
        <select
          aria-label={t("topbar.pipeline")}
          data-testid="pipeline-picker"
          value={open?.document.id ?? ""}
          onChange={(event) => void openPipeline(event.target.value)}
        >
          <option value="" disabled>
            {t("topbar.choose")}
          </option>
          {pipelines.map((p) => (
            <option key={p.id} value={p.id}>
              {p.title ? `${p.id} — ${p.title}` : p.id}
            </option>
          ))}
        </select>
      </label>
      <button type="button" data-testid="new-pipeline" onClick={() => void newPipeline()}>
        {t("topbar.new")}
      </button>
      <button type="button" data-testid="save" title={t("topbar.saveHint")} disabled={!open} onClick={() => void save()}>
        {t("topbar.save")}
      </button>
      <span className={status?.error ? "topbar-status error" : "topbar-status"} data-testid="status" role="status">
        {status ? t(status.key, status.values) : dirty ? t("topbar.unsaved") : ""}
      </span>
      <div className="topbar-languages" role="group" aria-label={t("topbar.language")}>
        {LANGUAGES.map((language) => (
          <button
            type="button"
            key={language}
            data-testid={`language-${language}`}
            aria-pressed={i18n.language === language}
            onClick={() => setLanguage(language)}
          >
            {LANGUAGE_NAMES[language]}
          </button>
        ))}
      </div>
    </header>
  );
}
