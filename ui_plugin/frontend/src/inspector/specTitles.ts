// Labels of the spec's own fields (retries, schedule...) in the user's language.
import { useCallback } from "react";
import { useTranslation } from "react-i18next";

/** `inspector.fields.<key>` when the catalogue has it; a field new to the spec keeps its schema title. */
export function useSpecTitle(): (key: string) => string | undefined {
  const { t, i18n } = useTranslation();
  return useCallback(
    (key: string) => (i18n.exists(`inspector.fields.${key}`) ? t(`inspector.fields.${key}`) : undefined),
    // a new language gives a new `t`
    [t, i18n],
  );
}
