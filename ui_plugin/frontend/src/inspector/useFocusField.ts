// When the problems list (or anything else) asks to inspect a field, bring it into view and focus it.
import { useEffect, type RefObject } from "react";
import { useUi } from "../ui";

const FOCUSABLE = "input:not([type=hidden]), select, textarea, .cm-content, button";

/** The element of `field` in the panel, or of its nearest ancestor field ("params.a.b" -> "params.a"). */
function fieldElement(panel: HTMLElement, field: string): HTMLElement | null {
  for (let path = field; path; path = path.includes(".") ? path.slice(0, path.lastIndexOf(".")) : "") {
    const found = panel.querySelector<HTMLElement>(`[data-field="${CSS.escape(path)}"]`);
    if (found) return found;
  }
  return null;
}

/**
 * Follow `useUi.focus` for `node` (null: the pipeline settings). The form may still be loading its schema
 * when asked, so the field is looked for again as the panel fills in, for a short while.
 */
export function useFocusField(panel: RefObject<HTMLElement | null>, node: string | null): void {
  const focus = useUi((s) => s.focus);
  useEffect(() => {
    const root = panel.current;
    if (!focus || focus.node !== node || !focus.field || !root) return;
    const field = focus.field;
    const bring = (): boolean => {
      const target = fieldElement(root, field);
      if (!target) return false;
      target.scrollIntoView({ block: "center" });
      (target.matches(FOCUSABLE) ? target : target.querySelector<HTMLElement>(FOCUSABLE))?.focus();
      return fieldElement(root, field)?.getAttribute("data-field") === field;
    };
    if (bring()) return;
    // Not there yet: try again as the forms render, until the exact field appears or time is up.
    const watcher = new MutationObserver(() => bring() && watcher.disconnect());
    watcher.observe(root, { childList: true, subtree: true });
    const stop = setTimeout(() => watcher.disconnect(), 3000);
    return () => {
      watcher.disconnect();
      clearTimeout(stop);
    };
  }, [focus, node, panel]);
}
