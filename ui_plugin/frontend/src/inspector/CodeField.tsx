// A code param (SQL or Python) in CodeMirror, with the validator's problems as lint diagnostics.
import { python } from "@codemirror/lang-python";
import { sql } from "@codemirror/lang-sql";
import { lintGutter, setDiagnostics, type Diagnostic } from "@codemirror/lint";
import type { Text } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import CodeMirror from "@uiw/react-codemirror";
import { useEffect, useMemo, useState } from "react";
import type { Problem } from "../validation";

export type CodeLanguage = "sql" | "python";

// SQL completes the tables a query may read: the ids of the nodes upstream of this one.
const LANGUAGES = {
  sql: (tables: string[]) => sql({ schema: Object.fromEntries(tables.map((t) => [t, []])) }),
  python: () => python(),
};

/** Where a problem goes in the text: at its line and column when known, else over the first line. */
export function diagnosticOf(problem: Problem, doc: Text): Diagnostic {
  const severity = problem.severity === "warning" ? "warning" : "error";
  const message = problem.hint ? `${problem.message}\n${problem.hint}` : problem.message;
  if (!problem.line) {
    return { from: 0, to: doc.lines > 0 ? doc.line(1).to : 0, severity, message };
  }
  const line = doc.line(Math.min(Math.max(problem.line, 1), doc.lines));
  const from = Math.min(line.from + Math.max((problem.column ?? 1) - 1, 0), line.to);
  // Mark the token there: up to the next space, at least one character when the line has one.
  const rest = doc.sliceString(from, line.to);
  const length = Math.max(rest.search(/\s|$/), from < line.to ? 1 : 0);
  return { from, to: from + length, severity, message };
}

interface Props {
  id: string;
  value: string;
  language: CodeLanguage;
  problems: Problem[];
  tables?: string[];
  label: string;
  readOnly?: boolean;
  onChange: (value: string) => void;
}

export function CodeField({ id, value, language, problems, tables, label, readOnly, onChange }: Props) {
  const [view, setView] = useState<EditorView | null>(null);
  const tableList = (tables ?? []).join(",");
  const extensions = useMemo(
    () => [LANGUAGES[language](tableList ? tableList.split(",") : []), EditorView.lineWrapping, lintGutter(),
      EditorView.contentAttributes.of({ "aria-label": label, id })],
    [language, label, id, tableList],
  );

  useEffect(() => {
    if (!view) return;
    view.dispatch(setDiagnostics(view.state, problems.map((p) => diagnosticOf(p, view.state.doc))));
  }, [view, problems]);

  return (
    <div className={`code-field code-${language}`} data-testid={`code-${language}`} data-problems={problems.length}>
      <CodeMirror
        value={value}
        extensions={extensions}
        readOnly={readOnly}
        minHeight="90px"
        maxHeight="320px"
        basicSetup={{ foldGutter: false, highlightActiveLine: false }}
        indentWithTab={false} // Tab moves on to the next field: the panel stays keyboard-navigable
        onCreateEditor={setView}
        onChange={onChange}
      />
    </div>
  );
}
