import { lazy, Suspense, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useShallow } from "zustand/react/shallow";
import { Loading } from "../inspector/Pending";
import { ProblemNotes } from "../inspector/ProblemNotes";
import { useFocusField } from "../inspector/useFocusField";
import type { JimuNode } from "../spec";
import { useEditor } from "../store";
import { fieldOf, useProblemsOf } from "../validation";
import "./Inspector.css";

// The forms bring rjsf, Ajv and CodeMirror: loaded apart, so the canvas paints without waiting for them.
const ParamsForm = lazy(() => import("../inspector/NodeForms").then((m) => ({ default: m.ParamsForm })));
const OverridesForm = lazy(() => import("../inspector/NodeForms").then((m) => ({ default: m.OverridesForm })));

/** The selected node's fields: id, params form, code editors, overrides. */
export function Inspector({ node }: { node: JimuNode }) {
  const { t } = useTranslation();
  const spec = node.data.spec;
  const problems = useProblemsOf(node.id);
  const paramNames = useEditor(useShallow((s) => Object.keys((s.settings?.params as Record<string, unknown> | undefined) ?? {})));
  const panel = useRef<HTMLDivElement>(null);
  useFocusField(panel, node.id);

  // Problems no form field shows: about the node as a whole, its id or its component.
  const general = problems.filter((p) => {
    const field = fieldOf(p);
    return field === null || field === "id" || field === "component";
  });

  return (
    <div className="inspector" data-testid="inspector" data-node={node.id} ref={panel}>
      <h2>{t("panels.node")}</h2>
      <RenameField id={node.id} />
      <div className="jimu-node-ref" data-field="component">
        {spec.component}
      </div>
      <ProblemNotes problems={general} />
      <section className="inspector-section" aria-label={t("inspector.params")}>
        <h3>{t("inspector.params")}</h3>
        <Suspense fallback={<Loading />}>
          <ParamsForm spec={spec} paramNames={paramNames} />
        </Suspense>
      </section>
      <section className="inspector-section" aria-label={t("inspector.overrides")}>
        <h3>{t("inspector.overrides")}</h3>
        <p className="inspector-help">{t("inspector.overridesHelp")}</p>
        <Suspense fallback={<Loading />}>
          <OverridesForm spec={spec} />
        </Suspense>
      </section>
    </div>
  );
}

function RenameField({ id }: { id: string }) {
  const { t } = useTranslation();
  const renameNode = useEditor((s) => s.renameNode);
  const [text, setText] = useState(id);
  const [error, setError] = useState<string | null>(null);
  const commit = () => {
    const why = renameNode(id, text.trim());
    setError(why);
  };
  return (
    <div className="form-field" data-field="id">
      <label className="form-label" htmlFor="inspector-node-id">
        {t("inspector.nodeId")}
      </label>
      <input
        id="inspector-node-id"
        data-testid="node-id"
        className="inspector-id"
        value={text}
        spellCheck={false}
        aria-invalid={error !== null}
        aria-describedby={error ? "inspector-node-id-error" : undefined}
        onChange={(event) => {
          setText(event.target.value);
          setError(null);
        }}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === "Enter") commit();
          if (event.key === "Escape") {
            setText(id);
            setError(null);
          }
        }}
      />
      {error && (
        <p className="field-problem error" id="inspector-node-id-error" role="alert" data-testid="rename-error">
          {t(error)}
        </p>
      )}
    </div>
  );
}
