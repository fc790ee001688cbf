// A save refused because someone else saved first (409): both versions, until the user decides.
import { create } from "zustand";
import { ApiError, type PipelineDocument } from "./api";

export interface Conflict {
  mine: PipelineDocument; // what this tab tried to save
  theirs: PipelineDocument | null; // the version saved meanwhile; null when it was deleted
  etag: string | null; // theirs' etag: saving over it with this is overwriting knowingly
}

export const useConflict = create<{ conflict: Conflict | null }>(() => ({ conflict: null }));

/** The conflict a failed save means (409: saved meanwhile, 404: deleted meanwhile), or null. */
export function conflictOf(error: unknown, mine: PipelineDocument): Conflict | null {
  if (!(error instanceof ApiError) || (error.status !== 409 && error.status !== 404)) return null;
  const text = error.detail.document;
  const etag = error.detail.current_etag;
  let theirs: PipelineDocument | null = null;
  if (typeof text === "string") {
    try {
      theirs = JSON.parse(text) as PipelineDocument;
    } catch {
      theirs = null; // their file is not JSON (edited by hand): treat it as gone, mine can replace it
    }
  }
  return { mine, theirs, etag: typeof etag === "string" ? etag : null };
}

export interface Difference {
  kind: "added" | "removed" | "changed";
  what: string; // a node id, or a pipeline field
  node: boolean;
}

/** What mine changes relative to theirs: nodes added, removed or changed, then pipeline fields. */
export function differences(mine: PipelineDocument, theirs: PipelineDocument): Difference[] {
  const byId = (doc: PipelineDocument) =>
    new Map(((Array.isArray(doc.nodes) ? doc.nodes : []) as { id: string }[]).map((n) => [n.id, JSON.stringify(n)]));
  const mineNodes = byId(mine);
  const theirNodes = byId(theirs);
  const found: Difference[] = [];
  for (const [id, text] of mineNodes) {
    if (!theirNodes.has(id)) found.push({ kind: "added", what: id, node: true });
    else if (theirNodes.get(id) !== text) found.push({ kind: "changed", what: id, node: true });
  }
  for (const id of theirNodes.keys()) if (!mineNodes.has(id)) found.push({ kind: "removed", what: id, node: true });
  const fields = new Set([...Object.keys(mine), ...Object.keys(theirs)]);
  for (const field of [...fields].sort()) {
    if (field === "nodes") continue;
    const a = JSON.stringify(mine[field]);
    const b = JSON.stringify(theirs[field]);
    if (a === b) continue;
    const kind = a === undefined ? "removed" : b === undefined ? "added" : "changed";
    found.push({ kind, what: field, node: false });
  }
  return found;
}
