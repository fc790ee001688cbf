// POST /api/compile: the Airflow DAG file a pipeline compiles to, or the issues that stop it.
import { failure, type PipelineDocument } from "./api";
import type { Problem } from "./validation";

export const PROFILES = ["local", "kubernetes"] as const;
export type Profile = (typeof PROFILES)[number];

export type Compiled = { dagId: string; source: string } | { issues: Problem[] };

export async function compilePreview(document: PipelineDocument, profile: Profile, signal?: AbortSignal): Promise<Compiled> {
  const response = await fetch(`api/compile?profile=${profile}`, {
    method: "POST",
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    body: JSON.stringify(document),
    signal,
  });
  if (response.ok) {
    const body = await response.json();
    return { dagId: body.dag_id, source: body.source };
  }
  if (response.status === 422) {
    const body = await response.clone().json().catch(() => null);
    const issues = body?.detail?.issues;
    if (Array.isArray(issues)) return { issues };
  }
  throw await failure(response);
}
