import { useTranslation } from "react-i18next";
import { useEditor } from "../store";

/** The open pipeline's own fields: title, description, schedule, defaults, params. */
export function PipelineSettings() {
  const { t } = useTranslation();
  const settings = useEditor((s) => s.settings);
  if (!settings) return null;
  return (
    <div className="pipeline-settings" data-testid="pipeline-settings">
      <h2>{t("panels.pipeline")}</h2>
      <div className="inspector-id">{settings.id}</div>
    </div>
  );
}
