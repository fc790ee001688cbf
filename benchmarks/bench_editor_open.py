"""The visual editor in headless Chromium: opening a 500-node pipeline, laying it out, dragging on it.

Server: `jimu ui` (uvicorn) in its own process on a loopback port, as users run it (started as in
bench_editor_api.py). Browser: Debian's chromium driven by playwright, 1280x800, as the browser tests.
Pipelines: an empty one, and a 500-node mesh of real components (benchmarks/specs.py; each node
reads the two before it), checked with POST /api/validate, then laid out once in the editor (elkjs)
and saved, so it opens with its positions as a user's pipeline would.

Cases, medians of 5 (2 in quick mode), the empty and the 500-node opens interleaved (A B A B ...):
- open-to-painted: a fresh tab on `#pipeline=<id>` from navigation start until the last node element
  is in the DOM (and shown: React Flow hides a node until it is measured) and a frame has passed
  (`performance.now()` in the page; for the empty pipeline, until its canvas is there);
  baseline: the empty pipeline's open in the same run. Goal: 500 nodes < 1.5 s.
- auto-layout of the 500 nodes: the Arrange button until the nodes stand at their new positions.
- drag frames: moving a node (and dragging a new connection) on the open 500-node pipeline, each
  mouse move until the frame after it is painted; baseline: the same on a 3-node pipeline.
  Goal: < 50 ms per frame.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_editor_api import start_server
from common import Row, fmt_seconds, isolated_home, machine_summary, parse_args, print_table, section

NODES = 500
OPEN_GOAL = 1.5
FRAME_GOAL = 0.050
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-dev-shm-usage"]
VIEWPORT = {"width": 1280, "height": 800}

# Installed before the page's own scripts: remembers when a node element last appeared or was shown
# (or the canvas itself, for an empty pipeline), and the end of the frame after it.
WATCH_PAINT = """
window.__jimuPainted = null;
new MutationObserver((mutations) => {
  const shown = mutations.some((m) =>
    m.type === "attributes"
      ? m.target.classList.contains("react-flow__node") && m.target.style.visibility !== "hidden"
      : [...m.addedNodes].some((n) => n.nodeType === 1 &&
          (n.matches(".react-flow__node, .react-flow__renderer") || n.querySelector(".react-flow__node, .react-flow__renderer"))));
  if (shown) requestAnimationFrame(() => setTimeout(() => { window.__jimuPainted = performance.now(); }));
}).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["style"] });
"""

# Each mouse move, until the frame after it has been painted (setTimeout inside rAF runs after the paint).
WATCH_FRAMES = """
window.__jimuFrames = [];
// On window, capturing, and before any drag starts: d3-drag stops the event's propagation there.
window.addEventListener("mousemove", () => {
  const start = performance.now();
  requestAnimationFrame(() => setTimeout(() => window.__jimuFrames.push(performance.now() - start)));
}, { capture: true });
"""


def newest_refs(url: str) -> dict[str, str]:
    import httpx

    newest: dict[str, tuple[tuple[int, ...], str]] = {}
    for info in httpx.get(url + "/api/components", timeout=60).json():
        version = tuple(int(p) for p in info["version"].split("."))
        if info["name"] not in newest or version > newest[info["name"]][0]:
            newest[info["name"]] = (version, info["ref"])
    return {name: ref for name, (_, ref) in newest.items()}


def save_pipelines(url: str) -> dict[str, int]:
    """The empty, the small and the 500-node pipeline in the workspace; answers their node counts."""
    import httpx
    from specs import generate_pipeline

    refs = newest_refs(url)
    big = generate_pipeline(NODES, "mesh", "open_500")
    for node in big["nodes"]:  # the newest published versions, whatever specs.py names
        node["component"] = refs[node["component"].split("@")[0]]
    small = {**big, "id": "open_3", "nodes": big["nodes"][:3], "edges": big["edges"][:3]}  # n0 -> n1, n0 -> n2, n1 -> n2
    for document in (big, small):
        answer = httpx.post(url + "/api/validate", json=document, timeout=120).json()
        if not answer["ok"]:
            raise SystemExit(f"{document['id']} does not validate: {answer['issues'][:3]}")
    counts = {}
    for document in ({"id": "open_empty", "nodes": [], "edges": []}, small, big):
        answer = httpx.post(url + "/api/pipelines", json=document, timeout=60)
        if answer.status_code != 201:
            raise SystemExit(f"saving {document['id']}: {answer.status_code} {answer.text[:300]}")
        counts[document["id"]] = len(document["nodes"])
    return counts


def open_painted(browser, url: str, pipeline_id: str, count: int):
    """A fresh tab on the pipeline; answers (seconds from navigation start to painted, the page)."""
    page = browser.new_page(viewport=VIEWPORT)
    page.add_init_script(WATCH_PAINT)
    page.goto(f"{url}/#pipeline={pipeline_id}")
    # The canvas renders only the nodes in view (onlyRenderVisibleElements): wait for some, then for calm.
    page.wait_for_selector(".react-flow__node" if count else ".react-flow__renderer", timeout=60_000)
    # Settled: nothing was shown in the last half second.
    page.wait_for_function("window.__jimuPainted !== null && performance.now() - window.__jimuPainted > 500",
                           timeout=60_000, polling=100)
    return page.evaluate("window.__jimuPainted") / 1000, page


def arrange(page) -> float:
    """Press Arrange; seconds until the nodes stand at their new positions (and a frame passed)."""
    return page.evaluate("""async () => {
        const button = document.querySelector("[data-testid=arrange]");
        const frame = () => new Promise((r) => requestAnimationFrame(r));
        const start = performance.now();
        button.click();
        // The button is disabled while elkjs works and enabled again once the positions are set.
        while (!button.disabled && performance.now() - start < 1000) await frame();
        while (button.disabled) await frame();
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
        return (performance.now() - start) / 1000;
    }""")


def save(page) -> None:
    page.keyboard.press("Control+s")
    page.wait_for_function("document.querySelector('[data-testid=status]').textContent === 'Saved'")


def drag_frames(page, start_selector: str, moves: int) -> list[float]:
    """Seconds from each mouse move to the frame after it, dragging from the element's centre."""
    page.evaluate(WATCH_FRAMES)
    # The first such element inside the pane (a 500-node pipeline does not fit in view).
    index = page.evaluate("""(selector) => {
        const pane = document.querySelector(".react-flow__pane").getBoundingClientRect();
        return [...document.querySelectorAll(selector)].findIndex((el) => {
            const box = el.getBoundingClientRect();  // its centre, clear of the toolbar and the minimap
            const [x, y] = [box.left + box.width / 2, box.top + box.height / 2];
            return x > pane.left + 10 && x < pane.right - 220 && y > pane.top + 60 && y < pane.bottom - 170;
        });
    }""", start_selector)
    if index < 0:
        raise SystemExit(f"no {start_selector} in view to drag")
    box = page.locator(start_selector).nth(index).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + min(box["height"] / 2, 10)
    page.mouse.move(x, y)
    page.mouse.down()
    page.evaluate("window.__jimuFrames = []")
    for i in range(1, moves + 1):
        page.mouse.move(x + 3 * i, y + 2 * i)
        page.wait_for_function(f"window.__jimuFrames.length >= {i}", polling="raf")
    page.mouse.up()
    return [ms / 1000 for ms in page.evaluate("window.__jimuFrames")[:moves]]


def main() -> int:
    args = parse_args(__doc__.splitlines()[0])
    root = isolated_home("editor_open", keep=args.keep)
    repeat = args.repeat or (2 if args.quick else 5)
    moves = 15 if args.quick else 40
    print(f"bench_editor_open: {machine_summary()}; {repeat} opens per pipeline, {moves} mouse moves per drag")
    if not Path(CHROMIUM).is_file():
        raise SystemExit(f"{CHROMIUM} is missing: run `make setup` (it installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    server, url = start_server(root)
    try:
        counts = save_pipelines(url)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            section(f"laying out the {NODES}-node pipeline once (elkjs), then saving it")
            layouts = []
            _, page = open_painted(browser, url, "open_500", counts["open_500"])
            layouts.append(arrange(page))
            save(page)
            page.close()
            section("opens (the empty and the 500-node pipeline interleaved), then layouts and drags")
            opens: dict[str, list[float]] = {"open_empty": [], "open_500": []}
            for _ in range(repeat + 1):  # the first round warms the browser's caches: not counted
                for pipeline_id in opens:
                    seconds, page = open_painted(browser, url, pipeline_id, counts[pipeline_id])
                    opens[pipeline_id].append(seconds)
                    page.close()
            for values in opens.values():
                del values[0]
            frames: dict[str, list[float]] = {}
            for pipeline_id in ("open_3", "open_500"):
                for _ in range(repeat):
                    _, page = open_painted(browser, url, pipeline_id, counts[pipeline_id])
                    frames.setdefault(f"node {pipeline_id}", []).extend(
                        drag_frames(page, ".react-flow__node .jimu-node-header", moves))
                    frames.setdefault(f"edge {pipeline_id}", []).extend(
                        drag_frames(page, ".react-flow__handle.source", moves))
                    if pipeline_id == "open_500":
                        layouts.append(arrange(page))
                    page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)

    empty, big = statistics.median(opens["open_empty"]), statistics.median(opens["open_500"])
    print(f"   open, empty:     {', '.join(fmt_seconds(s) for s in opens['open_empty'])}")
    print(f"   open, {NODES} nodes: {', '.join(fmt_seconds(s) for s in opens['open_500'])}")
    print(f"   auto-layout of {NODES} nodes: {', '.join(fmt_seconds(s) for s in layouts)}")
    rows = [Row("editor_open", f"open {NODES}-node pipeline to painted", big, empty,
                baseline_name="empty pipeline", goal=f"< {OPEN_GOAL} s", ok=big < OPEN_GOAL,
                note=f"min {fmt_seconds(min(opens['open_500']))}, max {fmt_seconds(max(opens['open_500']))}"),
            Row("editor_open", f"auto-layout {NODES} nodes (elkjs)", statistics.median(layouts),
                note=json.dumps([round(s, 3) for s in layouts]))]
    for what in ("node", "edge"):
        big_frames, small_frames = frames[f"{what} open_500"], frames[f"{what} open_3"]
        p50 = statistics.median(big_frames)
        rows.append(Row("editor_open", f"drag a {what} on {NODES} nodes, per frame (p50)", p50,
                        statistics.median(small_frames), baseline_name="3-node pipeline",
                        goal=f"< {FRAME_GOAL * 1000:.0f} ms", ok=p50 < FRAME_GOAL,
                        note=f"max {fmt_seconds(max(big_frames))} (3 nodes: {fmt_seconds(max(small_frames))})"))
    print_table(f"editor in headless Chromium: a {NODES}-node pipeline vs an empty one", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
