import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { cardMatches, listTemplates, type TemplateCard } from "../templatesApi";
import { PipelinePicture } from "./PipelinePicture";
import "./dialogs.css";
import "./Templates.css";

// The form pulls in rjsf: loaded when a card is opened, not with the editor.
const TemplateForm = lazy(() => import("./TemplateForm").then((m) => ({ default: m.TemplateForm })));

interface Props {
  onClose: () => void;
  /** Asks before unsaved changes on the canvas are dropped; false: stay. */
  mayLeave: () => boolean;
  /** A template to show first (its form), e.g. one just published. */
  open?: string;
}

/** The templates gallery: cards in the UI's language, a search box, and a card's form once opened. */
export function TemplatesDialog({ onClose, mayLeave, open }: Props) {
  const { t, i18n } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  const [cards, setCards] = useState<TemplateCard[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState("");
  const [chosen, setChosen] = useState<string | null>(open ?? null);
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

  const shown = (cards ?? []).filter((card) => cardMatches(card, query));

  return (
    <dialog ref={dialog} className="jimu-dialog templates-dialog" data-testid="templates-dialog" onClose={onClose}>
      {chosen ? (
        <Suspense fallback={<p className="dialog-hint">{t("templates.loading")}</p>}>
          <TemplateForm name={chosen} onBack={() => setChosen(null)} onDone={() => dialog.current?.close()} mayLeave={mayLeave} />
        </Suspense>
      ) : (
        <>
          <h2>{t("templates.title")}</h2>
          <p className="dialog-hint">{t("templates.intro")}</p>
          <input
            type="search"
            className="templates-search"
            data-testid="templates-search"
            aria-label={t("templates.search")}
            placeholder={t("templates.search")}
            value={query}
            onChange={(event) => setQuery(event.target.value)}
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
                <button type="button" className="template-card" data-template={card.name} onClick={() => setChosen(card.name)}>
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
          <div className="dialog-actions">
            <button type="button" data-testid="templates-close" onClick={() => dialog.current?.close()}>
              {t("templates.close")}
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}
