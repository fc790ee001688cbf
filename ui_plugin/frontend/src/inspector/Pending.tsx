// What the side panel shows while a form's code or schema is on its way, or when it could not come.
import { useTranslation } from "react-i18next";

export function Loading() {
  const { t } = useTranslation();
  return <p className="pane-empty">{t("inspector.loading")}</p>;
}

/** In place of a form whose schema is not there: why not, or that it is on its way. */
export function SchemaPending({ error }: { error: string | null }) {
  const { t } = useTranslation();
  if (error) return <p className="field-problem error">{t("inspector.noSchema", { message: error })}</p>;
  return <Loading />;
}
