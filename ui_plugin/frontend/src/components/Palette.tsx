import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import type { ComponentInfo } from "../api";
import { componentDescription, componentTitle } from "../componentText";
import { useEditor } from "../store";

// The drag payload: a component ref, read by the canvas on drop.
export const DRAG_TYPE = "application/x-jimu-component";

function groupOf(component: ComponentInfo): string {
  return component.category || component.name.split(/[_-]/)[0];
}

// Both the spec's own text and its translation match, so a search works in either language.
function matches(component: ComponentInfo, query: string, t: TFunction): boolean {
  const shown = `${componentTitle(component, t)} ${componentDescription(component, t)}`;
  const text = `${component.name} ${component.title} ${component.description} ${component.category} ${shown}`.toLowerCase();
  return query.split(/\s+/).every((word) => text.includes(word));
}

interface Props {
  onAdd: (ref: string) => void; // double-click or Enter: add at the canvas's centre
}

export function Palette({ onAdd }: Props) {
  const { t, i18n } = useTranslation();
  const components = useEditor((s) => s.components);
  const [query, setQuery] = useState("");
  const search = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const typing = event.target instanceof HTMLElement && event.target.closest("input, textarea, select, [contenteditable]");
      if (event.key === "/" && !typing) {
        event.preventDefault();
        search.current?.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const groups = useMemo(() => {
    const wanted = query.trim().toLowerCase();
    const found = new Map<string, ComponentInfo[]>();
    for (const component of components) {
      if (wanted && !matches(component, wanted, t)) continue;
      const group = groupOf(component);
      found.set(group, [...(found.get(group) ?? []), component]);
    }
    return [...found.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [components, query, t, i18n.language]);

  return (
    <aside className="palette" data-testid="palette">
      <h2>{t("palette.heading")}</h2>
      <input
        ref={search}
        type="search"
        className="palette-search"
        data-testid="palette-search"
        placeholder={t("palette.search")}
        aria-label={t("palette.search")}
        value={query}
        onChange={(event) => setQuery(event.target.value)}
      />
      <div className="palette-list">
        {groups.length === 0 && <p className="palette-empty">{t("palette.empty", { query })}</p>}
        {groups.map(([group, members]) => (
          <section key={group} className="palette-group" data-testid={`palette-group-${group}`}>
            <h3>{t(`palette.category.${group}`, { defaultValue: group })}</h3>
            {members.map((component) => (
              <div
                key={component.ref}
                className="palette-item"
                data-testid="palette-item"
                data-ref={component.ref}
                draggable
                tabIndex={0}
                title={`${componentDescription(component, t)}\n\n${t("palette.addHint")}`}
                onDragStart={(event) => {
                  event.dataTransfer.setData(DRAG_TYPE, component.ref);
                  event.dataTransfer.effectAllowed = "move";
                }}
                onDoubleClick={() => onAdd(component.ref)}
                onKeyDown={(event) => event.key === "Enter" && onAdd(component.ref)}
              >
                <span className="palette-item-title">{componentTitle(component, t)}</span>
                <span className="palette-item-ref">{component.ref}</span>
              </div>
            ))}
          </section>
        ))}
      </div>
    </aside>
  );
}
