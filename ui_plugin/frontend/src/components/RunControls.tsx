import { useTranslation } from "react-i18next";
import { useEditor } from "../store";
import { useUi } from "../ui";

/** The top bar's run button. */
export function RunControls() {
  const { t } = useTranslation();
  const open = useEditor((s) => s.open);
  const showBottom = useUi((s) => s.showBottom);
  return (
    <button type="button" data-testid="run" disabled={!open} onClick={() => showBottom("run")}>
      {t("panels.run")}
    </button>
  );
}
