"""The inspector, live validation and the pipeline settings, on a saved load -> sql -> write pipeline."""

from __future__ import annotations

import datetime
import json

import httpx
import pytest
from croniter import croniter
from playwright.sync_api import expect

from jimu.validate import validate_pipeline_json
from tests.ui_plugin.browser.pages.inspector import PipelineSettings, ProblemsList

PIPELINE = "orders_report"
GOOD_SQL = "SELECT region,\n       SUM(amount) AS total\nFROM load\nGROUP BY region"
# Line 3 has a doubled '=': sqlglot stops at the second one.
BAD_SQL = "SELECT region, amount\nFROM load\nWHERE amount = = 10"


def position_of(text: str, needle: str, occurrence: int) -> tuple[int, int]:
    """1-based line and column where the `occurrence`-th `needle` starts, counted from the text."""
    offset = -1
    for _ in range(occurrence):
        offset = text.index(needle, offset + 1)
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


@pytest.fixture
def saved(editor, editor_url, editor_workspace, catalog) -> dict:
    """load -> sql -> write, saved through the API with valid params (the newest component versions)."""
    newest = {name: f"{name}@{catalog.versions(name)[-1]}" for name in ("load_table", "sql", "write_table")}
    document = {
        "id": PIPELINE,
        "title": "Orders by region",
        "params": {"out_file": {"type": "string", "default": "orders_by_region.csv"},
                   "region": {"type": ["string", "null"], "default": None, "enum": ["north", "south", None]}},
        "nodes": [
            {"id": "load", "component": newest["load_table"], "params": {"uri": "data/orders.csv"}},
            {"id": "sql", "component": newest["sql"], "params": {"query": GOOD_SQL}},
            {"id": "write", "component": newest["write_table"], "params": {"uri": "orders_by_region.csv"}},
        ],
        "edges": [{"from": "load.table", "to": "sql.tables"}, {"from": "sql.table", "to": "write.table"}],
        "editor": {"positions": {"load": {"x": 40, "y": 120}, "sql": {"x": 330, "y": 120},
                                 "write": {"x": 620, "y": 120}}},
    }
    report = validate_pipeline_json(json.dumps(document).encode(), catalog)
    assert report.ok, report.issues
    answer = httpx.post(editor_url + "api/pipelines", json=document)
    assert answer.status_code == 201, answer.text
    editor.reload()  # the picker lists it
    editor.top_bar.open(PIPELINE)
    editor.canvas.wait_nodes(3)
    return document


def saved_file(workspace) -> dict:
    return json.loads((workspace / f"{PIPELINE}.json").read_text(encoding="utf-8"))


def test_bad_sql_shows_on_the_node_in_the_list_and_at_its_line(editor, saved):
    canvas, inspector, problems = editor.canvas, editor.inspector, ProblemsList(editor.page)
    node = canvas.node("sql")
    canvas.node("sql").click()
    inspector.wait_for("sql")
    expect(inspector.sql.content).to_have_text(GOOD_SQL.replace("\n", ""))
    problems.show()
    expect(problems.list).to_be_hidden()
    expect(editor.top_bar.status).to_have_text("")  # showing a node's forms changes nothing
    editor.shot("valid")

    inspector.sql.replace_text(BAD_SQL)
    expect(node.get_by_test_id("node-problems")).to_have_text("1")
    expect(node.locator(".jimu-node")).to_have_class("jimu-node selected has-problems")
    listed = problems.item("sql", "sql-syntax")
    expect(listed).to_contain_text("does not parse")
    # The diagnostic starts where the second '=' of line 3 is, counted from the text independently.
    assert tuple(inspector.sql.diagnostic_position()) == position_of(BAD_SQL, "=", 2) == (3, 16)
    expect(inspector.sql.error_ranges).to_have_text("=")
    expect(inspector.sql.error_markers).to_have_count(1)
    expect(inspector.field("params.query").get_by_test_id("field-problems")).to_contain_text("does not parse")
    editor.shot("bad-sql")

    # A click on the problem selects the node again and puts the cursor in its SQL editor.
    canvas.click_blank()
    expect(inspector.root).to_be_hidden()
    listed.click()
    inspector.wait_for("sql")
    expect(inspector.sql.content).to_be_focused()
    editor.shot("problem-clicked")
    editor.page.keyboard.press("Tab")  # the editor keeps no keyboard user in: Tab goes on to the next field
    expect(inspector.sql.content).not_to_be_focused()
    expect(inspector.sql.content).to_have_text(BAD_SQL.replace("\n", ""))

    inspector.sql.replace_text(GOOD_SQL)
    expect(node.get_by_test_id("node-problems")).to_be_hidden()
    expect(node.locator(".jimu-node")).not_to_have_class("has-problems")
    expect(problems.items).to_have_count(0)
    expect(inspector.sql.error_ranges).to_have_count(0)
    expect(inspector.sql.error_markers).to_have_count(0)
    editor.shot("fixed")


def test_a_param_edited_in_the_form_is_saved(editor, saved, editor_workspace):
    editor.canvas.node("load").click()
    editor.inspector.wait_for("load")
    editor.inspector.control("params.format").select_option("csv")
    skip_rows = editor.inspector.control("params.skip_rows")
    skip_rows.fill("3")
    editor.shot("params-edited")
    editor.top_bar.save_with_keyboard()
    params = next(n for n in saved_file(editor_workspace)["nodes"] if n["id"] == "load")["params"]
    assert (params["uri"], params["format"], params["skip_rows"]) == ("data/orders.csv", "csv", 3)


def test_a_field_takes_a_pipeline_param_from_the_picker(editor, saved, editor_workspace, catalog):
    editor.canvas.node("write").click()
    editor.inspector.wait_for("write")
    uri = editor.inspector.field("params.uri")
    uri.get_by_test_id("param-picker").select_option("out_file")
    expect(uri).to_contain_text("= pipeline param out_file")
    editor.shot("param-picked")
    editor.top_bar.save_with_keyboard()
    params = next(n for n in saved_file(editor_workspace)["nodes"] if n["id"] == "write")["params"]
    assert params["uri"] == {"$param": "out_file"}
    assert validate_pipeline_json((editor_workspace / f"{PIPELINE}.json").read_bytes(), catalog).ok


def test_renaming_a_connected_node_moves_its_edges(editor, saved, editor_workspace):
    editor.canvas.node("sql").click()
    editor.inspector.wait_for("sql")
    editor.inspector.rename("write")  # taken: refused with the reason
    expect(editor.inspector.rename_error).to_have_text("Another node already has this id.")
    editor.inspector.rename("by_region")
    editor.inspector.wait_for("by_region")
    expect(editor.canvas.node("by_region")).to_be_visible()
    assert editor.canvas.edge_ids() == ["by_region.table->write.table", "load.table->by_region.tables"]
    editor.shot("renamed")
    editor.top_bar.save_with_keyboard()
    stored = saved_file(editor_workspace)
    assert [n["id"] for n in stored["nodes"]] == ["load", "by_region", "write"]
    assert stored["edges"] == [{"from": "load.table", "to": "by_region.tables"},
                               {"from": "by_region.table", "to": "write.table"}]
    assert stored["nodes"][1]["params"] == {"query": GOOD_SQL}


def test_a_cron_schedule_shows_croniters_next_runs(editor, saved, editor_workspace):
    settings = PipelineSettings(editor.page)
    expect(settings.root).to_be_visible()
    settings.set_cron("30 6 * * 1-5")
    after, shown = settings.shown_runs()
    start = datetime.datetime.fromisoformat(after)
    runs = croniter("30 6 * * 1-5", start)
    expected = [runs.get_next(datetime.datetime) for _ in range(5)]
    assert [datetime.datetime.fromisoformat(t) for t in shown] == expected
    assert all(t.weekday() < 5 and (t.hour, t.minute) == (6, 30) for t in expected)
    editor.shot("cron-schedule")

    settings.cron.fill("30 25 * * *")
    expect(settings.schedule_error).to_contain_text("neither a cron expression nor a preset")
    expect(settings.next_runs).to_be_hidden()
    settings.cron.fill("0 6 * * *")
    expect(settings.next_runs).to_be_visible()
    editor.top_bar.save_with_keyboard()
    stored = saved_file(editor_workspace)
    assert stored["schedule"] == "0 6 * * *"
    assert stored["params"] == saved["params"]  # null defaults and enum members are kept as written


def test_pipeline_params_are_edited_as_small_schemas(editor, saved, editor_workspace, catalog):
    settings = PipelineSettings(editor.page)
    settings.add_param()
    row = settings.param("param_1")
    row.get_by_test_id("param-type").select_option("integer")
    for field, value in (("param-default", "5"), ("param-minimum", "1"), ("param-maximum", "10"),
                         ("param-enum", "1, 5, 10"), ("param-description", "rows to keep")):
        row.get_by_test_id(field).fill(value)
        row.get_by_test_id(field).press("Enter")
    name = row.get_by_test_id("param-name")
    name.fill("top_n")
    name.press("Enter")
    expect(settings.param("top_n")).to_be_visible()
    editor.shot("param-added")
    editor.top_bar.save_with_keyboard()
    stored = saved_file(editor_workspace)
    assert stored["params"] == {
        **saved["params"],
        "top_n": {"type": "integer", "default": 5, "minimum": 1, "maximum": 10, "enum": [1, 5, 10],
                  "description": "rows to keep"},
    }
    assert validate_pipeline_json(json.dumps(stored).encode(), catalog).ok

    settings.param("top_n").get_by_test_id("param-default").fill("50")
    settings.param("top_n").get_by_test_id("param-default").press("Enter")
    # 50 is above the maximum: the validator says so next to the param.
    expect(settings.param("top_n").get_by_test_id("field-problems")).to_contain_text("50")
    editor.shot("param-problem")
    # From the problems list, a pipeline problem brings its field into view and focus.
    problems = ProblemsList(editor.page)
    problems.show()
    editor.page.get_by_test_id("param-default").first.focus()
    problems.item("", "bad-param-default").first.click()
    expect(settings.param("top_n").get_by_test_id("param-default")).to_be_focused()


def test_the_panels_speak_chinese(editor, saved):
    editor.top_bar.language("zh")
    settings = PipelineSettings(editor.page)
    expect(settings.schedule_kind.locator("option").first).to_have_text("仅手动运行")
    expect(settings.add_param_button).to_have_text("添加参数")
    editor.canvas.node("write").click()
    editor.inspector.wait_for("write")
    expect(editor.inspector.root.locator("h3").first).to_have_text("参数")
    expect(editor.inspector.field("params.uri").get_by_test_id("param-picker")).to_contain_text("固定值")
    expect(editor.inspector.field("retries").locator("label")).to_have_text("重试次数")  # the spec's fields too
    editor.shot("chinese")


def test_the_sql_editor_completes_upstream_table_names(editor, saved):
    editor.canvas.node("sql").click()
    editor.inspector.wait_for("sql")
    editor.inspector.sql.replace_text("SELECT * FROM ")
    editor.page.keyboard.type("lo")
    completions = editor.inspector.sql.root.locator(".cm-tooltip-autocomplete")
    expect(completions).to_contain_text("load")
    editor.shot("table-completion")


def test_a_problem_in_a_list_item_sits_by_that_item(editor, saved):
    editor.canvas.node("load").click()
    editor.inspector.wait_for("load")
    names = editor.inspector.field("params.column_names")
    add = names.locator(".btn-add")
    add.click()
    editor.inspector.control("params.column_names.0").fill("region")
    add.click()  # the second name stays empty: the validator refuses it
    item = editor.inspector.field("params.column_names.1")
    expect(item.get_by_test_id("field-problems")).to_contain_text("type string")
    expect(editor.canvas.node("load").get_by_test_id("node-problems")).to_have_text("1")
    expect(editor.inspector.field("params.column_names.0").get_by_test_id("field-problems")).to_have_count(0)
    editor.shot("list-item-problem")


def test_an_asset_schedule_and_an_output_asset_round_trip(editor, saved, editor_workspace, catalog):
    """Data-aware scheduling in the editor: "when all of these assets update" and a node output marked
    an asset are saved as the spec writes them, show again after a reload, and never ask for run times."""
    asked = []
    editor.page.on("request", lambda r: asked.append(r.url) if "schedule/next" in r.url else None)
    settings = PipelineSettings(editor.page)
    settings.set_asset_schedule("all", ["sales_daily", "customers"])
    assert settings.shown_assets() == ("all", ["sales_daily", "customers"])
    expect(settings.next_runs).to_be_hidden()
    expect(settings.schedule_error).to_be_hidden()
    editor.shot("asset-schedule")

    editor.canvas.node("write").click()
    editor.inspector.wait_for("write")
    editor.inspector.mark_output_asset("table", "Orders By Region")
    problem = editor.inspector.field("assets.table").get_by_test_id("field-problems")
    expect(problem).to_contain_text("is no asset name")  # the validator's word, under the output's row
    editor.shot("output-asset-problem")
    editor.inspector.mark_output_asset("table", "orders_by_region")
    expect(problem).to_be_hidden()
    editor.shot("output-asset")
    editor.top_bar.save_with_keyboard()
    stored = saved_file(editor_workspace)
    assert stored["schedule"] == {"all": [{"asset": "sales_daily"}, {"asset": "customers"}]}
    assert stored["nodes"][2]["assets"] == {"table": "orders_by_region"}
    assert validate_pipeline_json(json.dumps(stored).encode(), catalog).ok
    assert asked == []  # an asset schedule has no run times to ask for

    editor.reload()
    editor.top_bar.open(PIPELINE)
    editor.canvas.wait_nodes(3)
    assert settings.shown_assets() == ("all", ["sales_daily", "customers"])
    settings.assets.get_by_role("button", name="Remove asset sales_daily").click()
    settings.set_cron("0 6 * * *")  # back to a cron schedule: the asset condition goes
    expect(settings.next_runs).to_be_visible()
    editor.top_bar.save_with_keyboard()
    assert saved_file(editor_workspace)["schedule"] == "0 6 * * *"


def test_a_nested_asset_schedule_is_shown_and_kept(editor, saved, editor_workspace, editor_url):
    nested = {"any": [{"asset": "sales_daily"}, {"all": [{"asset": "customers"}, {"asset": "orders"}]}]}
    answer = httpx.put(editor_url + f"api/pipelines/{PIPELINE}", json={**saved, "schedule": nested},
                       headers={"If-Match": httpx.get(editor_url + f"api/pipelines/{PIPELINE}").headers["etag"]})
    assert answer.status_code == 200, answer.text
    editor.reload()
    editor.top_bar.open(PIPELINE)
    editor.canvas.wait_nodes(3)
    settings = PipelineSettings(editor.page)
    expect(settings.nested_assets).to_contain_text('"orders"')
    expect(settings.schedule_kind).to_have_value("assets")
    title = settings.root.locator('[data-field="title"] input')
    title.fill("Orders by region, when fresh")
    title.press("Enter")
    editor.top_bar.save_with_keyboard()
    stored = saved_file(editor_workspace)
    assert stored["schedule"] == nested and stored["title"] == "Orders by region, when fresh"
