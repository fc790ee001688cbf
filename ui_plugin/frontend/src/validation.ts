// The validator's problems for the pipeline on the canvas (filled by live validation).
import { create } from "zustand";
import { useShallow } from "zustand/react/shallow";

// One issue as POST /api/validate answers it (jimu.ui_plugin.errors.IssueBody).
export interface Problem {
  code: string;
  path: string; // JSON path in the pipeline document, e.g. "$.nodes[2].params.query"
  message: string;
  hint: string; // how to fix it
  node: string | null;
  field: string | null; // the path inside the node, e.g. "params.query"
  severity: string; // "error" or "warning"
  line?: number | null; // inside the field's text (SQL), 1-based
  column?: number | null;
}

interface ValidationState {
  problems: Problem[];
  checking: boolean;
  setProblems: (problems: Problem[]) => void;
  setChecking: (checking: boolean) => void;
}

export const useValidation = create<ValidationState>((set) => ({
  problems: [],
  checking: false,
  setProblems: (problems) => set({ problems, checking: false }),
  setChecking: (checking) => set({ checking }),
}));

/** How many problems a node has; nodes subscribe to this number only, so they repaint rarely. */
export function useNodeProblemCount(node: string): number {
  return useValidation((s) => s.problems.reduce((n, p) => (p.node === node ? n + 1 : n), 0));
}

/** A node's problems (null: the pipeline's own), for the inspector's fields. */
export function useProblemsOf(node: string | null): Problem[] {
  return useValidation(useShallow((s) => s.problems.filter((p) => p.node === node)));
}

/** The errors that stop a run (warnings do not); the run button says why it is disabled. */
export function useBlockingProblems(): Problem[] {
  return useValidation(useShallow((s) => s.problems.filter((p) => p.severity === "error")));
}

/**
 * Where a problem sits inside its node, or inside the pipeline's settings, as the forms name their
 * fields: "params.query", "schedule", "params.column_names.0" (list places as plain segments).
 */
export function fieldOf(problem: Problem): string | null {
  const inside = problem.node ? problem.field : problem.path.replace(/^\$\.?/, "");
  return inside ? inside.replace(/\[(\d+)\]/g, ".$1") : null;
}
