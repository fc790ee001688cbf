"""Publish as template: a shipped pipeline becomes a template with one node param in its form, labelled in two languages."""

from __future__ import annotations

import json
import shutil
import uuid

from playwright.sync_api import expect

from tests.conftest import EXAMPLE
from tests.ui_plugin.browser.pages.publish import PublishDialog


def test_publish_the_wine_example_as_a_template(editor, editor_workspace):
    pipeline = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    shutil.copyfile(EXAMPLE, editor_workspace / f"{pipeline['id']}.json")
    editor.reload()
    editor.top_bar.open(pipeline["id"])
    editor.canvas.wait_nodes(len(pipeline["nodes"]))

    dialog = PublishDialog(editor.page)
    dialog.open()
    expect(dialog.root).to_be_visible()
    name = f"wines_{uuid.uuid4().hex[:8]}"
    dialog.name.fill(name)
    expect(dialog.version).to_have_value("1.0.0")  # no version of this name is published yet
    categories = editor.page.request.get(f"{editor.url}api/template-categories").json()
    assert dialog.category.locator("option").evaluate_all("(options) => options.map((o) => o.value)") == categories
    dialog.category.select_option("etl")
    dialog.text("title").fill("Strong wines")
    dialog.text("title_zh").fill("烈性葡萄酒")
    # Every node param of the pipeline's components is offered, next to its pipeline params.
    components = {n["id"]: editor.page.request.get(
        f"{editor.url}api/components/{n['component'].replace('@', '/')}").json() for n in pipeline["nodes"]}
    offered = dialog.root.locator("[data-expose]").evaluate_all("(rows) => rows.map((r) => r.dataset.expose)")
    assert sorted(offered) == sorted([*pipeline["params"], *(f"{node}.{param}" for node, c in components.items()
                                                             for param in c["params"]["properties"])])
    dialog.expose("export.format", title="Export format", title_zh="导出格式",
                  description="The file type of the export", description_zh="导出文件的类型")
    editor.shot("ticked")

    # min_alcohol is bound in the SQL as :min_alcohol: left out of the form, it cannot be fixed; said in words.
    dialog.submit()
    expect(dialog.problems).to_contain_text("min_alcohol")
    expect(dialog.problems).to_contain_text("bound in the SQL")
    editor.shot("sql-param-refused")
    dialog.expose("min_alcohol", title_zh="最低酒精度")
    dialog.submit()
    expect(dialog.ref).to_have_text(f"{name}@1.0.0")
    editor.shot("published")

    cards = editor.page.request.get(f"{editor.url}api/templates").json()
    assert f"{name}@1.0.0" in {c["ref"] for c in cards}
    form = editor.page.request.get(f"{editor.url}api/templates/{name}?lang=zh").json()["form"]["properties"]
    assert (form["format"]["title"], form["format"]["description"]) == ("导出格式", "导出文件的类型")
    assert form["min_alcohol"]["title"] == "最低酒精度"
    english = editor.page.request.get(f"{editor.url}api/templates/{name}").json()["form"]["properties"]
    assert (english["format"]["title"], english["format"]["description"]) == ("Export format", "The file type of the export")

    # The button opens the new template's form in the gallery.
    dialog.open_gallery.click()
    expect(editor.templates.form).to_have_attribute("data-template", name)
    expect(editor.templates.field("format")).to_contain_text("Export format")
    editor.shot("in-gallery")
    editor.page.keyboard.press("Escape")
    expect(editor.templates.root).to_be_hidden()

    # The same version with other words is refused, in words; the next free version is suggested.
    dialog.open()
    dialog.name.fill(name)
    expect(dialog.version).to_have_value("1.1.0")
    dialog.version.fill("1.0.0")
    dialog.text("title").fill("Other words")
    dialog.expose("min_alcohol")
    dialog.submit()
    refusal = dialog.root.get_by_test_id("publish-version-problems")
    expect(refusal).to_contain_text(f"{name}@1.0.0 is already published with other content")
    expect(refusal).to_contain_text("bump the version")
    assert "/tmp" not in refusal.inner_text()
    editor.shot("same-version-refused")
    versions = editor.page.request.get(f"{editor.url}api/templates/{name}").json()["versions"]
    assert versions == ["1.0.0"]
