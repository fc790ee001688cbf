// Which panels show what: shared by the canvas, the inspector, the problems list and the run pane.
import { create } from "zustand";
import { useEditor } from "./store";

export type BottomTab = "problems" | "run";

/** A field to bring into view in the inspector; `nonce` makes asking twice for the same field work. */
export interface Focus {
  node: string | null; // null: the pipeline's own settings
  field: string | null; // a JSON path inside the node or pipeline, e.g. "params.query"
  nonce: number;
}

interface UiState {
  codeView: boolean;
  bottomTab: BottomTab;
  bottomOpen: boolean;
  focus: Focus | null;
  setCodeView: (on: boolean) => void;
  showBottom: (tab: BottomTab) => void;
  hideBottom: () => void;
  /** Select `node` (none: the pipeline settings) and focus `field` in the inspector. */
  inspect: (node: string | null, field?: string | null) => void;
}

export const useUi = create<UiState>((set, get) => ({
  codeView: false,
  bottomTab: "problems",
  bottomOpen: false,
  focus: null,
  setCodeView: (codeView) => set({ codeView }),
  showBottom: (bottomTab) => set({ bottomTab, bottomOpen: true }),
  hideBottom: () => set({ bottomOpen: false }),
  inspect: (node, field = null) => {
    useEditor.getState().selectNode(node);
    set({ focus: { node, field, nonce: (get().focus?.nonce ?? 0) + 1 } });
  },
}));
