// The templates gallery's API: cards, one template's form and preview, and a pipeline made from a form.
import type { RJSFSchema } from "@rjsf/utils";
import { ApiError, listPipelines, request, type PipelineSummary } from "./api";

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
}

export interface TemplateDetail extends TemplateCard {
  versions: string[];
  form: RJSFSchema;
  preview: { nodes: { id: string; title: string; component: string }[]; edges: { from: string; to: string }[] };
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

/** Saves the new pipeline; a 422's per-field problems come back in `ApiError.detail.problems`. */
export async function instantiateTemplate(name: string, id: string, values: unknown, lang: string): Promise<void> {
  await request(`templates/${encodeURIComponent(name)}/instantiate`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ id, values, lang }),
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
