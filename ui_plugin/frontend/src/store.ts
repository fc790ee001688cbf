// Editor state: the catalog, the open pipeline and what is on the canvas.
import {
  addEdge,
  applyEdgeChanges,
  applyNodeChanges,
  type Connection,
  type Edge,
  type EdgeChange,
  type NodeChange,
  type XYPosition,
} from "@xyflow/react";
import { temporal } from "zundo";
import { create, useStore } from "zustand";
import * as api from "./api";
import { conflictOf, useConflict } from "./conflict";
import { refusal } from "./connections";
import { HISTORY_LIMIT, samePipeline, snapshot, type Snapshot } from "./history";
import { edgeId, fromFlow, isIdentifier, newNodeId, toFlow, type JimuNode, type NodeSpec } from "./spec";

// What the status line says; a key of the message catalogue and its values.
export interface Status {
  key: string;
  values?: Record<string, string>;
  error?: boolean;
}

interface Open {
  document: api.PipelineDocument; // as last read or saved
  etag: string;
}

interface EditorState {
  components: api.ComponentInfo[];
  byRef: Map<string, api.ComponentInfo>;
  pipelines: api.PipelineSummary[];
  open: Open | null;
  fitOnOpen: boolean; // fit the view to the nodes when a pipeline opens, never while editing it
  // The pipeline being edited: its own fields (title, schedule, params...) and what is on the canvas.
  settings: api.PipelineDocument | null;
  nodes: JimuNode[];
  edges: Edge[];
  dirty: boolean;
  status: Status | null;
  load: () => Promise<void>;
  openPipeline: (id: string) => Promise<void>;
  newPipeline: () => Promise<void>;
  save: () => Promise<void>;
  addNode: (ref: string, position: XYPosition) => void;
  onNodesChange: (changes: NodeChange<JimuNode>[]) => void;
  onEdgesChange: (changes: EdgeChange[]) => void;
  onConnect: (connection: Connection) => void;
  /** Replace a node's stored fields (params, overrides...); `id` and `component` stay. */
  updateNodeSpec: (id: string, spec: Omit<NodeSpec, "id" | "component">) => void;
  /** Give a node a new id; its edges, position and selection follow. Answers why not, or null. */
  renameNode: (id: string, newId: string) => string | null;
  /** Change the pipeline's own fields; `nodes`, `edges` and `id` are not changed this way. */
  updateSettings: (patch: Record<string, unknown>) => void;
  /** Nothing open any more (the pipeline was deleted). */
  closePipeline: () => void;
  /** Select exactly this node (or none). */
  selectNode: (id: string | null) => void;
  /** Remove the selected nodes, their edges and the selected edges: one undo step. */
  deleteSelection: () => void;
  /** Add nodes and edges (a paste) and select just them: one undo step. */
  insertNodes: (nodes: JimuNode[], edges: Edge[]) => void;
  /** Move nodes to new positions (a layout): one undo step. */
  moveNodes: (positions: Map<string, XYPosition>) => void;
  undo: () => void;
  redo: () => void;
}

function failed(key: string, error: unknown): Status {
  if (error instanceof api.ApiError && error.status === 409) return { key: "errors.conflict", error: true };
  const message = error instanceof Error ? error.message : String(error);
  return { key, values: { message }, error: true };
}

// Changes that only React Flow's bookkeeping makes (measuring, selecting) leave the pipeline as saved.
const EDITS = new Set(["add", "remove", "replace", "position"]);

// After an edit the status line says "unsaved changes", unless it shows an error still to read.
function edited(state: EditorState): Partial<EditorState> {
  return { dirty: true, status: state.status?.error ? state.status : null };
}

// A drag is one undo step: the state before it, pushed when it ends (see onNodesChange).
let beforeDrag: Snapshot | null = null;

// Typing in one form makes one undo step, not one per keystroke: an edit of the same thing within
// TYPING_MS of the last, with no other step between them, joins the last step.
const TYPING_MS = 1000;
let lastEdit = { key: "", at: 0, steps: -1 };

function asTyping(key: string, apply: () => void): void {
  const history = useEditor.temporal.getState();
  const now = Date.now();
  const join = lastEdit.key === key && now - lastEdit.at < TYPING_MS && history.pastStates.length === lastEdit.steps;
  if (join) history.pause();
  apply();
  if (join) history.resume();
  lastEdit = { key, at: now, steps: useEditor.temporal.getState().pastStates.length };
}

export const useEditor = create<EditorState>()(temporal<EditorState, [], [], Snapshot>((set, get) => ({
  components: [],
  byRef: new Map(),
  pipelines: [],
  open: null,
  fitOnOpen: false,
  settings: null,
  nodes: [],
  edges: [],
  dirty: false,
  status: null,

  load: async () => {
    set({ status: { key: "topbar.loading" } });
    try {
      const [components, pipelines] = await Promise.all([api.listComponents(), api.listPipelines()]);
      set({ components, pipelines, byRef: new Map(components.map((c) => [c.ref, c])), status: null });
    } catch (error) {
      set({ status: failed("errors.load", error) });
    }
  },

  openPipeline: async (id) => {
    try {
      const { document, etag } = await api.readPipeline(id);
      const flow = toFlow(document, get().byRef);
      set({ open: { document, etag }, settings: withoutFlow(document), ...flow, fitOnOpen: flow.nodes.length > 0, dirty: false, status: null });
      useEditor.temporal.getState().clear(); // undo never reaches into the pipeline open before
      window.location.hash = `pipeline=${encodeURIComponent(id)}`;
    } catch (error) {
      set({ status: failed("errors.load", error) });
    }
  },

  newPipeline: async () => {
    const taken = new Set(get().pipelines.map((p) => p.id));
    let n = 1;
    while (taken.has(`pipeline_${n}`)) n++;
    const id = `pipeline_${n}`;
    try {
      await api.createPipeline({ id, nodes: [], edges: [] });
      set({ pipelines: await api.listPipelines() });
      await get().openPipeline(id);
      set({ status: { key: "topbar.created", values: { id } } });
    } catch (error) {
      set({ status: failed("errors.save", error) });
    }
  },

  save: async () => {
    const { open, settings, nodes, edges } = get();
    if (!open || !settings) return;
    const document = fromFlow(settings, nodes, edges);
    set({ status: { key: "topbar.saving" } });
    try {
      const etag = await api.savePipeline(document, open.etag);
      set({ open: { document, etag }, dirty: false, status: { key: "topbar.saved" } });
    } catch (error) {
      const conflict = conflictOf(error, document);
      if (conflict) useConflict.setState({ conflict }); // the conflict dialog takes it from here
      set({ status: failed("errors.save", error) });
    }
  },

  addNode: (ref, position) => {
    const info = get().byRef.get(ref);
    if (!info || !get().open) return;
    const id = newNodeId(info.name, new Set(get().nodes.map((n) => n.id)));
    const node: JimuNode = { id, type: "component", position, data: { spec: { id, component: ref, params: {} }, info } };
    set({ nodes: [...get().nodes, node], ...edited(get()) });
  },

  onNodesChange: (changes) => {
    const edits = changes.some((c) => EDITS.has(c.type) && !(c.type === "position" && !c.position));
    const history = useEditor.temporal.getState();
    const dragging = changes.some((c) => c.type === "position" && c.dragging);
    if (dragging && !beforeDrag) {
      beforeDrag = snapshot(get());
      history.pause(); // every frame of a drag moves the node; only its end is a step
    }
    const nodes = applyNodeChanges(changes, get().nodes);
    const ids = new Set(nodes.map((n) => n.id));
    // An edge never outlives one of its nodes.
    const edges = get().edges.filter((e) => ids.has(e.source) && ids.has(e.target));
    set({ nodes, edges, ...(edits ? edited(get()) : {}) });
    if (beforeDrag && changes.some((c) => c.type === "position" && c.dragging === false)) {
      history.resume();
      if (!samePipeline(beforeDrag, snapshot(get()))) {
        useEditor.temporal.setState({ pastStates: [...history.pastStates, beforeDrag].slice(-HISTORY_LIMIT), futureStates: [] });
      }
      beforeDrag = null;
    }
  },

  onEdgesChange: (changes) => {
    const edits = changes.some((c) => EDITS.has(c.type));
    set({ edges: applyEdgeChanges(changes, get().edges), ...(edits ? edited(get()) : {}) });
  },

  onConnect: (connection) => {
    const { source, sourceHandle, target, targetHandle } = connection;
    if (!sourceHandle || !targetHandle || refusal(connection, get().nodes, get().edges)) return;
    const edge: Edge = { id: edgeId(source, sourceHandle, target, targetHandle), source, sourceHandle, target, targetHandle };
    set({ edges: addEdge(edge, get().edges), ...edited(get()) });
  },

  updateNodeSpec: (id, fields) => {
    const nodes = get().nodes.map((node) =>
      node.id === id
        ? { ...node, data: { ...node.data, spec: { ...fields, id, component: node.data.spec.component } } }
        : node,
    );
    asTyping(`node:${id}`, () => set({ nodes, ...edited(get()) }));
  },

  renameNode: (id, newId) => {
    if (newId === id) return null;
    if (!isIdentifier(newId)) return "rename.invalid";
    if (get().nodes.some((n) => n.id === newId)) return "rename.taken";
    const nodes = get().nodes.map((node) =>
      node.id === id ? { ...node, id: newId, data: { ...node.data, spec: { ...node.data.spec, id: newId } } } : node,
    );
    const edges = get().edges.map((edge) => {
      if (edge.source !== id && edge.target !== id) return edge;
      const source = edge.source === id ? newId : edge.source;
      const target = edge.target === id ? newId : edge.target;
      return { ...edge, source, target, id: edgeId(source, edge.sourceHandle ?? "", target, edge.targetHandle ?? "") };
    });
    set({ nodes, edges, ...edited(get()) });
    return null;
  },

  updateSettings: (patch) => {
    const settings = get().settings;
    if (!settings) return;
    const { nodes: _nodes, edges: _edges, id: _id, ...allowed } = patch;
    asTyping("settings", () => set({ settings: { ...settings, ...allowed }, ...edited(get()) }));
  },

  closePipeline: () => {
    set({ open: null, settings: null, nodes: [], edges: [], dirty: false });
    useEditor.temporal.getState().clear();
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  },

  selectNode: (id) => {
    set({ nodes: get().nodes.map((node) => (node.selected === (node.id === id) ? node : { ...node, selected: node.id === id })) });
  },

  deleteSelection: () => {
    const gone = new Set(get().nodes.filter((n) => n.selected).map((n) => n.id));
    const edges = get().edges.filter((e) => !e.selected && !gone.has(e.source) && !gone.has(e.target));
    if (gone.size === 0 && edges.length === get().edges.length) return;
    set({ nodes: get().nodes.filter((n) => !gone.has(n.id)), edges, ...edited(get()) });
  },

  insertNodes: (nodes, edges) => {
    if (!get().open || nodes.length === 0) return;
    const others = get().nodes.map((node) => (node.selected ? { ...node, selected: false } : node));
    const otherEdges = get().edges.map((edge) => (edge.selected ? { ...edge, selected: false } : edge));
    set({ nodes: [...others, ...nodes], edges: [...otherEdges, ...edges], ...edited(get()) });
  },

  moveNodes: (positions) => {
    const nodes = get().nodes.map((node) => {
      const position = positions.get(node.id);
      return position ? { ...node, position } : node;
    });
    set({ nodes, ...edited(get()) });
  },

  undo: () => {
    useEditor.temporal.getState().undo();
    set(edited(get()));
  },

  redo: () => {
    useEditor.temporal.getState().redo();
    set(edited(get()));
  },
}), {
  partialize: snapshot,
  equality: samePipeline,
  limit: HISTORY_LIMIT,
}));

/** Whether there is a step to undo and one to redo (for the buttons). */
export function useHistory(): { canUndo: boolean; canRedo: boolean } {
  const canUndo = useStore(useEditor.temporal, (s) => s.pastStates.length > 0);
  const canRedo = useStore(useEditor.temporal, (s) => s.futureStates.length > 0);
  return { canUndo, canRedo };
}

/** A document's own fields; the canvas holds its nodes and edges. */
function withoutFlow(document: api.PipelineDocument): api.PipelineDocument {
  const { nodes: _nodes, edges: _edges, ...settings } = document;
  return settings as api.PipelineDocument;
}
