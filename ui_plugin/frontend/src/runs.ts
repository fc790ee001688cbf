// The run being watched: its node states drive the node colours (filled by the run pane).
import { create } from "zustand";

export type NodeRunState = "queued" | "running" | "success" | "failed" | "skipped" | "upstream_failed";

interface RunWatchState {
  runId: string | null;
  nodeStates: Record<string, NodeRunState>;
  setNodeStates: (states: Record<string, NodeRunState>) => void;
}

export const useRunWatch = create<RunWatchState>((set) => ({
  runId: null,
  nodeStates: {},
  setNodeStates: (nodeStates) => set({ nodeStates }),
}));

export function useNodeRunState(node: string): NodeRunState | undefined {
  return useRunWatch((s) => s.nodeStates[node]);
}
