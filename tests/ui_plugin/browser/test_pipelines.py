"""The pipelines list: create, open, duplicate and delete."""

from __future__ import annotations

import json

from playwright.sync_api import expect


def test_create_open_duplicate_and_delete(editor, editor_workspace, catalog):
    sql = f"sql@{catalog.versions('sql')[-1]}"
    dialog = editor.pipelines
    dialog.open_list()
    expect(dialog.root).to_be_visible()
    expect(dialog.root).to_contain_text("No pipelines yet")

    dialog.create("orders_daily")
    expect(editor.top_bar.picker).to_have_value("orders_daily")
    expect(dialog.root).to_be_hidden()
    editor.palette.item(sql).dblclick()
    editor.top_bar.save_with_keyboard()

    dialog.open_list()
    expect(dialog.rows).to_have_count(1)
    dialog.row_action("orders_daily", "duplicate")
    expect(dialog.rows).to_have_count(2)
    editor.shot("duplicated")
    assert dialog.ids() == ["orders_daily", "orders_daily_copy"]
    copy = json.loads((editor_workspace / "orders_daily_copy.json").read_text())
    original = json.loads((editor_workspace / "orders_daily.json").read_text())
    assert copy == {**original, "id": "orders_daily_copy"}

    # A taken id or a bad one cannot be created, and the dialog says why while it is typed.
    new_id, create = editor.page.get_by_test_id("new-pipeline-id"), editor.page.get_by_test_id("create-pipeline")
    problem = editor.page.get_by_test_id("new-pipeline-problem")
    for text, why in [("orders_daily", "has this id already"), ("Bad Id", "lowercase letter"),
                      ("9lives", "lowercase letter"), ("a" * 64, "at most 63")]:
        new_id.fill(text)
        expect(problem).to_contain_text(why)
        expect(create).to_be_disabled()
    new_id.fill("a" * 63)
    expect(problem).to_be_hidden()
    expect(create).to_be_enabled()

    dialog.row_action("orders_daily_copy", "open")
    expect(editor.top_bar.picker).to_have_value("orders_daily_copy")
    assert editor.canvas.node_ids() == ["sql"]

    # Deleting the open pipeline closes it.
    dialog.open_list()
    editor.page.once("dialog", lambda d: d.accept())
    dialog.row_action("orders_daily_copy", "delete")
    expect(dialog.rows).to_have_count(1)
    editor.shot("deleted")
    assert not (editor_workspace / "orders_daily_copy.json").exists()
    dialog.close()
    expect(editor.page.get_by_test_id("canvas")).to_contain_text("Choose a pipeline")
