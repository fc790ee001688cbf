// A template's pipeline as a small read-only picture (SVG): a box per step where the canvas put it,
// an arrow per edge. Full size on a template's page (titles readable, scrolls when wide); compact
// (boxes and arrows only) as a card's thumbnail.
import type { Edge, XYPosition } from "@xyflow/react";
import type { TFunction } from "i18next";
import { useEffect, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { layeredPositions } from "../layout";
import type { JimuNode } from "../spec";
import type { PipelinePreview } from "../templatesApi";
import "./PipelinePicture.css";

type Step = PipelinePreview["nodes"][number];

// Canvas units: the canvas's own spacing (about 240 between ranks) leaves room for the arrows.
const BOX = { width: 200, height: 64 };
const MARGIN = 16;
const FONT = 19;
const SCALE = 0.62; // full size: titles at about 12 px; a wider pipeline scrolls rather than shrinks
const LINE_UNITS = (BOX.width - 20) / FONT; // what fits on a line, in ems

/** A step's title in the UI's language: a bilingual "English · 中文" title gives its half; otherwise, in
 *  Chinese, the component's Chinese title from the catalogue, when it has one. */
export function stepTitle(step: Step, language: string, t: TFunction): string {
  const [english, chinese] = step.title.split(" · ");
  if (chinese !== undefined) return language === "zh" ? chinese : english;
  if (language !== "zh") return step.title;
  return t(`components.${step.component.split("@")[0]}.title`, { defaultValue: step.title });
}

// Latin letters take about half an em, CJK characters a whole one.
function ems(text: string): number {
  let width = 0;
  for (const char of text) width += char.charCodeAt(0) > 0x2e80 ? 1 : 0.56;
  return width;
}

/** At most two lines that fit a box; the second ends in … when the title is longer. */
export function titleLines(title: string, fit = LINE_UNITS): string[] {
  // Words for spaced text; single characters for CJK, which wraps anywhere.
  const pieces = title.includes(" ") ? title.split(" ").map((w, i) => (i ? ` ${w}` : w)) : [...title];
  const lines = [""];
  for (const piece of pieces) {
    const last = lines.length - 1;
    if (lines[last] !== "" && ems(lines[last] + piece) > fit) lines.push(piece.trimStart());
    else lines[last] += piece;
  }
  if (lines.length <= 2) return lines;
  let second = lines[1];
  while (second.length > 1 && ems(second + "…") > fit) second = second.slice(0, -1);
  return [lines[0], second.trimEnd() + "…"];
}

// Where each step sits: the canvas positions; a pipeline saved without them is laid out by elkjs.
function usePositions(preview: PipelinePreview): Map<string, XYPosition> | null {
  const placed = preview.nodes.every((n) => n.x !== null && n.y !== null);
  const [laidOut, setLaidOut] = useState<Map<string, XYPosition> | null>(null);
  useEffect(() => {
    if (placed) return;
    let current = true;
    const nodes = preview.nodes.map((n) => ({ id: n.id, measured: BOX }) as unknown as JimuNode);
    const edges = preview.edges.map((e, i) => ({ id: `e${i}`, source: e.from, target: e.to }) as Edge);
    void layeredPositions(nodes, edges).then((positions) => current && setLaidOut(positions));
    return () => {
      current = false;
    };
  }, [preview, placed]);
  if (placed) return new Map(preview.nodes.map((n) => [n.id, { x: n.x ?? 0, y: n.y ?? 0 }]));
  return laidOut;
}

interface Props {
  preview: PipelinePreview;
  compact?: boolean;
  /** Extra classes of a step's box (a run's state, for instance). */
  stepClass?: (id: string) => string;
}

export function PipelinePicture({ preview, compact = false, stepClass }: Props) {
  const { t, i18n } = useTranslation();
  const arrow = useId(); // one marker per picture: a gallery shows many
  const positions = usePositions(preview);
  const titles = new Map(preview.nodes.map((n) => [n.id, stepTitle(n, i18n.language, t)]));
  const label = t("datasets.picture", { steps: preview.nodes.map((n) => titles.get(n.id)).join(" → ") });
  if (!positions || preview.nodes.length === 0) {
    return <div className={compact ? "pipeline-picture compact" : "pipeline-picture"} role="img" aria-label={label} />;
  }
  const xs = [...positions.values()].map((p) => p.x);
  const ys = [...positions.values()].map((p) => p.y);
  const left = Math.min(...xs) - MARGIN;
  const top = Math.min(...ys) - MARGIN;
  const width = Math.max(...xs) + BOX.width + MARGIN - left;
  const height = Math.max(...ys) + BOX.height + MARGIN - top;
  const at = (id: string) => positions.get(id) ?? { x: 0, y: 0 };
  return (
    // Full size, a wide pipeline scrolls: focusable, so a keyboard can scroll it too.
    <div className={compact ? "pipeline-picture compact" : "pipeline-picture"} data-testid="pipeline-picture" tabIndex={compact ? undefined : 0}>
      <svg
        role="img"
        aria-label={label}
        viewBox={`${left} ${top} ${width} ${height}`}
        width={compact ? "100%" : width * SCALE}
        height={compact ? "100%" : height * SCALE}
        preserveAspectRatio="xMidYMid meet"
      >
        <defs>
          <marker id={arrow} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" className="picture-arrowhead" />
          </marker>
        </defs>
        {preview.edges.map((edge) => {
          const from = at(edge.from);
          const to = at(edge.to);
          const [x1, y1, x2, y2] = [from.x + BOX.width, from.y + BOX.height / 2, to.x, to.y + BOX.height / 2];
          const bend = Math.max(20, (x2 - x1) / 2);
          return (
            <path
              key={`${edge.from}-${edge.to}`}
              className="picture-edge"
              data-edge={`${edge.from}->${edge.to}`}
              d={`M ${x1} ${y1} C ${x1 + bend} ${y1}, ${x2 - bend} ${y2}, ${x2} ${y2}`}
              markerEnd={`url(#${arrow})`}
            />
          );
        })}
        {preview.nodes.map((node) => {
          const { x, y } = at(node.id);
          const title = titles.get(node.id) ?? node.id;
          const lines = compact ? [] : titleLines(title);
          return (
            <g key={node.id} className={`picture-step ${stepClass?.(node.id) ?? ""}`.trim()} data-step={node.id} transform={`translate(${x} ${y})`}>
              <title>{title}</title>
              <rect width={BOX.width} height={BOX.height} rx="8" />
              {lines.map((line, index) => (
                <text key={index} x={BOX.width / 2} y={BOX.height / 2 + (index - (lines.length - 1) / 2) * FONT * 1.2} fontSize={FONT}>
                  {line}
                </text>
              ))}
            </g>
          );
        })}
      </svg>
    </div>
  );
}
