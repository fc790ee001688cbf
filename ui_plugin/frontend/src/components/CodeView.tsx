import { python } from "@codemirror/lang-python";
import { EditorView } from "@codemirror/view";
import CodeMirror from "@uiw/react-codemirror";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { compilePreview, PROFILES, type Compiled, type Profile } from "../compileApi";
import { fromFlow } from "../spec";
import { useEditor } from "../store";
import "./CodeView.css";

const REFRESH_MS = 400; // after the last change: dragging a node does not compile on every frame
type Tab = "dag" | "json";

const JSON_EXTENSIONS = [EditorView.lineWrapping];
const DAG_EXTENSIONS = [python(), EditorView.lineWrapping];
const SETUP = { foldGutter: true, highlightActiveLine: false, autocompletion: false, searchKeymap: true };

/** The pipeline JSON as it would be saved and the DAG source it compiles to, read-only, beside the canvas. */
export function CodeView() {
  const { t } = useTranslation();
  const document = useSettledDocument();
  const [tab, setTab] = useState<Tab>("dag");
  const [profile, setProfile] = useState<Profile>("local");
  const compiled = useCompiled(tab === "dag" ? document : null, profile);
  const json = useMemo(() => (document ? JSON.stringify(document, null, 2) : ""), [document]);

  return (
    <section className="code-view" data-testid="code-view" aria-label={t("panels.code")}>
      <div className="code-view-bar">
        <div role="tablist" className="code-view-tabs">
          {(["dag", "json"] as const).map((name) => (
            <button type="button" role="tab" key={name} data-testid={`code-tab-${name}`} aria-selected={tab === name} onClick={() => setTab(name)}>
              {t(`codeview.${name}`)}
            </button>
          ))}
        </div>
        {tab === "dag" && (
          <label className="code-view-profile">
            {t("codeview.profile")}
            <select data-testid="code-profile" value={profile} onChange={(event) => setProfile(event.target.value as Profile)}>
              {PROFILES.map((name) => (
                <option key={name} value={name}>
                  {t(`codeview.profiles.${name}`)}
                </option>
              ))}
            </select>
          </label>
        )}
        {tab === "dag" && compiled.state === "loading" && <span className="code-view-note">{t("codeview.compiling")}</span>}
      </div>
      <div className="code-view-body" data-testid="code-body" data-tab={tab} data-state={tab === "dag" ? compiled.state : "ready"}>
        {tab === "json" && <Code text={json} extensions={JSON_EXTENSIONS} label={t("codeview.json")} />}
        {tab === "dag" && compiled.answer && "source" in compiled.answer && (
          <Code text={compiled.answer.source} extensions={DAG_EXTENSIONS} label={t("codeview.dag")} />
        )}
        {tab === "dag" && compiled.answer && "issues" in compiled.answer && (
          <div className="code-view-issues" data-testid="code-issues">
            <p>{t("codeview.notCompiled", { count: compiled.answer.issues.length })}</p>
            <ul>
              {compiled.answer.issues.map((issue, index) => (
                <li key={`${issue.path}:${index}`}>
                  <code>{issue.node ?? issue.path}</code> {issue.message}
                  {issue.hint && <span className="code-view-hint"> — {issue.hint}</span>}
                </li>
              ))}
            </ul>
          </div>
        )}
        {tab === "dag" && compiled.error && <p className="code-view-error">{compiled.error}</p>}
      </div>
    </section>
  );
}

function Code({ text, extensions, label }: { text: string; extensions: typeof DAG_EXTENSIONS; label: string }) {
  return (
    <CodeMirror
      className="code-view-editor"
      value={text}
      editable={false}
      readOnly
      extensions={extensions}
      basicSetup={SETUP}
      height="100%"
      aria-label={label}
    />
  );
}

/** The pipeline as it would be saved, once the canvas has been still for a moment. */
function useSettledDocument() {
  const settings = useEditor((s) => s.settings);
  const nodes = useEditor((s) => s.nodes);
  const edges = useEditor((s) => s.edges);
  const [document, setDocument] = useState(() => (settings ? fromFlow(settings, nodes, edges) : null));
  useEffect(() => {
    const timer = window.setTimeout(() => setDocument(settings ? fromFlow(settings, nodes, edges) : null), REFRESH_MS);
    return () => window.clearTimeout(timer);
  }, [settings, nodes, edges]);
  return document;
}

interface Compilation {
  state: "loading" | "ready" | "error";
  answer?: Compiled;
  error?: string;
}

/** The DAG source of `document` for `profile`; compiled again only when something but the layout changed. */
function useCompiled(document: Record<string, unknown> | null, profile: Profile): Compilation {
  const [result, setResult] = useState<Compilation>({ state: "loading" });
  // Positions do not change the DAG: leave them out of what decides a new compile.
  const key = useMemo(() => {
    if (!document) return null;
    const { editor: _editor, ...rest } = document;
    return JSON.stringify(rest);
  }, [document]);

  useEffect(() => {
    if (key === null) return;
    const abort = new AbortController();
    setResult((last) => ({ ...last, state: "loading" }));
    compilePreview(JSON.parse(key), profile, abort.signal).then(
      (answer) => setResult({ state: "ready", answer }),
      (error: unknown) => {
        if (!abort.signal.aborted) setResult({ state: "error", error: error instanceof Error ? error.message : String(error) });
      },
    );
    return () => abort.abort();
  }, [key, profile]);
  return result;
}
