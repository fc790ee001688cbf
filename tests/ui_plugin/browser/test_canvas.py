"""Build a pipeline by drag and drop, connect ports, save, reload: the same pipeline comes back."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from jimu.validate import validate_pipeline_json


@pytest.fixture
def refs(catalog) -> dict[str, str]:
    """The newest published version of each component the tests drop (built-ins get new versions)."""
    return {name: f"{name}@{catalog.versions(name)[-1]}" for name in ("load_table", "sql")}


def test_drag_connect_save_and_reload(editor, editor_workspace, catalog, refs):
    pipeline_id = editor.top_bar.new_pipeline()
    editor.shot("new-pipeline")
    canvas = editor.canvas

    canvas.drop(editor.palette.item(refs["load_table"]), 120, 160)
    canvas.wait_nodes(1)
    canvas.drop(editor.palette.item(refs["sql"]), 520, 300)
    canvas.wait_nodes(2)
    editor.shot("dropped")
    assert canvas.node_ids() == ["load_table", "sql"]
    # Each node's top-left corner lands where it was dropped, and the view does not jump.
    pane = canvas.pane.bounding_box()
    for node, (x, y) in {"load_table": (120, 160), "sql": (520, 300)}.items():
        box = canvas.node(node).bounding_box()
        assert (round(box["x"] - pane["x"]), round(box["y"] - pane["y"])) == (x, y), node
    expect(canvas.node("sql")).to_contain_text(refs["sql"])
    expect(canvas.handle("sql", "tables")).to_be_visible()

    canvas.connect("load_table", "table", "sql", "tables")
    expect(canvas.edges).to_have_count(1)
    expect(editor.top_bar.status).to_have_text("Unsaved changes")
    editor.shot("connected")
    shown = {node: canvas.position(node) for node in canvas.node_ids()}

    editor.top_bar.save_with_keyboard()
    editor.shot("saved")
    saved_bytes = (editor_workspace / f"{pipeline_id}.json").read_bytes()
    saved = json.loads(saved_bytes)
    assert [(n["id"], n["component"]) for n in saved["nodes"]] == [
        ("load_table", refs["load_table"]), ("sql", refs["sql"])]
    assert saved["edges"] == [{"from": "load_table.table", "to": "sql.tables"}]
    assert {k: (p["x"], p["y"]) for k, p in saved["editor"]["positions"].items()} == {
        k: (round(x), round(y)) for k, (x, y) in shown.items()}
    # The file has the pipeline's shape; only the params no one has filled in yet are missing.
    report = validate_pipeline_json(saved_bytes, catalog)
    assert sorted((i.node, i.code, i.path) for i in report.issues) == [
        ("load_table", "missing-param", "$.nodes[0].params"), ("sql", "missing-param", "$.nodes[1].params")]

    editor.reload()
    canvas.wait_nodes(2)
    editor.shot("reloaded")
    expect(editor.top_bar.picker).to_have_value(pipeline_id)
    assert canvas.node_ids() == ["load_table", "sql"]
    assert canvas.edge_ids() == ["load_table.table->sql.tables"]
    assert {node: canvas.position(node) for node in canvas.node_ids()} == {
        k: (float(p["x"]), float(p["y"])) for k, p in saved["editor"]["positions"].items()}


def test_double_click_adds_a_node_at_the_centre(editor, refs):
    editor.top_bar.new_pipeline()
    editor.palette.item(refs["sql"]).dblclick()
    editor.palette.item(refs["sql"]).dblclick()
    editor.canvas.wait_nodes(2)
    editor.shot("double-clicked")
    assert editor.canvas.node_ids() == ["sql", "sql_2"]

    pane = editor.canvas.pane.bounding_box()
    node = editor.canvas.node("sql").bounding_box()
    centre = (node["x"] + node["width"] / 2, node["y"] + node["height"] / 2)
    assert abs(centre[0] - (pane["x"] + pane["width"] / 2)) < pane["width"] / 4
    assert abs(centre[1] - (pane["y"] + pane["height"] / 2)) < pane["height"] / 4
    # The second one is set down and right of the first, not on top of it.
    second = editor.canvas.node("sql_2").bounding_box()
    assert second["x"] > node["x"] + 20 and second["y"] > node["y"] + 20


def test_unsaved_changes_are_not_dropped_without_asking(editor, refs):
    pipeline_id = editor.top_bar.new_pipeline()
    editor.palette.item(refs["sql"]).dblclick()
    editor.canvas.wait_nodes(1)
    expect(editor.page).to_have_title(f"● {pipeline_id} — Jimu editor")

    asked: list[str] = []
    editor.page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    editor.top_bar.new_button.click()
    expect(editor.top_bar.status).to_have_text("Unsaved changes")
    assert asked == ["Your unsaved changes will be lost. Continue?"]
    expect(editor.top_bar.picker).to_have_value(pipeline_id)
    assert editor.canvas.node_ids() == ["sql"]
