"""Two tabs edit one pipeline: the later save meets the conflict dialog, and nothing is lost."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.ui_plugin.browser.pages.editor import EditorPage


@pytest.fixture
def refs(catalog) -> dict[str, str]:
    return {name: f"{name}@{catalog.versions(name)[-1]}" for name in ("load_table", "sql", "write_table")}


@pytest.fixture
def second_tab(editor) -> EditorPage:
    """Another tab of the same browser profile on the same editor."""
    page = editor.page.context.new_page()
    tab = EditorPage(page, editor.url, editor.shots / "second-tab")
    yield tab
    page.close()


def saved(workspace, pipeline_id: str) -> dict:
    return json.loads((workspace / f"{pipeline_id}.json").read_text())


def node_ids(document: dict) -> list[str]:
    return sorted(node["id"] for node in document["nodes"])


def open_in_both(editor, second_tab, pipeline_id: str) -> None:
    for tab in (editor, second_tab):
        tab.goto(f"#pipeline={pipeline_id}")
        expect(tab.top_bar.picker).to_have_value(pipeline_id)


def test_the_later_save_sees_both_versions_and_can_keep_each(editor, second_tab, editor_workspace, refs):
    pipeline_id = editor.top_bar.new_pipeline()
    open_in_both(editor, second_tab, pipeline_id)

    # The second tab adds sql and saves first.
    second_tab.palette.item(refs["sql"]).dblclick()
    second_tab.canvas.wait_nodes(1)
    second_tab.top_bar.save_with_keyboard()
    theirs = saved(editor_workspace, pipeline_id)
    assert node_ids(theirs) == ["sql"]

    # This tab, still on the old version, adds load_table and saves: refused, with both versions shown.
    editor.palette.item(refs["load_table"]).dblclick()
    editor.canvas.wait_nodes(1)
    editor.page.keyboard.press("Control+s")
    expect(editor.conflict.root).to_be_visible()
    editor.shot("conflict-dialog")
    assert node_ids(editor.conflict.version("theirs")) == ["sql"]
    assert node_ids(editor.conflict.version("mine")) == ["load_table"]
    expect(editor.conflict.changes).to_contain_text("load_table")
    expect(editor.conflict.changes).to_contain_text("sql")
    assert saved(editor_workspace, pipeline_id) == theirs  # refusing wrote nothing

    # Decide later: the dialog goes, the canvas keeps this tab's work, unsaved.
    editor.conflict.choose("cancel")
    expect(editor.conflict.root).to_be_hidden()
    assert editor.canvas.node_ids() == ["load_table"]
    expect(editor.top_bar.status).to_contain_text("Someone else saved")

    # Save mine as a copy: theirs stays in the original, mine lands in the copy, which opens.
    editor.page.keyboard.press("Control+s")
    expect(editor.conflict.root).to_be_visible()
    editor.conflict.choose("copy")
    copy_id = f"{pipeline_id}_copy"
    expect(editor.top_bar.picker).to_have_value(copy_id)
    editor.shot("saved-as-copy")
    assert saved(editor_workspace, pipeline_id) == theirs
    assert node_ids(saved(editor_workspace, copy_id)) == ["load_table"]
    assert saved(editor_workspace, copy_id)["id"] == copy_id


def test_overwriting_knowingly_and_reloading_theirs(editor, second_tab, editor_workspace, refs):
    pipeline_id = editor.top_bar.new_pipeline()
    open_in_both(editor, second_tab, pipeline_id)
    second_tab.palette.item(refs["sql"]).dblclick()
    second_tab.top_bar.save_with_keyboard()

    editor.palette.item(refs["write_table"]).dblclick()
    editor.canvas.wait_nodes(1)
    editor.page.keyboard.press("Control+s")
    editor.conflict.choose("overwrite")
    expect(editor.top_bar.status).to_have_text("Saved")
    assert node_ids(saved(editor_workspace, pipeline_id)) == ["write_table"]

    # Now the second tab is the stale one; it chooses to discard its change and load the file.
    second_tab.palette.item(refs["load_table"]).dblclick()
    second_tab.canvas.wait_nodes(2)
    second_tab.page.keyboard.press("Control+s")
    expect(second_tab.conflict.root).to_be_visible()
    second_tab.page.once("dialog", lambda dialog: dialog.accept())
    second_tab.conflict.choose("reload")
    expect(second_tab.conflict.root).to_be_hidden()
    second_tab.canvas.wait_nodes(1)
    assert second_tab.canvas.node_ids() == ["write_table"]
    second_tab.shot("reloaded-theirs")
    assert node_ids(saved(editor_workspace, pipeline_id)) == ["write_table"]


def test_a_deleted_pipeline_can_be_saved_back(editor, editor_workspace, refs):
    pipeline_id = editor.top_bar.new_pipeline()
    editor.palette.item(refs["sql"]).dblclick()
    editor.canvas.wait_nodes(1)
    (editor_workspace / f"{pipeline_id}.json").unlink()  # deleted behind the editor's back

    editor.page.keyboard.press("Control+s")
    expect(editor.conflict.root).to_be_visible()
    expect(editor.conflict.root).to_contain_text("deleted")
    editor.conflict.choose("overwrite")
    expect(editor.conflict.root).to_be_hidden()
    assert node_ids(saved(editor_workspace, pipeline_id)) == ["sql"]
