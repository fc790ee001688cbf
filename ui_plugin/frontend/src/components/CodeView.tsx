import { useTranslation } from "react-i18next";
import { useEditor } from "../store";

/** The pipeline JSON and the generated DAG source, read-only, beside the canvas. */
export function CodeView() {
  const { t } = useTranslation();
  const settings = useEditor((s) => s.settings);
  return (
    <section className="code-view" data-testid="code-view" aria-label={t("panels.code")}>
      <pre>{settings ? JSON.stringify(settings, null, 2) : ""}</pre>
    </section>
  );
}
