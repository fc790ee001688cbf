"""A template form with your own data: the sample data's first rows and types, an upload that changes the
column list, refused files in plain words, and the pipeline picture on the card and the form."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from jimu.datasets.bundled import bundled_path
from jimu.datasets.store import DatasetStore
from jimu.template.store import TemplateStore
from tests.conftest import REPO
from tests.ui_plugin.browser.pages.template_data import step_ids, step_titles

TEMPLATE, UNPLACED = "data_check", "data_check_unplaced"
ZH_COMPONENTS = REPO / "ui_plugin" / "frontend" / "src" / "locales" / "zh" / "components.json"
SAMPLE = "package://jimu.templates.daily_sales/data/sales.csv"
# What the form shows for each detected type, in English (datasets.types in the message catalogue).
TYPE_WORDS = {"integer": "whole number", "number": "number", "text": "text", "yes/no": "yes/no", "date": "date"}


def publish(catalog, folder: Path, about: dict, pipeline: dict) -> None:
    """Publish a template into the store the session's editor reads."""
    folder.mkdir()
    (folder / "template.json").write_text(json.dumps(about), encoding="utf-8")
    (folder / "pipeline.json").write_text(json.dumps(pipeline), encoding="utf-8")
    TemplateStore(catalog).publish(folder)


@pytest.fixture(scope="session")
def data_template(catalog, tmp_path_factory) -> dict:
    """A template with a dataset field (default: daily_sales' bundled CSV) and a column field bound to it;
    and its twin UNPLACED, whose pipeline has no canvas positions (its picture is laid out)."""
    newest = {name: f"{name}@{catalog.versions(name)[-1]}" for name in ("load_table", "python")}
    pipeline = {
        "id": TEMPLATE, "schema_version": 1, "title": "Data check",
        "params": {
            "data": {"type": "string", "format": "dataset", "title": "Your data", "default": SAMPLE},
            "label": {"type": "string", "format": "column", "x-jimu-dataset": "data", "title": "Label column",
                      "default": "store"},
        },
        "nodes": [
            {"id": "load", "component": newest["load_table"], "title": "Load your data · 读取数据",
             "params": {"uri": {"$param": "data"}}},
            {"id": "pick", "component": newest["python"], "title": "Keep the label column",
             "params": {"code": "def transform(tables, params):\n    return tables['load'][[params['label']]]\n",
                        "args": {"label": {"$param": "label"}}}},
        ],
        "edges": [{"source": "load.table", "target": "pick.tables"}],
        "editor": {"positions": {"load": {"x": 0, "y": 0}, "pick": {"x": 260, "y": 0}}},
    }
    about = {"name": TEMPLATE, "version": "1.0.0", "title": "Data check", "title_zh": "数据检查",
             "description": "Bring your own table and name its label column.", "description_zh": "用你自己的表，并指定标签列。",
             "category": "other", "form_zh": {"data": {"title": "你的数据"}, "label": {"title": "标签列"}}}
    root = tmp_path_factory.mktemp("template")
    publish(catalog, root / TEMPLATE, about, pipeline)
    unplaced = {k: v for k, v in pipeline.items() if k != "editor"}
    publish(catalog, root / UNPLACED, {**about, "name": UNPLACED, "title": "Data check, not laid out"},
            {**unplaced, "id": UNPLACED})
    return pipeline


def type_of(values: pd.Series, texts: pd.Series) -> str:
    """A column's type as pandas and the file's own text tell it (not as the server's reader does)."""
    present = texts.dropna()
    if pd.api.types.is_bool_dtype(values):
        return "yes/no"
    if pd.api.types.is_integer_dtype(values):
        return "integer"
    if pd.api.types.is_float_dtype(values):  # pandas makes an integer column with gaps float
        return "integer" if present.str.fullmatch(r"-?\d+").all() else "number"
    return "date" if present.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all() else "text"


def expected_columns(path: Path) -> list[tuple[str, str, str]]:
    values, texts = pd.read_csv(path), pd.read_csv(path, dtype=str)
    return [(name, type_of(values[name], texts[name]), TYPE_WORDS[type_of(values[name], texts[name])])
            for name in values.columns]


def same_cell(shown: str, value) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return shown == ""
    if isinstance(value, (int, float)):
        return math.isclose(float(shown), float(value))
    return shown == str(value)


def assert_first_rows(shown: list[list[str]], path: Path) -> None:
    head = pd.read_csv(path).head(len(shown))
    assert len(shown) == min(20, len(pd.read_csv(path)))
    for row, (_, expected) in zip(shown, head.iterrows(), strict=True):
        assert all(same_cell(cell, value) for cell, value in zip(row, expected.tolist(), strict=True)), (row, expected)


def describe(editor, uri: str) -> dict:
    answer = editor.page.request.get(f"{editor.url}api/datasets/describe", params={"uri": uri})
    assert answer.ok, answer.text()
    return answer.json()


def stored_datasets() -> list[str]:
    root = DatasetStore().root  # the session editor's datasets folder ($JIMU_HOME/datasets)
    return sorted(p.name for p in root.iterdir()) if root.is_dir() else []


def open_form(editor) -> None:
    editor.templates.open_gallery()
    editor.templates.choose(TEMPLATE)
    expect(editor.template_data.table).to_be_visible()


def test_sample_data_then_an_upload_drives_the_column_list(editor, editor_workspace, data_template, tmp_path):
    gallery, data = editor.templates, editor.template_data
    preview = editor.page.request.get(f"{editor.url}api/templates/{TEMPLATE}").json()["preview"]
    gallery.open_gallery()
    # The card's thumbnail draws every step and edge of the template's pipeline.
    thumbnail = gallery.card(TEMPLATE).get_by_test_id("pipeline-picture")
    expect(thumbnail.locator(".picture-step")).to_have_count(len(data_template["nodes"]))
    assert step_ids(thumbnail) == [n["id"] for n in data_template["nodes"]]
    expect(thumbnail.locator(".picture-edge")).to_have_count(len(data_template["edges"]))
    # A pipeline saved without positions is laid out along its edges: the loader left of the step it feeds.
    laid_out = gallery.card(UNPLACED).get_by_test_id("pipeline-picture")
    expect(laid_out.locator(".picture-step")).to_have_count(2)
    x = {step: laid_out.locator(f'[data-step="{step}"]').bounding_box()["x"] for step in ("load", "pick")}
    assert x["load"] < x["pick"]
    editor.shot("gallery-thumbnails")

    gallery.choose(TEMPLATE)
    expect(data.table).to_be_visible()
    # The form's picture: the steps' titles (the English half of a bilingual one), the edge from load to pick.
    assert step_titles(data.picture) == ["Load your data", "Keep the label column"]
    assert [n["id"] for n in preview["nodes"]] == step_ids(data.picture)
    expect(data.picture.locator('.picture-edge[data-edge="load->pick"]')).to_have_count(1)

    # The template's own sample data: its name, "bundled", first rows and column types as pandas reads the file.
    sample = bundled_path(SAMPLE)
    expect(data.current).to_contain_text("sales.csv")
    expect(data.current).to_contain_text("bundled sample data")
    expect(data.current).to_contain_text(f"{len(pd.read_csv(sample)):,} rows")
    assert data.headers() == expected_columns(sample)
    assert [(c["name"], c["type"]) for c in describe(editor, SAMPLE)["columns"]] == [h[:2] for h in data.headers()]
    assert_first_rows(data.rows(), sample)
    assert data.column_choices() == list(pd.read_csv(sample).columns)
    expect(data.column).to_have_value("store")
    editor.shot("sample-data")

    # Upload the wine data as a business user's CSV: the preview, the types and the column list follow it.
    from sklearn.datasets import load_wine

    wine = tmp_path / "my wines.csv"
    load_wine(as_frame=True).frame.to_csv(wine, index=False)
    data.upload(wine)
    expect(data.current).to_contain_text("my wines.csv")
    expect(data.current).to_contain_text("uploaded")
    uri = data.uri()
    described = describe(editor, uri)
    assert described["name"] == "my wines.csv" and described["rows"] == len(pd.read_csv(wine))
    assert data.headers() == expected_columns(wine)
    assert [(c["name"], c["type"]) for c in described["columns"]] == [h[:2] for h in data.headers()]
    assert_first_rows(data.rows(), wine)
    assert [[same_cell(cell, value) for cell, value in zip(row, record.values(), strict=True)]
            for row, record in zip(data.rows(), described["preview"], strict=True)] == [[True] * len(wine_columns(wine))] * 20
    # "store" is no column of the wines: cleared, and the field says so; the choices are the file's columns.
    assert data.column_choices() == wine_columns(wine)
    expect(data.column).to_have_value("")
    expect(data.column_cleared).to_contain_text("“store” is not a column of the new data")
    editor.shot("uploaded-wine")

    # The list offers the sample and every upload: back to the sample brings its columns; then the wines again.
    data.pick.select_option(SAMPLE)
    expect(data.current).to_contain_text("sales.csv")
    expect_columns(data, list(pd.read_csv(sample).columns))
    data.pick.select_option(uri)
    expect(data.current).to_contain_text("my wines.csv")
    expect_columns(data, wine_columns(wine))

    # Keyboard: Tab reaches the column list from the data's pick list; arrows choose.
    data.pick.focus()
    editor.page.keyboard.press("Tab")
    expect(data.table.locator("xpath=..")).to_be_focused()  # the scrollable first rows
    editor.page.keyboard.press("Tab")
    expect(data.column).to_be_focused()
    data.column.select_option("target")
    expect(data.column_cleared).to_be_hidden()
    gallery.create()
    expect(gallery.root).to_be_hidden()
    saved = json.loads((editor_workspace / f"{TEMPLATE}_1.json").read_text())
    assert saved["params"]["data"]["default"] == uri
    assert saved["params"]["label"]["default"] == "target"
    editor.shot("created")


def expect_columns(data, names: list[str]) -> None:
    expect(data.column.locator("option")).to_have_count(len(names) + 1)  # and "choose a column"
    assert data.column_choices() == names


def wine_columns(path: Path) -> list[str]:
    return list(pd.read_csv(path).columns)


def test_refused_files_keep_the_choice_and_store_nothing(editor, data_template, tmp_path):
    gallery, data = editor.templates, editor.template_data
    gbk = tmp_path / "销量.csv"
    gbk.write_bytes("城市,销量\n上海,3\n北京,4\n".encode("gbk"))
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("a,b,c\n1,2,3\n4,5\n", encoding="utf-8")
    before = stored_datasets()
    refusals = {path.name: editor.page.request.post(f"{editor.url}api/datasets", multipart={
        "file": {"name": path.name, "mimeType": "text/csv", "buffer": path.read_bytes()}}) for path in (gbk, ragged)}
    assert {name: answer.status for name, answer in refusals.items()} == {gbk.name: 422, ragged.name: 422}

    open_form(editor)
    data.upload(gbk)
    expect(data.refused).to_be_visible()
    message = refusals[gbk.name].json()["detail"]["message"]
    expect(data.refused).to_have_text(f"{message}. The data chosen before is kept.")
    assert re.search(r"not UTF-8 text \(line 1 ", message)
    # The refused file changed nothing: the sample data and its column stay chosen.
    expect(data.current).to_contain_text("sales.csv")
    assert data.uri() == SAMPLE
    expect(data.column).to_have_value("store")
    editor.shot("refused-gbk")

    # In Chinese, a file dropped on the box: the server's Chinese words.
    gallery.root.get_by_test_id("template-back").click()
    gallery.root.get_by_test_id("templates-close").click()
    editor.top_bar.language("zh")
    gallery.open_gallery()
    python_zh = json.loads(ZH_COMPONENTS.read_text(encoding="utf-8"))["python"]["title"]
    expect(gallery.card(TEMPLATE).locator("svg")).to_have_attribute("aria-label", f"步骤：读取数据 → {python_zh}")
    editor.shot("cards-zh")
    gallery.choose(TEMPLATE)
    expect(data.table).to_be_visible()
    data.drop(ragged)
    expect(data.refused).to_have_text(f"{refusals[ragged.name].json()['detail']['message_zh']}。之前选择的数据保持不变。")
    expect(data.refused).to_contain_text("各行的字段数不一致")
    expect(data.current).to_contain_text("自带示例数据")
    assert data.uri() == SAMPLE
    assert [h[2] for h in data.headers()][:2] == ["文本", "日期"]
    # The picture's titles in Chinese: the Chinese half of a bilingual title, else the component's Chinese title.
    assert step_titles(data.picture) == ["读取数据", python_zh]
    editor.shot("refused-ragged-zh")
    assert stored_datasets() == before


def test_a_slow_upload_shows_how_far_it_got(editor, data_template, tmp_path):
    data = editor.template_data
    big = tmp_path / "big.csv"
    pd.DataFrame({"n": range(150_000), "half": [i / 2 for i in range(150_000)]}).to_csv(big, index=False)
    open_form(editor)
    # A slow line (about 600 KB/s up): the file takes seconds to send, as a 40 MB one does on a real network.
    cdp = editor.page.context.new_cdp_session(editor.page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions",
             {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 600_000})
    data.upload(big)
    # The bar moves: a share sent that is neither nothing nor everything, then a larger one.
    first = wait_for_progress(editor, 1)
    expect(editor.templates.create_button).to_be_disabled()  # until the upload answers: else the old data goes
    editor.shot("uploading")
    assert wait_for_progress(editor, first + 1) > first
    cdp.send("Network.emulateNetworkConditions",
             {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    expect(data.current).to_contain_text("big.csv: 150,000 rows, 2 columns")
    expect(data.progress).to_be_hidden()
    expect(editor.templates.create_button).to_be_enabled()


def wait_for_progress(editor, at_least: int) -> int:
    """The upload bar's percentage once it reaches `at_least` (and is still below 100); its words say the same."""
    handle = editor.page.wait_for_function(
        """(least) => {
            const status = document.querySelector('[data-testid="dataset-progress"]');
            const bar = status && status.querySelector("progress");
            const value = bar && bar.hasAttribute("value") ? Number(bar.value) : -1;
            return value >= least && value < 100 ? [value, status.innerText] : false;
        }""", arg=at_least, timeout=20_000)
    value, words = handle.json_value()
    assert words == f"Uploading big.csv: {value}%"
    return int(value)
