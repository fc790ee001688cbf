// "Publish as template…": the saved pipeline becomes a template version whose form is the params ticked here,
// each with a label and help text in English and Chinese. The server's problems sit by the field they name.
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../api";
import { componentDetail } from "../inspector/schemas";
import { useEditor } from "../store";
import { listCategories, publishedVersions, publishTemplate, type PublishBody, type Published } from "../templatesApi";
import "./dialogs.css";
import "./PublishTemplateDialog.css";
import { TemplatesDialog } from "./TemplatesDialog";

const LANG_TEXTS = ["title", "title_zh", "description", "description_zh"] as const;
type Texts = Record<(typeof LANG_TEXTS)[number], string>;

/** A param that can become a form field: a pipeline param (`node` null) or a node's param. */
interface Exposable {
  key: string; // what `expose` says: `name` or `node.param`
  node: string | null;
  param: string;
  schemaTitle: string;
}

interface Exposed extends Texts {
  field: string;
}

interface Props {
  onClose: () => void;
}

function humanize(name: string): string {
  const words = name.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The next minor version after the newest published one; 1.0.0 for a new template. */
export function nextVersion(published: string[]): string {
  const numbers = published.map((v) => v.split(/[-+]/)[0].split(".").map(Number)).filter((n) => n.length === 3 && n.every(Number.isFinite));
  if (numbers.length === 0) return "1.0.0";
  numbers.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  const [major, minor] = numbers[numbers.length - 1];
  return `${major}.${minor + 1}.0`;
}

/** Pipeline params, then every node's params from its component's schema. */
async function exposables(document: Record<string, unknown>): Promise<Exposable[]> {
  const params = (document.params ?? {}) as Record<string, { title?: string }>;
  const found: Exposable[] = Object.entries(params).map(([name, schema]) => ({ key: name, node: null, param: name, schemaTitle: schema.title ?? humanize(name) }));
  const nodes = (document.nodes ?? []) as { id: string; component: string }[];
  const details = await Promise.all(nodes.map((node) => componentDetail(node.component).catch(() => null)));
  nodes.forEach((node, index) => {
    const properties = (details[index]?.params.properties ?? {}) as Record<string, { title?: string }>;
    for (const [param, schema] of Object.entries(properties)) {
      found.push({ key: `${node.id}.${param}`, node: node.id, param, schemaTitle: schema.title ?? humanize(param) });
    }
  });
  return found;
}

/** A problem's place in this dialog: a field of the template (`name`...), a form field (`form:<field>`), or none. */
function placeOf(path: string, where: string | undefined): string | null {
  const request = /^body\.([a-z_]+)/.exec(where ?? "");
  if (request) return request[1];
  const spec = /^\$\.(name|version|title|title_zh|description|description_zh|category)$/.exec(path);
  if (spec) return spec[1];
  const form = /^\$\.form_zh\.([A-Za-z0-9_]+)/.exec(path);
  return form ? `form:${form[1]}` : null;
}

/** The server's refusal as messages by place ("" for the ones that name no field). */
function problemsOf(error: unknown): Record<string, string[]> {
  const byPlace: Record<string, string[]> = {};
  const add = (place: string | null, message: string) => (byPlace[place ?? ""] ??= []).push(message);
  if (!(error instanceof ApiError)) {
    add(null, String(error instanceof Error ? error.message : error));
    return byPlace;
  }
  const issues = (error.detail.issues ?? []) as { path: string; message: string; hint?: string }[];
  const problems = (error.detail.problems ?? []) as { where: string; message: string }[];
  for (const issue of issues) add(placeOf(issue.path, undefined), issue.hint ? `${issue.message} (${issue.hint})` : issue.message);
  for (const problem of problems) add(placeOf("", problem.where), problem.message);
  // A refusal about one field (the version of a 409) names it in `field`.
  if (issues.length === 0 && problems.length === 0) add(typeof error.detail.field === "string" ? error.detail.field : null, error.message);
  return byPlace;
}

function Problems({ messages, testId }: { messages?: string[]; testId: string }) {
  if (!messages?.length) return null;
  return (
    <ul className="field-problems" data-testid={testId} role="alert">
      {messages.map((message) => (
        <li key={message} className="field-problem error">
          {message}
        </li>
      ))}
    </ul>
  );
}

export function PublishTemplateDialog({ onClose }: Props) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  const open = useEditor((s) => s.open);
  const dirty = useEditor((s) => s.dirty);
  const document = open?.document;
  const pipelineId = document?.id ?? "";
  const [name, setName] = useState(pipelineId.replace(/[^a-z0-9_-]/g, "_"));
  const [version, setVersion] = useState("1.0.0");
  const [categories, setCategories] = useState<string[]>([]);
  const [category, setCategory] = useState("other");
  const [texts, setTexts] = useState<Texts>({
    title: typeof document?.title === "string" && document.title ? document.title : humanize(pipelineId),
    title_zh: "",
    description: typeof document?.description === "string" ? document.description : "",
    description_zh: "",
  });
  const [candidates, setCandidates] = useState<Exposable[] | null>(null);
  const [exposed, setExposed] = useState<Record<string, Exposed>>({});
  const [problems, setProblems] = useState<Record<string, string[]>>({});
  const [busy, setBusy] = useState(false);
  const [published, setPublished] = useState<Published | null>(null);
  const [inGallery, setInGallery] = useState(false);

  useEffect(() => dialog.current?.showModal(), []);
  useEffect(() => {
    listCategories().then(setCategories, (error: unknown) => setProblems(problemsOf(error)));
  }, []);
  useEffect(() => {
    if (document) exposables(document).then(setCandidates, (error: unknown) => setProblems(problemsOf(error)));
  }, [document]);
  useEffect(() => {
    // The next free version of the name typed, once the user stops typing; an older name's answer is dropped.
    let current = true;
    const timer = setTimeout(() => {
      publishedVersions(name).then((versions) => current && setVersion(nextVersion(versions)), () => undefined);
    }, 300);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [name]);

  const fieldNames = (except: string) => new Set(Object.entries(exposed).filter(([key]) => key !== except).map(([, e]) => e.field));
  const tick = (item: Exposable, on: boolean) => {
    const next = { ...exposed };
    if (!on) delete next[item.key];
    else {
      // A node param's field is named after the param, or node_param when another field has that name.
      const taken = fieldNames(item.key);
      const field = item.node && taken.has(item.param) ? `${item.node}_${item.param}` : item.param;
      next[item.key] = { field, title: item.schemaTitle, title_zh: "", description: "", description_zh: "" };
    }
    setExposed(next);
  };
  const edit = (key: string, patch: Partial<Exposed>) => setExposed({ ...exposed, [key]: { ...exposed[key], ...patch } });

  const publish = async () => {
    if (!document) return;
    setBusy(true);
    setProblems({});
    const chosen = Object.entries(exposed);
    const byField = (text: keyof Texts) => Object.fromEntries(chosen.filter(([, e]) => e[text].trim()).map(([, e]) => [e.field, e[text].trim()]));
    const body: PublishBody = {
      name,
      version,
      category,
      ...texts,
      expose: chosen.map(([key, e]) => (key.includes(".") ? `${key}=${e.field}` : key)),
      field_titles: byField("title"),
      field_titles_zh: byField("title_zh"),
      field_descriptions: byField("description"),
      field_descriptions_zh: byField("description_zh"),
    };
    try {
      setPublished(await publishTemplate(pipelineId, body));
    } catch (error) {
      setProblems(problemsOf(error));
    } finally {
      setBusy(false);
    }
  };

  const textInput = (key: keyof Texts, area: boolean) => {
    const props = {
      "data-testid": `publish-${key}`,
      value: texts[key],
      onChange: (event: { target: { value: string } }) => setTexts({ ...texts, [key]: event.target.value }),
    };
    return (
      <label className="publish-field">
        {t(`publish.${key}`)}
        {area ? <textarea rows={2} {...props} /> : <input {...props} />}
        <Problems messages={problems[key]} testId={`publish-${key}-problems`} />
      </label>
    );
  };

  if (published && inGallery) {
    // The gallery's "Create pipeline" opens another pipeline: ask first if this one has changed since.
    const mayLeave = () => !useEditor.getState().dirty || window.confirm(t("topbar.discard"));
    return <TemplatesDialog open={published.ref.split("@")[0]} onClose={onClose} mayLeave={mayLeave} />;
  }

  return (
    <dialog ref={dialog} className="jimu-dialog publish-dialog" data-testid="publish-dialog" onClose={onClose}>
      <h2>{t("publish.heading", { id: pipelineId })}</h2>
      {published ? (
        <div data-testid="publish-done">
          <p>{t(published.status === "unchanged" ? "publish.unchanged" : "publish.published")}</p>
          <p className="mono publish-ref" data-testid="publish-ref">
            {published.ref}
          </p>
          <div className="dialog-actions">
            <button type="button" data-testid="publish-close" onClick={() => dialog.current?.close()}>
              {t("publish.close")}
            </button>
            <button type="button" className="primary" data-testid="publish-open-gallery" autoFocus onClick={() => setInGallery(true)}>
              {t("publish.openInGallery")}
            </button>
          </div>
        </div>
      ) : (
        <>
          <p className="dialog-hint">{t("publish.intro")}</p>
          {dirty && (
            <p className="dialog-error" role="alert" data-testid="publish-unsaved">
              {t("publish.unsaved")}
            </p>
          )}
          <div className="publish-grid">
            <label className="publish-field">
              {t("publish.name")}
              <input data-testid="publish-name" className="mono" autoFocus value={name} onChange={(event) => setName(event.target.value)} />
            </label>
            <label className="publish-field">
              {t("publish.version")}
              <input data-testid="publish-version" className="mono" value={version} onChange={(event) => setVersion(event.target.value)} />
            </label>
            <label className="publish-field">
              {t("publish.category")}
              <select data-testid="publish-category" value={category} onChange={(event) => setCategory(event.target.value)}>
                {categories.map((c) => (
                  <option key={c} value={c}>
                    {t(`publish.categories.${c}`, { defaultValue: c })}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {/* Under the row, full width: a long refusal in one narrow column would push the row apart. */}
          <Problems messages={problems.name} testId="publish-name-problems" />
          <Problems messages={problems.version} testId="publish-version-problems" />
          <Problems messages={problems.category} testId="publish-category-problems" />
          <div className="publish-grid two">
            {textInput("title", false)}
            {textInput("title_zh", false)}
            {textInput("description", true)}
            {textInput("description_zh", true)}
          </div>
          <h3 className="publish-subtitle">{t("publish.fields")}</h3>
          <p className="dialog-hint">{t("publish.fieldsHint")}</p>
          {candidates === null ? (
            <p className="dialog-hint">{t("publish.loading")}</p>
          ) : (
            <ul className="publish-exposables" data-testid="publish-exposables">
              {candidates.map((item) => {
                const chosen = exposed[item.key];
                return (
                  <li key={item.key} data-expose={item.key} className={chosen ? "chosen" : undefined}>
                    <label className="publish-tick">
                      <input type="checkbox" checked={Boolean(chosen)} onChange={(event) => tick(item, event.target.checked)} />
                      <code>{item.key}</code>
                      <span className="dialog-hint">{item.node ? item.schemaTitle : t("publish.pipelineParam")}</span>
                    </label>
                    {chosen && (
                      <div className="publish-field-texts">
                        <label className="publish-field">
                          {t("publish.fieldName")}
                          <input data-testid="field-name" className="mono" value={chosen.field} onChange={(event) => edit(item.key, { field: event.target.value })} />
                        </label>
                        {LANG_TEXTS.map((text) => (
                          <label className="publish-field" key={text}>
                            {t(`publish.field_${text}`)}
                            <input data-testid={`field-${text}`} value={chosen[text]} onChange={(event) => edit(item.key, { [text]: event.target.value })} />
                          </label>
                        ))}
                        <Problems messages={problems[`form:${chosen.field}`]} testId="field-problems" />
                      </div>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
          <Problems messages={problems[""]} testId="publish-problems" />
          <div className="dialog-actions">
            <button type="button" data-testid="publish-cancel" onClick={() => dialog.current?.close()}>
              {t("publish.cancel")}
            </button>
            <button type="button" className="primary" data-testid="publish-submit" disabled={busy || dirty || !document} onClick={() => void publish()}>
              {t("publish.submit")}
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}
