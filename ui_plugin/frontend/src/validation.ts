// The validator's problems for the pipeline on the canvas (filled by live validation).
import { create } from "zustand";

// One issue as POST /api/validate answers it (jimu.ui_plugin.errors.IssueBody).
export interface Problem {
  code: string;
  path: string; // JSON path in the pipeline document, e.g. "$.nodes[2].params.query"
  message: string;
  hint: string; // how to fix it
  node: string | null;
  field: string | null; // the path inside the node, e.g. "params.query"
  severity: string; // "error" or "warning"
}

interface ValidationState {
  problems: Problem[];
  checking: boolean;
  setProblems: (problems: Problem[]) => void;
}

export const useValidation = create<ValidationState>((set) => ({
  problems: [],
  checking: false,
  setProblems: (problems) => set({ problems, checking: false }),
}));

/** How many problems a node has; nodes subscribe to this number only, so they repaint rarely. */
export function useNodeProblemCount(node: string): number {
  return useValidation((s) => s.problems.reduce((n, p) => (p.node === node ? n + 1 : n), 0));
}
