import { useTranslation } from "react-i18next";
import { useUi } from "../ui";
import { useValidation } from "../validation";

/** Every problem the validator found; a click selects the node and focuses the field. */
export function ProblemsList() {
  const { t } = useTranslation();
  const problems = useValidation((s) => s.problems);
  const inspect = useUi((s) => s.inspect);
  if (problems.length === 0) return <p className="pane-empty">{t("panels.noProblems")}</p>;
  return (
    <ul className="problems" data-testid="problems">
      {problems.map((p, i) => (
        <li key={`${p.path}:${p.code}:${i}`}>
          <button type="button" onClick={() => inspect(p.node, p.field)}>
            {p.node ? `${p.node}: ` : ""}
            {p.message}
          </button>
        </li>
      ))}
    </ul>
  );
}
