import { useTranslation } from "react-i18next";
import "./RunStates.css";

// The states a node shows on the canvas during a run, in the order a run goes through them.
export const LEGEND_STATES = ["queued", "running", "success", "failed", "skipped", "upstream_failed"] as const;

/** What each node colour means. */
export function RunLegend() {
  const { t } = useTranslation();
  return (
    <ul className="run-legend" data-testid="run-legend" aria-label={t("runpane.legend")}>
      {LEGEND_STATES.map((state) => (
        <li key={state}>
          <StateDot state={state} />
          {t(`runpane.state.${state}`)}
        </li>
      ))}
    </ul>
  );
}

/** A small dot in the colour of a run or node state. */
export function StateDot({ state }: { state: string }) {
  return <span className={`state-dot state-${state}`} aria-hidden="true" />;
}
