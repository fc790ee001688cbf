import Form from "@rjsf/core";
import type { RJSFSchema } from "@rjsf/utils";
import validator from "@rjsf/validator-ajv8";
import { useEffect, useMemo, useRef } from "react";
import { useTranslation } from "react-i18next";
import "./RunDialog.css";

type Params = Record<string, unknown>;

interface Props {
  pipeline: string;
  params: Record<string, RJSFSchema>; // the pipeline's params: name -> JSON Schema with a default
  starting: boolean;
  error: string | null;
  onStart: (values: Params) => void;
  onClose: () => void;
}

/** The pipeline's param values for one run: a form made from the params' JSON Schemas (rjsf fills in the defaults). */
export function RunDialog({ pipeline, params, starting, error, onStart, onClose }: Props) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  const schema = useMemo<RJSFSchema>(() => ({ type: "object", properties: params }), [params]);
  const empty = Object.keys(params).length === 0;

  useEffect(() => {
    // Modal: focus moves in, Esc closes, the page behind is inert. Unmounting removes it.
    if (dialog.current && !dialog.current.open) dialog.current.showModal();
  }, []);

  return (
    <dialog ref={dialog} className="run-dialog" data-testid="run-dialog" aria-labelledby="run-dialog-title" onClose={onClose}>
      <h2 id="run-dialog-title">{t("runpane.dialogTitle", { pipeline })}</h2>
      {empty && <p className="run-dialog-note">{t("runpane.noParams")}</p>}
      <Form
        schema={schema}
        validator={validator}
        idPrefix="run-param"
        showErrorList={false}
        noHtml5Validate
        onSubmit={(event) => onStart(event.formData ?? {})}
      >
        {error && (
          <p className="run-dialog-error" role="alert" data-testid="run-dialog-error">
            {error}
          </p>
        )}
        <div className="run-dialog-actions">
          <button type="submit" className="primary" data-testid="run-start" disabled={starting}>
            {starting ? t("runpane.starting") : t("runpane.start")}
          </button>
          <button type="button" data-testid="run-cancel" onClick={() => dialog.current?.close()}>
            {t("runpane.cancel")}
          </button>
        </div>
      </Form>
    </dialog>
  );
}
