import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { startRun } from "../runApi";
import { useEditor } from "../store";
import { cardMatches, listTemplates, type TemplateCard } from "../templatesApi";
import { MyTemplateRuns } from "./MyTemplateRuns";
import { PipelinePicture } from "./PipelinePicture";
import "./dialogs.css";
import "./Templates.css";

// The form pulls in rjsf, the run page React Flow and charts: loaded when opened, not with the editor.
const TemplateForm = lazy(() => import("./TemplateForm").then((m) => ({ default: m.TemplateForm })));
const TemplateRun = lazy(() => import("./TemplateRun").then((m) => ({ default: m.TemplateRun })));

type HomeTab = "templates" | "mine";
/** What the dialog shows: its home (a tab), one template's form, or one run of a pipeline made from a template. */
type Page =
  | { kind: "home"; tab: HomeTab }
  | { kind: "form"; name: string }
  | { kind: "run"; runId: string; pipeline: string; template: string };
const HOME_TABS: HomeTab[] = ["templates", "mine"];

interface Props {
  onClose: () => void;
  /** Asks before unsaved changes on the canvas are dropped; false: stay. */
  mayLeave: () => boolean;
  /** A template to show first (its form), e.g. one just published. */
  open?: string;
}

/** The templates gallery: cards in the UI's language with a search box, or the pipelines made from templates
 * with their runs; a card's form once opened, and a run's page. */
export function TemplatesDialog({ onClose, mayLeave, open }: Props) {
  const { t, i18n } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  const [cards, setCards] = useState<TemplateCard[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState("");
  const [page, setPage] = useState<Page>(open ? { kind: "form", name: open } : { kind: "home", tab: "templates" });
  const lang = i18n.language;

  useEffect(() => dialog.current?.showModal(), []);

  useEffect(() => {
    let current = true; // a language switch mid-request must not show the older language's cards
    listTemplates(lang)
      .then((answer) => current && setCards(answer))
      .catch((failure: unknown) => current && setError(failure instanceof Error ? failure.message : String(failure)));
    return () => {
      current = false;
    };
  }, [lang]);

  const titles = Object.fromEntries((cards ?? []).map((card) => [card.name, card.title]));
  const close = () => dialog.current?.close();
  const showRun = (runId: string, pipeline: string, template: string) => setPage({ kind: "run", runId, pipeline, template });

  // "Open as pipeline": the run's pipeline on the canvas, as "Create pipeline" opens a new one.
  const openPipeline = async (pipeline: string) => {
    if (!mayLeave()) return;
    await useEditor.getState().openPipeline(pipeline);
    close();
  };

  return (
    <dialog ref={dialog} className="jimu-dialog templates-dialog" data-testid="templates-dialog" onClose={onClose}>
      {page.kind === "form" && (
        <Suspense fallback={<p className="dialog-hint">{t("templates.loading")}</p>}>
          <TemplateForm
            name={page.name}
            onBack={() => setPage({ kind: "home", tab: "templates" })}
            onDone={close}
            mayLeave={mayLeave}
            onRun={async (pipeline) => showRun(await startRun(pipeline, {}), pipeline, page.name)}
          />
        </Suspense>
      )}
      {page.kind === "run" && (
        <Suspense fallback={<p className="dialog-hint">{t("templates.loading")}</p>}>
          <TemplateRun
            key={page.runId}
            runId={page.runId}
            pipeline={page.pipeline}
            template={page.template}
            onBack={() => setPage({ kind: "home", tab: "mine" })}
            onOpenPipeline={() => void openPipeline(page.pipeline)}
            onRunStarted={(runId) => showRun(runId, page.pipeline, page.template)}
          />
        </Suspense>
      )}
      {page.kind === "home" && (
        <>
          <h2>{t("templates.title")}</h2>
          <div className="template-tabs" role="tablist" aria-label={t("templates.title")}>
            {HOME_TABS.map((tab) => (
              <button
                type="button"
                role="tab"
                key={tab}
                id={`template-tab-${tab}`}
                data-testid={`template-tab-${tab}`}
                aria-selected={page.tab === tab}
                aria-controls="template-tab-panel"
                onClick={() => setPage({ kind: "home", tab })}
              >
                {t(`templateRuns.tab.${tab}`)}
              </button>
            ))}
          </div>
          <div id="template-tab-panel" role="tabpanel" aria-labelledby={`template-tab-${page.tab}`}>
            {page.tab === "mine" ? (
              <MyTemplateRuns titles={titles} onOpenRun={showRun} />
            ) : (
              <TemplateCards cards={cards} error={error} query={query} onQuery={setQuery} onChoose={(name) => setPage({ kind: "form", name })} />
            )}
          </div>
          <div className="dialog-actions">
            <button type="button" data-testid="templates-close" onClick={close}>
              {t("templates.close")}
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}

interface CardsProps {
  cards: TemplateCard[] | null;
  error: string | null;
  query: string;
  onQuery: (query: string) => void;
  onChoose: (name: string) => void;
}

/** The gallery's first tab: a search box over the template cards. */
function TemplateCards({ cards, error, query, onQuery, onChoose }: CardsProps) {
  const { t } = useTranslation();
  const shown = (cards ?? []).filter((card) => cardMatches(card, query));
  return (
    <>
      <p className="dialog-hint">{t("templates.intro")}</p>
      <input
        type="search"
        className="templates-search"
        data-testid="templates-search"
        aria-label={t("templates.search")}
        placeholder={t("templates.search")}
        value={query}
        onChange={(event) => onQuery(event.target.value)}
      />
      {error && (
        <p className="dialog-error" role="alert">
          {error}
        </p>
      )}
      {cards === null && !error && <p className="dialog-hint">{t("templates.loading")}</p>}
      {cards !== null && shown.length === 0 && <p className="dialog-hint">{t("templates.none")}</p>}
      <ul className="template-cards" data-testid="template-cards">
        {shown.map((card) => (
          <li key={card.ref}>
            <button type="button" className="template-card" data-template={card.name} onClick={() => onChoose(card.name)}>
              <span className="template-card-head">
                <strong className="template-card-title">{card.title}</strong>
                <span className="template-category">
                  {/* a category without a translation shows as the template names it */}
                  {t(`templates.categories.${card.category}`, { defaultValue: card.category })}
                </span>
              </span>
              <span className="template-card-description">{card.description}</span>
              <PipelinePicture preview={card.preview} compact />
              <span className="template-card-foot">
                {t("templates.fields", { count: card.fields })} · v{card.version}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
