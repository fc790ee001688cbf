"""Undo and redo reach edits made in the inspector: a param typed in the form, a node renamed."""

from __future__ import annotations

import json

import httpx
import pytest
from playwright.sync_api import expect


@pytest.fixture
def saved_pipeline(editor_url, editor_workspace, catalog) -> dict:
    refs = {name: f"{name}@{catalog.versions(name)[-1]}" for name in ("load_table", "sql")}
    document = {
        "id": "undo_edits",
        "nodes": [{"id": "source", "component": refs["load_table"], "params": {"uri": "/data/a.csv"}},
                  {"id": "query", "component": refs["sql"], "params": {"query": "SELECT * FROM source"}}],
        "edges": [{"from": "source.table", "to": "query.tables"}],
        "editor": {"positions": {"source": {"x": 0, "y": 0}, "query": {"x": 300, "y": 0}}},
    }
    httpx.post(f"{editor_url}api/pipelines", json=document, timeout=30).raise_for_status()
    return document


def open_pipeline(editor) -> None:
    editor.goto("#pipeline=undo_edits")
    editor.reload()
    editor.canvas.wait_nodes(2)


def saved(workspace) -> dict:
    return json.loads((workspace / "undo_edits.json").read_text())


def undo_key(editor, keys: str) -> None:
    """Press an undo/redo key with the focus on the canvas, not in a form field."""
    editor.canvas.click_blank()
    editor.page.keyboard.press(keys)


def test_a_param_typed_in_the_form_is_undone_and_redone(editor, editor_workspace, saved_pipeline):
    open_pipeline(editor)
    editor.canvas.node("source").click()
    editor.inspector.wait_for("source")
    editor.inspector.control("params.uri").fill("/data/b.csv")
    expect(editor.top_bar.status).to_have_text("Unsaved changes")

    undo_key(editor, "Control+z")
    editor.canvas.node("source").click()
    expect(editor.inspector.control("params.uri")).to_have_value("/data/a.csv")
    editor.shot("param-undone")
    undo_key(editor, "Control+Shift+z")
    editor.canvas.node("source").click()
    expect(editor.inspector.control("params.uri")).to_have_value("/data/b.csv")
    editor.top_bar.save_with_keyboard()
    # The form keeps the component's defaults once a field is edited; the edited value is the redone one.
    assert saved(editor_workspace)["nodes"][0]["params"]["uri"] == "/data/b.csv"


def test_a_rename_is_undone_with_its_edges(editor, editor_workspace, saved_pipeline):
    open_pipeline(editor)
    editor.canvas.node("source").click()
    editor.inspector.wait_for("source")
    editor.inspector.rename("orders")
    expect(editor.canvas.node("orders")).to_be_visible()
    assert editor.canvas.edge_ids() == ["orders.table->query.tables"]

    undo_key(editor, "Control+z")
    expect(editor.canvas.node("source")).to_be_visible()
    assert editor.canvas.edge_ids() == ["source.table->query.tables"]
    editor.top_bar.save_with_keyboard()
    assert saved(editor_workspace)["nodes"] == saved_pipeline["nodes"]
    assert saved(editor_workspace)["edges"] == saved_pipeline["edges"]
