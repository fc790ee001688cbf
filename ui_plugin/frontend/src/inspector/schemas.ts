// The JSON Schemas the forms are built from: a component's params (per ref) and the pipeline's.
// Both are fixed for a published version, so each is fetched once per page.
import { useEffect, useState } from "react";
import { request } from "../api";

export type JsonSchema = Record<string, unknown>;

/** GET /api/components/{name}/{version}: the part the inspector uses. */
export interface ComponentDetail {
  ref: string;
  params: JsonSchema;
}

const components = new Map<string, Promise<ComponentDetail>>();
let pipeline: Promise<JsonSchema> | null = null;

export function componentDetail(ref: string): Promise<ComponentDetail> {
  let found = components.get(ref);
  if (!found) {
    const [name, version] = ref.split("@");
    found = request(`components/${encodeURIComponent(name)}/${encodeURIComponent(version ?? "")}`).then((r) => r.json());
    found.catch(() => components.delete(ref)); // a failure is asked again next time
    components.set(ref, found);
  }
  return found;
}

function pipelineSchema(): Promise<JsonSchema> {
  if (!pipeline) {
    pipeline = request("schema/pipeline").then((r) => r.json());
    pipeline.catch(() => (pipeline = null));
  }
  return pipeline;
}

export type Loaded<T> = { value: T; error: null } | { value: null; error: string | null };

function useLoaded<T>(load: (() => Promise<T>) | null, key: string): Loaded<T> {
  const [state, setState] = useState<{ key: string; loaded: Loaded<T> }>({ key, loaded: { value: null, error: null } });
  useEffect(() => {
    if (!load) return;
    let current = true;
    load().then(
      (value) => current && setState({ key, loaded: { value, error: null } }),
      (error: unknown) => current && setState({ key, loaded: { value: null, error: String(error instanceof Error ? error.message : error) } }),
    );
    return () => {
      current = false;
    };
    // `key` names what `load` fetches
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return state.key === key ? state.loaded : { value: null, error: null };
}

/** A component's params schema (null while it loads; `error` when the API refused). */
export function useComponentDetail(ref: string | null): Loaded<ComponentDetail> {
  return useLoaded(ref ? () => componentDetail(ref) : null, ref ?? "");
}

export function usePipelineSchema(): Loaded<JsonSchema> {
  return useLoaded(pipelineSchema, "pipeline");
}
