import { useTranslation } from "react-i18next";
import { useEditor } from "../store";
import { useUi, type BottomTab } from "../ui";
import { useValidation } from "../validation";
import { ProblemsList } from "./ProblemsList";
import { RunPane } from "./RunPane";

const TABS: BottomTab[] = ["problems", "run"];

/** Problems and the run, in tabs under the canvas; it keeps its height when its content changes. */
export function BottomPane() {
  const { t } = useTranslation();
  const { bottomTab, bottomOpen, showBottom, hideBottom } = useUi();
  const count = useValidation((s) => s.problems.length);
  const open = useEditor((s) => s.open);
  if (!open) return null;
  return (
    <section className={bottomOpen ? "bottom-pane open" : "bottom-pane"} data-testid="bottom-pane">
      <div className="bottom-tabs" role="tablist">
        {TABS.map((tab) => (
          <button
            type="button"
            role="tab"
            key={tab}
            data-testid={`tab-${tab}`}
            aria-selected={bottomOpen && bottomTab === tab}
            onClick={() => (bottomOpen && bottomTab === tab ? hideBottom() : showBottom(tab))}
          >
            {t(`panels.${tab}`)}
            {tab === "problems" && count > 0 ? ` (${count})` : ""}
          </button>
        ))}
      </div>
      {bottomOpen && <div className="bottom-content">{bottomTab === "problems" ? <ProblemsList /> : <RunPane />}</div>}
    </section>
  );
}
