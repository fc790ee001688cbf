import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { LANGUAGES, setLanguage, type Language } from "../i18n";
import { useEditor } from "../store";
import { useUi } from "../ui";
import { PipelinesDialog } from "./PipelinesDialog";
import { RunControls } from "./RunControls";
import { TemplatesDialog } from "./TemplatesDialog";

const LANGUAGE_NAMES: Record<Language, string> = { en: "EN", zh: "中文" };

export function TopBar() {
  const { t, i18n } = useTranslation();
  const { pipelines, open, dirty, status, openPipeline, newPipeline, save } = useEditor();
  const { codeView, setCodeView } = useUi();
  const [listing, setListing] = useState(false);
  const [gallery, setGallery] = useState(false);

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

  useEffect(() => {
    // The tab says which pipeline is open and whether it has unsaved changes.
    const name = open ? `${dirty ? "● " : ""}${open.document.id} — ` : "";
    document.title = `${name}${t("app.title")}`;
  }, [open, dirty, t]);

  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault(); // the browser asks before leaving
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  // Opening another pipeline or a new one drops unsaved changes: ask first.
  const leave = () => !dirty || window.confirm(t("topbar.discard"));

  return (
    <header className="topbar">
      <h1 className="topbar-title">{t("app.title")}</h1>
      <label className="topbar-field">
        {t("topbar.pipeline")}
        <select
          aria-label={t("topbar.pipeline")}
          data-testid="pipeline-picker"
          value={open?.document.id ?? ""}
          onChange={(event) => leave() && void openPipeline(event.target.value)}
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
      <button type="button" data-testid="new-pipeline" onClick={() => leave() && void newPipeline()}>
        {t("topbar.new")}
      </button>
      <button type="button" data-testid="pipelines" onClick={() => setListing(true)}>
        {t("pipelines.button")}
      </button>
      {listing && <PipelinesDialog onClose={() => setListing(false)} mayLeave={leave} />}
      <button type="button" data-testid="templates" onClick={() => setGallery(true)}>
        {t("templates.button")}
      </button>
      {gallery && <TemplatesDialog onClose={() => setGallery(false)} mayLeave={leave} />}
      <button type="button" data-testid="save" title={t("topbar.saveHint")} disabled={!open} onClick={() => void save()}>
        {t("topbar.save")}
      </button>
      <RunControls />
      <button type="button" data-testid="code-toggle" aria-pressed={codeView} disabled={!open} onClick={() => setCodeView(!codeView)}>
        {t("panels.code")}
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
