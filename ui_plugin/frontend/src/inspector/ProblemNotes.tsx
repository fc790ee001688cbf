// The validator's problems shown next to what they are about: message, and how to fix it.
import { useTranslation } from "react-i18next";
import type { Problem } from "../validation";

export function SeverityIcon({ severity }: { severity: string }) {
  const { t } = useTranslation();
  const warning = severity === "warning";
  return (
    <span className={warning ? "severity warning" : "severity error"} role="img" aria-label={t(warning ? "inspector.warning" : "inspector.error")}>
      {warning ? "▲" : "●"}
    </span>
  );
}

export function ProblemNotes({ problems }: { problems: Problem[] }) {
  if (problems.length === 0) return null;
  return (
    <ul className="field-problems" data-testid="field-problems">
      {problems.map((p, i) => (
        <li key={`${p.code}:${i}`} className={`field-problem ${p.severity}`}>
          <SeverityIcon severity={p.severity} />
          <span className="problem-message">{p.message}</span>
          {p.hint && <span className="problem-hint">{p.hint}</span>}
        </li>
      ))}
    </ul>
  );
}
