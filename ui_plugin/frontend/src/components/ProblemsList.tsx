import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { SeverityIcon } from "../inspector/ProblemNotes";
import { useUi } from "../ui";
import { fieldOf, useValidation, type Problem } from "../validation";
import "./Inspector.css";

/** Problems by node, the pipeline's own first, in the order the validator found them. */
function byNode(problems: Problem[]): [string | null, Problem[]][] {
  const groups = new Map<string | null, Problem[]>();
  for (const problem of problems) groups.set(problem.node, [...(groups.get(problem.node) ?? []), problem]);
  return [...groups.entries()].sort(([a], [b]) => (a === null ? -1 : b === null ? 1 : 0));
}

/** Every problem the validator found, grouped by node; a click selects the node and focuses the field. */
export function ProblemsList() {
  const { t } = useTranslation();
  const problems = useValidation((s) => s.problems);
  const inspect = useUi((s) => s.inspect);
  const groups = useMemo(() => byNode(problems), [problems]);
  if (problems.length === 0) return <p className="pane-empty">{t("panels.noProblems")}</p>;
  return (
    <div className="problems" data-testid="problems">
      {groups.map(([node, found]) => (
        <section key={node ?? ""} className="problem-group" data-testid="problem-group" data-node={node ?? ""}>
          <h3>{node ? t("inspector.nodeGroup", { node }) : t("inspector.pipelineGroup")}</h3>
          <ul>
            {found.map((p, i) => (
              <li key={`${p.path}:${p.code}:${i}`}>
                <button
                  type="button"
                  className="problem"
                  data-testid="problem"
                  data-code={p.code}
                  data-node={p.node ?? ""}
                  data-field={fieldOf(p) ?? ""}
                  onClick={() => inspect(p.node, fieldOf(p))}
                >
                  <SeverityIcon severity={p.severity} />
                  <span className="problem-text">
                    <span className="problem-message">{p.message}</span>
                    {p.hint && <span className="problem-hint">{p.hint}</span>}
                  </span>
                  {fieldOf(p) && <span className="problem-field">{fieldOf(p)}</span>}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
