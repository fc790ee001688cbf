// The runs API (jimu.ui_plugin.routes.runs): start, history, state, stop, rerun, output preview.
import { request, type PipelineDocument } from "./api";

/** A node's record in a run (routes.runs.NodeState). */
export interface NodeRecord {
  state: string;
  seconds?: number | null;
  rows?: Record<string, number>; // rows written per table output port
  metrics?: Record<string, Record<string, unknown>>; // values per metrics output port
  error?: string | null;
  reason?: string | null;
  log_tail?: string | null;
}

export type RunStateName = "queued" | "running" | "success" | "failed" | "stopped";

/** A run as GET /api/runs/{id} answers it (routes.runs.RunState). */
export interface RunRecord {
  run_id: string;
  pipeline: string;
  state: RunStateName;
  created: number; // seconds since the epoch, as every time here
  started?: number | null;
  ended?: number | null;
  seconds?: number | null;
  error?: string | null;
  rerun_of?: string | null;
  from_node?: string | null;
  nodes: Record<string, NodeRecord>;
}

/** One line of a run's event log, as the SSE stream sends it. */
export type RunEvent =
  | ({ type: "run"; state: RunStateName; time?: number; error?: string | null } & Record<string, unknown>)
  | ({ type: "node"; node: string; state: string; time?: number } & Omit<NodeRecord, "state">)
  | { type: "log"; node: string; line: string; time?: number };

export interface Column {
  name: string;
  type: string; // the Arrow type: double, int64, string...
}

/** A Vega-Lite chart stored beside a port's table or metrics (jimu.runtime.charts). */
export interface Chart {
  name: string;
  spec: Record<string, unknown>;
}

/** The first rows of a table output, or a metrics output, and its charts (routes.runs.OutputPreview). */
export interface OutputPreview {
  kind: "table" | "metrics";
  columns: Column[];
  rows: Record<string, unknown>[];
  row_count: number | null;
  metrics: Record<string, unknown> | null;
  charts?: Chart[];
}

export const FINAL_RUN_STATES: ReadonlySet<string> = new Set(["success", "failed", "stopped"]);

const JSON_BODY = { "Content-Type": "application/json" };

function runPath(runId: string, rest = ""): string {
  return `runs/${encodeURIComponent(runId)}${rest}`;
}

/** Start a run of a saved pipeline; its run id. */
export async function startRun(pipeline: string, params: Record<string, unknown>): Promise<string> {
  const response = await request("runs", { method: "POST", headers: JSON_BODY, body: JSON.stringify({ pipeline, params }) });
  return (await response.json()).run_id;
}

/** Run `fromNode` and what is downstream of it again, with the pipeline as it is now. */
export async function rerun(runId: string, fromNode: string, spec: PipelineDocument): Promise<string> {
  const response = await request(runPath(runId, "/rerun"), {
    method: "POST",
    headers: JSON_BODY,
    body: JSON.stringify({ from_node: fromNode, spec }),
  });
  return (await response.json()).run_id;
}

export async function stopRun(runId: string): Promise<RunRecord> {
  return (await request(runPath(runId, "/stop"), { method: "POST" })).json();
}

export async function readRun(runId: string): Promise<RunRecord> {
  return (await request(runPath(runId))).json();
}

/** This pipeline's runs, newest first. */
export async function listRuns(pipeline: string): Promise<RunRecord[]> {
  return (await request(`runs?pipeline=${encodeURIComponent(pipeline)}`)).json();
}

export async function readOutput(runId: string, node: string, port: string, limit: number): Promise<OutputPreview> {
  const path = runPath(runId, `/nodes/${encodeURIComponent(node)}/outputs/${encodeURIComponent(port)}?limit=${limit}`);
  return (await request(path)).json();
}

/** The URL of the run's event stream (EventSource resumes after the last event id by itself). */
export function eventsUrl(runId: string): string {
  return `api/${runPath(runId, "/events")}`;
}
