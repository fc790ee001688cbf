// The templates gallery's API: cards, one template's form and preview, and a pipeline made from a form.
import type { RJSFSchema } from "@rjsf/utils";
import { ApiError, request } from "./api";

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
