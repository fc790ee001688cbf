"""Editing on the canvas: refused connections, undo/redo, selection, copy/paste across pipelines,
duplicate, auto-layout, node search and the view controls."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from playwright.sync_api import expect


@pytest.fixture
def components(editor_url) -> dict[str, dict]:
    """The catalog as the editor reads it (GET /api/components): the newest version of each name."""
    newest: dict[str, dict] = {}
    for info in httpx.get(editor_url + "api/components", timeout=30).json():
        known = newest.get(info["name"])
        if known is None or _version(info["version"]) > _version(known["version"]):
            newest[info["name"]] = info
    return newest


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def port(info: dict, side: str, name: str) -> dict:
    return next(p for p in info[side] if p["name"] == name)


def save(editor_url: str, document: dict) -> dict:
    """Store a pipeline through the API, as another tab or tool would; answers the document sent."""
    answer = httpx.post(editor_url + "api/pipelines", json=document, timeout=30)
    assert answer.status_code == 201, answer.text
    return document


def open_pipeline(editor, pipeline_id: str, count: int) -> None:
    editor.goto(f"#pipeline={pipeline_id}")
    editor.reload()  # a new hash alone does not load the page again
    editor.canvas.wait_nodes(count)
    expect(editor.top_bar.picker).to_have_value(pipeline_id)


def saved(workspace, pipeline_id: str) -> dict:
    return json.loads((workspace / f"{pipeline_id}.json").read_text(encoding="utf-8"))


def node(id_: str, info: dict, params: dict | None = None) -> dict:
    return {"id": id_, "component": info["ref"], "params": params or {}}


def three_steps(components: dict, pipeline_id: str) -> dict:
    """load_table -> sql -> write_table with params and positions, as a saved file holds them."""
    load, sql, write = components["load_table"], components["sql"], components["write_table"]
    return {
        "id": pipeline_id,
        "title": "Three steps",
        "nodes": [
            node("orders", load, {"uri": "data/orders.csv"}),
            node("big", sql, {"query": "SELECT * FROM orders WHERE amount > 10", "dialect": "duckdb"}),
            node("out", write, {"uri": "out/big.csv"}),
        ],
        "edges": [{"from": "orders.table", "to": "big.tables"}, {"from": "big.table", "to": "out.table"}],
        "editor": {"positions": {"orders": {"x": 40, "y": 80}, "big": {"x": 360, "y": 80}, "out": {"x": 680, "y": 80}}},
    }


def test_incompatible_connections_are_refused_with_the_reason(editor, editor_url, components):
    # A component with a model output, a model input and a single table input (a trainer, found in
    # the catalog), and the sql component's table input.
    def ports(c, side, kind):
        return [p for p in c[side] if p["type"] == kind and not p["multiple"]]

    trainer = next(c for c in components.values()
                   if ports(c, "outputs", "model") and ports(c, "inputs", "model") and ports(c, "inputs", "table"))
    model_out, model_in = ports(trainer, "outputs", "model")[0], ports(trainer, "inputs", "model")[0]
    table_in = ports(trainer, "inputs", "table")[0]
    sql, load = components["sql"], components["load_table"]
    assert port(sql, "inputs", "tables")["type"] == "table"
    save(editor_url, {
        "id": "refusals",
        "nodes": [node("load", load), node("fit", trainer), node("query", sql), node("query_2", sql)],
        "edges": [{"from": "load.table", "to": f"fit.{table_in['name']}"},
                  {"from": "query.table", "to": "query_2.tables"}],
        "editor": {"positions": {"load": {"x": 40, "y": 40}, "fit": {"x": 360, "y": 40},
                                 "query": {"x": 40, "y": 300}, "query_2": {"x": 360, "y": 300}}},
    })
    open_pipeline(editor, "refusals", 4)
    canvas, tools = editor.canvas, editor.canvas_tools
    before = canvas.edge_ids()
    editor.shot("opened")

    # The test 2: a model output onto a table input.
    canvas.connect("fit", model_out["name"], "query", "tables")
    expect(tools.refused).to_have_text(
        f"Not connected: model output `{model_out['name']}` cannot feed table input `tables`")
    editor.shot("model-to-table-refused")
    assert canvas.edge_ids() == before

    refusals = [
        (("query_2", "table", "fit", table_in["name"]),
         f"input `fit.{table_in['name']}` takes one edge and already has one from `load.table`"),
        (("fit", model_out["name"], "fit", model_in["name"]), "a node cannot feed itself (fit)"),
        (("query_2", "table", "query", "tables"), "`query` already runs before `query_2`: this edge would close a cycle"),
    ]
    for (source, out, target, into), reason in refusals:
        canvas.connect(source, out, target, into)
        expect(tools.refused).to_have_text(f"Not connected: {reason}")
        assert canvas.edge_ids() == before
    editor.shot("cycle-refused")

    # A sound connection still goes through, and the refusal message goes away.
    canvas.connect("load", "table", "query", "tables")
    expect(canvas.edges).to_have_count(len(before) + 1)
    expect(tools.refused).to_have_count(0)
    assert "load.table->query.tables" in canvas.edge_ids()
    editor.shot("sound-connection")


def test_while_connecting_the_handles_that_cannot_take_it_fade(editor, editor_url, components):
    trainer = components["train"]
    save(editor_url, {"id": "fading", "nodes": [node("fit", trainer), node("query", components["sql"])],
                      "editor": {"positions": {"fit": {"x": 40, "y": 40}, "query": {"x": 400, "y": 40}}}})
    open_pipeline(editor, "fading", 2)
    start = editor.canvas.handle("fit", "model").bounding_box()
    end = editor.canvas.handle("query", "tables").bounding_box()
    mouse = editor.page.mouse
    mouse.move(start["x"] + 5, start["y"] + 5)
    mouse.down()
    mouse.move(end["x"] - 60, end["y"] + 60, steps=8)
    editor.shot("dragging-a-model-output")
    opacity = "el => getComputedStyle(el).opacity"
    assert editor.canvas.handle("query", "tables").evaluate(opacity) == "0.2"  # a table input
    assert editor.canvas.handle("fit", "base_model").evaluate(opacity) == "1"  # a model input
    assert editor.canvas.handle("fit", "model").evaluate(opacity) == "1"  # where the drag started
    # Over a handle that refuses the connection, the reason follows the pointer.
    mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=4)
    expect(editor.page.get_by_test_id("connection-hint")).to_have_text(
        "model output `model` cannot feed table input `tables`")
    editor.shot("hovering-a-table-input")
    mouse.up()
    assert editor.canvas.handle("query", "tables").evaluate(opacity) == "1"


def test_undo_redo_restores_a_deleted_node_with_its_edges_and_params(editor, editor_url, editor_workspace, components):
    original = save(editor_url, three_steps(components, "steps"))
    open_pipeline(editor, "steps", 3)
    canvas, tools, keyboard = editor.canvas, editor.canvas_tools, editor.page.keyboard
    expect(tools.undo).to_be_disabled()
    expect(tools.redo).to_be_disabled()

    tools.click_nodes("big")
    keyboard.press("Delete")
    canvas.wait_nodes(2)
    assert canvas.edge_ids() == []
    expect(tools.undo).to_be_enabled()
    editor.shot("deleted")

    keyboard.press("Control+z")
    canvas.wait_nodes(3)
    assert canvas.edge_ids() == ["big.table->out.table", "orders.table->big.tables"]
    expect(tools.redo).to_be_enabled()
    editor.shot("undone")
    keyboard.press("Control+Shift+z")
    canvas.wait_nodes(2)
    tools.undo.click()
    canvas.wait_nodes(3)
    keyboard.press("Control+y")
    canvas.wait_nodes(2)
    keyboard.press("Control+z")
    canvas.wait_nodes(3)
    expect(tools.undo).to_be_disabled()  # the open itself is not a step

    editor.top_bar.save_with_keyboard()
    assert saved(editor_workspace, "steps") == original


def test_a_drag_is_one_step_and_typing_never_undoes(editor, editor_url, components):
    save(editor_url, three_steps(components, "steps"))
    open_pipeline(editor, "steps", 3)
    canvas, tools, mouse = editor.canvas, editor.canvas_tools, editor.page.mouse
    start = canvas.position("out")
    box = canvas.node("out").locator(".jimu-node-header").bounding_box()
    mouse.move(box["x"] + 20, box["y"] + 5)
    mouse.down()
    mouse.move(box["x"] + 120, box["y"] + 105, steps=15)
    mouse.up()
    moved = canvas.position("out")
    assert moved != start
    # Focus in a text field: Ctrl+Z belongs to the field.
    tools.search.fill("abc")
    tools.search.press("Control+z")
    assert canvas.position("out") == moved
    canvas.pane.click(position={"x": 600, "y": 500})
    editor.page.keyboard.press("Control+z")
    _wait_position(canvas, "out", start)
    expect(tools.undo).to_be_disabled()  # fifteen frames of dragging, one step


def _wait_position(canvas, node_id: str, wanted: tuple[float, float]) -> None:
    canvas.page.wait_for_function(
        """([id, x, y]) => {
            const style = document.querySelector(`.react-flow__node[data-id="${id}"]`)?.getAttribute("style") || "";
            return style.includes(`translate(${x}px, ${y}px)`);
        }""",
        arg=[node_id, wanted[0], wanted[1]],
    )


def test_copy_paste_between_pipelines_renames_clashing_ids(editor, editor_url, editor_workspace, components):
    save(editor_url, three_steps(components, "source"))
    load = components["load_table"]
    save(editor_url, {"id": "target", "nodes": [node("big", load, {"uri": "data/other.csv"})],
                      "editor": {"positions": {"big": {"x": 40, "y": 300}}}})
    open_pipeline(editor, "source", 3)
    tools, canvas, keyboard = editor.canvas_tools, editor.canvas, editor.page.keyboard
    tools.click_nodes("orders", "big", key="Control")  # Ctrl-click adds to the selection, as Shift-click does
    assert tools.selected_ids() == ["big", "orders"]
    keyboard.press("Control+c")
    keyboard.press("Control+d")  # an edit here, so there is something undo could reach
    canvas.wait_nodes(5)
    expect(tools.undo).to_be_enabled()
    editor.shot("copied")

    editor.page.once("dialog", lambda dialog: dialog.accept())  # leave the unsaved duplicate
    editor.top_bar.open("target")
    canvas.wait_nodes(1)
    expect(tools.undo).to_be_disabled()  # another pipeline: a new history
    canvas.pane.click(position={"x": 600, "y": 500})
    keyboard.press("Control+v")
    canvas.wait_nodes(3)
    editor.shot("pasted")
    # `big` is taken here, so the pasted one is renamed; `orders` is free and keeps its id.
    assert canvas.node_ids() == ["big", "big_2", "orders"]
    assert canvas.edge_ids() == ["orders.table->big_2.tables"]
    assert tools.selected_ids() == ["big_2", "orders"]
    assert canvas.position("orders") == (80.0, 120.0)  # copied at (40, 80), pasted 40 down and right

    editor.top_bar.save_with_keyboard()
    document = saved(editor_workspace, "target")
    source = {n["id"]: n for n in three_steps(components, "source")["nodes"]}
    assert document["nodes"][1:] == [source["orders"], {**source["big"], "id": "big_2"}]
    assert document["edges"] == [{"from": "orders.table", "to": "big_2.tables"}]

    # Where the nodes were copied is out of sight now: the next paste lands in view instead.
    pane = canvas.pane.bounding_box()
    mouse = editor.page.mouse
    mouse.move(pane["x"] + 600, pane["y"] + 600)
    mouse.down()
    mouse.move(pane["x"] + 50, pane["y"] + 50, steps=10)
    mouse.up()
    keyboard.press("Control+v")
    expect(canvas.node("big_3")).to_be_visible()  # only the nodes in view are drawn: the others are not
    expect(canvas.node("orders_2")).to_be_visible()
    editor.shot("pasted-in-view")
    assert tools.selected_ids() == ["big_3", "orders_2"]
    for pasted in ("big_3", "orders_2"):
        box = canvas.node(pasted).bounding_box()
        assert pane["x"] <= box["x"] and box["x"] + box["width"] <= pane["x"] + pane["width"], pasted
        assert pane["y"] <= box["y"] and box["y"] + box["height"] <= pane["y"] + pane["height"], pasted


def test_box_select_delete_duplicate_and_cut(editor, editor_url, components):
    save(editor_url, three_steps(components, "steps"))
    open_pipeline(editor, "steps", 3)
    canvas, tools, keyboard = editor.canvas, editor.canvas_tools, editor.page.keyboard
    first, second = canvas.node("orders").bounding_box(), canvas.node("big").bounding_box()
    tools.box_select((first["x"] - 20, first["y"] - 20),
                     (second["x"] + second["width"] + 20, second["y"] + second["height"] + 20))
    assert tools.selected_ids() == ["big", "orders"]
    editor.shot("box-selected")

    keyboard.press("Control+d")
    canvas.wait_nodes(5)
    assert tools.selected_ids() == ["big_2", "orders_2"]
    assert "orders_2.table->big_2.tables" in canvas.edge_ids()
    editor.shot("duplicated")

    keyboard.press("Backspace")
    canvas.wait_nodes(3)
    tools.click_nodes("out")
    keyboard.press("Control+x")
    canvas.wait_nodes(2)
    assert canvas.node_ids() == ["big", "orders"]
    keyboard.press("Control+v")
    canvas.wait_nodes(3)
    assert canvas.edge_ids() == ["orders.table->big.tables"]  # the edge into `out` was not inside the cut

    tools.box_select((first["x"] - 20, first["y"] - 20),
                     (second["x"] + second["width"] + 20, second["y"] + second["height"] + 20))
    keyboard.press("Delete")
    canvas.wait_nodes(1)
    editor.shot("deleted-two")
    keyboard.press("Control+z")  # both come back in one step
    canvas.wait_nodes(3)
    assert canvas.node_ids() == ["big", "orders", "out"]


def test_auto_layout_ranks_left_to_right_in_one_step(editor, editor_url, components):
    document = three_steps(components, "jumbled")
    document["nodes"].append(node("side", components["sql"], {"query": "SELECT 1"}))
    document["edges"].append({"from": "orders.table", "to": "side.tables"})
    # Drawn right to left and overlapping: the layout has work to do.
    document["editor"]["positions"] = {"orders": {"x": 700, "y": 60}, "big": {"x": 380, "y": 100},
                                       "out": {"x": 40, "y": 140}, "side": {"x": 400, "y": 120}}
    save(editor_url, document)
    open_pipeline(editor, "jumbled", 4)
    canvas, tools = editor.canvas, editor.canvas_tools
    before = {n: canvas.position(n) for n in canvas.node_ids()}
    editor.shot("jumbled")

    tools.arrange.click()
    editor.page.wait_for_function("() => !document.querySelector('[data-testid=arrange]').disabled")
    _wait_position_changed(canvas, "orders", before["orders"])
    editor.shot("arranged")
    after = {n: canvas.position(n) for n in canvas.node_ids()}
    for edge in document["edges"]:
        source, target = edge["from"].split(".")[0], edge["to"].split(".")[0]
        assert after[target][0] > after[source][0] + 200, (source, target, after)
    boxes = [canvas.node(n).bounding_box() for n in after]
    for i, a in enumerate(boxes):  # no two nodes overlap
        for b in boxes[i + 1:]:
            assert (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                    or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])

    tools.undo.click()
    _wait_position(canvas, "orders", before["orders"])
    assert {n: canvas.position(n) for n in canvas.node_ids()} == before
    expect(tools.undo).to_be_disabled()


def _wait_position_changed(canvas, node_id: str, old: tuple[float, float]) -> None:
    canvas.page.wait_for_function(
        """([id, x, y]) => {
            const style = document.querySelector(`.react-flow__node[data-id="${id}"]`)?.getAttribute("style") || "";
            return style.includes("translate(") && !style.includes(`translate(${x}px, ${y}px)`);
        }""",
        arg=[node_id, old[0], old[1]],
    )


def test_node_search_centres_and_selects_the_match(editor, editor_url, components):
    sql = components["sql"]
    far = {f"step_{i}": {"x": 400 * i, "y": 300 * (i % 3)} for i in range(12)}
    save(editor_url, {"id": "wide", "nodes": [{**node(n, sql, {"query": "SELECT 1"}), "title": f"Step number {n[5:]}"}
                                              for n in far],
                      "editor": {"positions": far}})
    open_pipeline(editor, "wide", 12)
    canvas, tools = editor.canvas, editor.canvas_tools
    tools.find("step_11")
    expect(tools.search_count).to_have_text("1 of 1")
    expect(canvas.node("step_11")).to_have_class(re.compile(r"(^|\s)selected(\s|$)"))
    pane = canvas.pane.bounding_box()
    _wait_centred(editor, "step_11", pane)
    editor.shot("found-by-id")

    tools.find("number 1")  # titles match too: 1, 10, 11
    expect(tools.search_count).to_have_text("1 of 3")
    tools.search.press("Enter")
    expect(tools.search_count).to_have_text("2 of 3")
    _wait_centred(editor, "step_10", pane)
    assert tools.selected_ids() == ["step_10"]
    tools.search.fill("nothing like it")
    expect(tools.search_count).to_have_text("no match")
    editor.shot("no-match")

    editor.top_bar.language("zh")
    expect(tools.search).to_have_attribute("placeholder", "查找节点")
    expect(tools.search_count).to_have_text("无匹配")
    expect(tools.arrange).to_have_text("自动排列")
    editor.shot("in-chinese")


def _wait_centred(editor, node_id: str, pane: dict) -> None:
    editor.page.wait_for_function(
        """([id, cx, cy]) => {
            const box = document.querySelector(`.react-flow__node[data-id="${id}"]`)?.getBoundingClientRect();
            return box && Math.abs(box.x + box.width / 2 - cx) < 2 && Math.abs(box.y + box.height / 2 - cy) < 2;
        }""",
        arg=[node_id, pane["x"] + pane["width"] / 2, pane["y"] + pane["height"] / 2],
    )


def test_zoom_fit_minimap_space_pan_and_double_click(editor, editor_url, components):
    save(editor_url, three_steps(components, "steps"))
    open_pipeline(editor, "steps", 3)
    canvas, tools, keyboard = editor.canvas, editor.canvas_tools, editor.page.keyboard
    expect(tools.minimap_nodes).to_have_count(3)
    canvas.pane.click(position={"x": 600, "y": 500})
    zoom = tools.viewport()[2]
    keyboard.press("+")
    editor.page.wait_for_function(f"() => !document.querySelector('.react-flow__viewport').style.transform.includes('scale({zoom})')")
    assert tools.viewport()[2] > zoom
    tools.zoom_out.click()
    tools.zoom_out.click()
    editor.page.wait_for_function(f"() => parseFloat(document.querySelector('.react-flow__viewport').style.transform.split('scale(')[1]) < {zoom}")
    editor.shot("zoomed-out")

    keyboard.press("1")  # fit: every node inside the pane
    pane = canvas.pane.bounding_box()
    editor.page.wait_for_function(
        """([left, top, right, bottom]) => [...document.querySelectorAll('.react-flow__node')].every((n) => {
            const b = n.getBoundingClientRect();
            return b.left >= left && b.top >= top && b.right <= right && b.bottom <= bottom;
        })""",
        arg=[pane["x"], pane["y"], pane["x"] + pane["width"], pane["y"] + pane["height"]])
    editor.shot("fitted")

    # Space-drag pans even when it starts on a node, and the node stays where it is.
    position, (x0, y0, _) = canvas.position("big"), tools.viewport()
    box = canvas.node("big").bounding_box()
    mouse = editor.page.mouse
    mouse.move(box["x"] + 30, box["y"] + 10)
    keyboard.down("Space")
    mouse.down()
    mouse.move(box["x"] + 130, box["y"] + 70, steps=10)
    mouse.up()
    keyboard.up("Space")
    x1, y1, _ = tools.viewport()
    assert (round(x1 - x0), round(y1 - y0)) == (100, 60)
    assert canvas.position("big") == position
    editor.shot("panned")

    canvas.node("out").locator(".jimu-node-header").dblclick()
    assert tools.selected_ids() == ["out"]
    expect(editor.page.locator(".side-panel")).to_contain_text("out")
    editor.shot("inspected")
