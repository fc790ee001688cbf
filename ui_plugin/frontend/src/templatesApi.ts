// The templates gallery's API: cards, one template's form and preview, and a pipeline made from a form.
import type { RJSFSchema } from "@rjsf/utils";
import { ApiError, listPipelines, request, type PipelineSummary } from "./api";

/** A template's pipeline as its picture draws it: canvas positions (null when the pipeline has none) and edges. */
export interface PipelinePreview {
  nodes: { id: string; title: string; component: string; x: number | null; y: number | null }[];
  edges: { from: string; to: string }[];
}

export interface TemplateCard {
  ref: string;
  name: string;
  version: string;
  category: string;
  title: string;
  description: string;
  tags: string[];
  author: string;
  fields: number;
  preview: PipelinePreview;
}

export interface TemplateDetail extends TemplateCard {
  versions: string[];
  form: RJSFSchema;
}

/** One wrong form value, in plain words. */
export interface FieldProblem {
  field: string;
  message: string;
}

export async function listTemplates(lang: string): Promise<TemplateCard[]> {
  return (await request(`templates?lang=${encodeURIComponent(lang)}`)).json();
}

export async function readTemplate(name: string, lang: string): Promise<TemplateDetail> {
  return (await request(`templates/${encodeURIComponent(name)}?lang=${encodeURIComponent(lang)}`)).json();
}

/** Saves the new pipeline; a 422's per-field problems come back in `ApiError.detail.problems`.
 * `extra`: more of the request's fields (a gallery schedule: `schedule`, `alert_email`). */
export async function instantiateTemplate(name: string, id: string, values: unknown, lang: string, extra: object = {}): Promise<void> {
  await request(`templates/${encodeURIComponent(name)}/instantiate`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ ...extra, id, values, lang }),
  });
}

export function fieldProblems(error: unknown): FieldProblem[] {
  const problems = error instanceof ApiError ? error.detail.problems : undefined;
  return Array.isArray(problems) ? (problems as FieldProblem[]) : [];
}

/** Whether a card matches the search box: every word in its title, description or tags. */
export function cardMatches(card: TemplateCard, query: string): boolean {
  const text = [card.title, card.description, ...card.tags].join(" ").toLowerCase();
  return query.toLowerCase().split(/\s+/).filter(Boolean).every((word) => text.includes(word));
}

/** A deployment profile the server can deploy with (GET /api/profiles). */
export interface ProfileInfo {
  name: string;
  kind: string;
  dag_id_suffix: string;
}

export interface Deployed {
  dag_id: string;
  path: string;
  changed: boolean;
  dag_url: string | null;
}

export async function listProfiles(): Promise<ProfileInfo[]> {
  return (await request("profiles")).json();
}

/** Compiles a saved pipeline into the server's dags folder; 409 `reason: "no-dags-folder"` when it has none. */
export async function deployPipeline(id: string, profile: string): Promise<Deployed> {
  const path = `pipelines/${encodeURIComponent(id)}/deploy?profile=${encodeURIComponent(profile)}`;
  return (await request(path, { method: "POST" })).json();
}

/** The categories a template may name. */
export async function listCategories(): Promise<string[]> {
  return (await request("template-categories")).json();
}

/** What "Publish as template" sends (POST /api/pipelines/{id}/publish-template). */
export interface PublishBody {
  name: string;
  version: string;
  title: string;
  title_zh: string;
  description: string;
  description_zh: string;
  category: string;
  expose: string[];
  field_titles: Record<string, string>;
  field_titles_zh: Record<string, string>;
  field_descriptions: Record<string, string>;
  field_descriptions_zh: Record<string, string>;
}

export interface Published {
  ref: string;
  status: string;
  form: string[];
}

/** Publishes the saved pipeline; a 422 lists `issues` (spec problems) or `problems` (the request's own). */
export async function publishTemplate(id: string, body: PublishBody): Promise<Published> {
  const response = await request(`pipelines/${encodeURIComponent(id)}/publish-template`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  return response.json();
}

/** The published versions of a template, none when there is no such template yet. */
export async function publishedVersions(name: string): Promise<string[]> {
  try {
    return (await readTemplate(name, "en")).versions;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return [];
    throw error;
  }
}

/** A node of a template's preview as placed on its canvas (x and y are null when it was never placed). */
export type PlacedNode = TemplateDetail["preview"]["nodes"][number] & { x: number | null; y: number | null };

/** A template by its ref, `name@version` (that version) or `name` (the newest). */
export async function readTemplateRef(ref: string, lang: string): Promise<TemplateDetail> {
  const [name, version] = ref.split("@");
  const pinned = version ? `&version=${encodeURIComponent(version)}` : "";
  return (await request(`templates/${encodeURIComponent(name)}?lang=${encodeURIComponent(lang)}${pinned}`)).json();
}

/** A workspace pipeline made from a template: the list's `template` names it (name@version). */
export type MadePipeline = PipelineSummary & { template: string };

export async function listMadePipelines(): Promise<MadePipeline[]> {
  const pipelines = (await listPipelines()) as (PipelineSummary & { template?: string | null })[];
  return pipelines.filter((p): p is MadePipeline => typeof p.template === "string");
}
