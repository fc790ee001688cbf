import { useTranslation } from "react-i18next";

/** The run being watched: log, per-node logs, output previews, history. */
export function RunPane() {
  const { t } = useTranslation();
  return <p className="pane-empty">{t("panels.noRun")}</p>;
}
