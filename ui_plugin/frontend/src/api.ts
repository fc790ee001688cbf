// The editor API. Relative URLs: the page is served at `/` (jimu ui) and at `/jimu/` (Airflow).

export interface Port {
  name: string;
  type: string;
  description: string;
  required: boolean;
  multiple: boolean;
}

export interface ComponentInfo {
  name: string;
  version: string;
  ref: string;
  title: string;
  description: string;
  category: string;
  inputs: Port[];
  outputs: Port[];
}

export interface PipelineSummary {
  id: string;
  title: string;
  description: string;
  nodes: number;
  modified: number; // seconds since the epoch
  etag: string;
  valid: boolean;
  readable: boolean;
}

// A pipeline document as stored; the editor changes nodes, edges and editor.positions only.
export type PipelineDocument = Record<string, unknown> & { id: string };

export interface Stored {
  document: PipelineDocument;
  etag: string;
}

/** An error the API answered: its message and fix, or the status when the body says nothing. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly detail: Record<string, unknown> = {}, // the body's other fields, e.g. a 409's current document
  ) {
    super(message);
  }
}

async function failure(response: Response): Promise<ApiError> {
  try {
    const body = await response.json();
    const detail = body?.detail;
    if (detail?.message) {
      return new ApiError(response.status, detail.fix ? `${detail.message} (${detail.fix})` : detail.message, detail);
    }
  } catch {
    // not JSON: fall through to the status
  }
  return new ApiError(response.status, `HTTP ${response.status}`);
}

export async function request(path: string, init?: RequestInit): Promise<Response> {
  const response = await fetch(`api/${path}`, { headers: { Accept: "application/json" }, ...init });
  if (!response.ok) throw await failure(response);
  return response;
}

export async function listComponents(): Promise<ComponentInfo[]> {
  return (await request("components")).json();
}

export async function listPipelines(): Promise<PipelineSummary[]> {
  return (await request("pipelines")).json();
}

export async function readPipeline(id: string): Promise<Stored> {
  const response = await request(`pipelines/${encodeURIComponent(id)}`);
  return { document: await response.json(), etag: response.headers.get("ETag") ?? "" };
}

export async function createPipeline(document: PipelineDocument): Promise<string> {
  const response = await request("pipelines", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(document),
  });
  return (await response.json()).etag;
}

/** Replace the pipeline if it is still the version `etag` names; answers the new etag. */
export async function savePipeline(document: PipelineDocument, etag: string): Promise<string> {
  const response = await request(`pipelines/${encodeURIComponent(document.id)}`, {
    method: "PUT",
    headers: { "Content-Type": "application/json", "If-Match": etag },
    body: JSON.stringify(document),
  });
  return (await response.json()).etag;
}

/** Copy pipeline `from` to a new pipeline `id`; 409 when `id` is taken. */
export async function duplicatePipeline(from: string, id: string): Promise<string> {
  const response = await request("pipelines", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ from, id }),
  });
  return (await response.json()).etag;
}

/** Delete the pipeline if it is still the version `etag` names. */
export async function deletePipeline(id: string, etag: string): Promise<void> {
  await request(`pipelines/${encodeURIComponent(id)}`, { method: "DELETE", headers: { "If-Match": etag } });
}
