import { ReactFlowProvider, useReactFlow } from "@xyflow/react";
import { useCallback, useEffect, useRef } from "react";
import { BottomPane } from "./components/BottomPane";
import { Canvas } from "./components/Canvas";
import { ConflictDialog } from "./components/ConflictDialog";
import { CodeView } from "./components/CodeView";
import { Palette } from "./components/Palette";
import { SidePanel } from "./components/SidePanel";
import { TopBar } from "./components/TopBar";
import { startLiveValidation } from "./liveValidation";
import { freeSpot } from "./spec";
import { useEditor } from "./store";
import { useUi } from "./ui";

function hashPipeline(): string | null {
  const match = /^#pipeline=(.+)$/.exec(window.location.hash);
  return match ? decodeURIComponent(match[1]) : null;
}

export function App() {
  useEffect(() => startLiveValidation(), []);
  useEffect(() => {
    void (async () => {
      await useEditor.getState().load();
      const id = hashPipeline(); // a reload reopens what was open
      if (id) await useEditor.getState().openPipeline(id);
    })();
  }, []);

  return (
    <ReactFlowProvider>
      <div className="editor">
        <TopBar />
        <EditorBody />
        <ConflictDialog />
      </div>
    </ReactFlowProvider>
  );
}

function EditorBody() {
  const wrapper = useRef<HTMLDivElement>(null);
  const { screenToFlowPosition } = useReactFlow();
  const addNode = useEditor((s) => s.addNode);
  const codeView = useUi((s) => s.codeView);

  const addAtCentre = useCallback(
    (ref: string) => {
      const box = wrapper.current?.getBoundingClientRect();
      if (!box) return;
      // The node's top-left a little off the centre, so the node itself sits about centred.
      const centre = screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 });
      addNode(ref, freeSpot({ x: centre.x - 110, y: centre.y - 40 }, useEditor.getState().nodes));
    },
    [addNode, screenToFlowPosition],
  );

  return (
    <div className="editor-body">
      <Palette onAdd={addAtCentre} />
      <div className="editor-centre">
        <div className="editor-work">
          <Canvas wrapper={wrapper} />
          {codeView && <CodeView />}
        </div>
        <BottomPane />
      </div>
      <SidePanel />
    </div>
  );
}
