"""Run a pipeline from the editor and watch it: node colours, the run log, a failed node and its rerun,
the output preview (checked against pandas on the same file), the history and the code view.

Runs go through the cold executor (several seconds each), so the whole story takes two runs.
"""

from __future__ import annotations

import importlib.resources
import re

import httpx
import pandas as pd
import pytest
from playwright.sync_api import expect

from tests.ui_plugin.browser.pages.run import RUN_SECONDS

PIPELINE_ID = "run_watch"
WINE_URI = "package://sklearn.datasets/data/wine_data.csv"
WINE_COLUMNS = ["alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols", "flavanoids",
                "nonflavanoid_phenols", "proanthocyanins", "color_intensity", "hue", "od280_od315", "proline", "cultivar"]
QUERY = ("SELECT cultivar, alcohol, proline, color_intensity\nFROM load_wine\nWHERE alcohol >= :min_alcohol\n"
         "ORDER BY alcohol DESC, proline DESC, color_intensity DESC")
SORT_KEY = ["alcohol", "proline", "color_intensity"]
MIN_ALCOHOL = 13.5  # typed into the run dialog over the default 13.0
PREVIEW_ROWS = 20
ARROW_TYPES = {"int64": "int64", "float64": "double"}


@pytest.fixture
def refs(catalog) -> dict[str, str]:
    """The newest published version of each component the pipeline uses."""
    return {name: f"{name}@{catalog.versions(name)[-1]}" for name in ("load_table", "sql", "write_table")}


@pytest.fixture
def api(editor_url, editor_workspace):
    with httpx.Client(base_url=editor_url, timeout=30) as client:
        yield client


def wine_pipeline(refs: dict[str, str], uri: str) -> dict:
    """load_table -> sql -> write_table over the wine data, with the SQL's threshold as a pipeline param."""
    return {
        "id": PIPELINE_ID,
        "title": "Strong wines",
        "params": {"min_alcohol": {"type": "number", "minimum": 0, "maximum": 20, "default": 13.0,
                                   "title": "Minimum alcohol"}},
        "nodes": [
            {"id": "load_wine", "component": refs["load_table"],
             "params": {"uri": uri, "skip_rows": 1, "has_header": False, "column_names": WINE_COLUMNS}},
            {"id": "strong_wines", "component": refs["sql"], "params": {"query": QUERY}},
            {"id": "export", "component": refs["write_table"], "params": {"uri": f"{PIPELINE_ID}/strong.csv"}},
        ],
        "edges": [{"from": "load_wine.table", "to": "strong_wines.tables"},
                  {"from": "strong_wines.table", "to": "export.table"}],
        "editor": {"positions": {"load_wine": {"x": 0, "y": 0}, "strong_wines": {"x": 280, "y": 0},
                                 "export": {"x": 560, "y": 0}}},
    }


def open_saved(editor, nodes: int = 3, pipeline_id: str = PIPELINE_ID) -> None:
    """Open the pipeline saved through the API (after the page loaded): a load of its address."""
    editor.goto(f"#pipeline={pipeline_id}")
    editor.reload()  # changing only the fragment does not load the page again
    editor.canvas.wait_nodes(nodes)


def without_hash(lines: list[str]) -> list[str]:
    return [line for line in lines if not line.startswith("# spec-sha256:")]


def strong_wines_by_pandas() -> pd.DataFrame:
    """The SQL node's result, computed apart: pandas on the same CSV file."""
    path = importlib.resources.files("sklearn.datasets") / "data" / "wine_data.csv"
    wines = pd.read_csv(path, skiprows=1, header=None, names=WINE_COLUMNS)
    strong = wines[wines["alcohol"] >= MIN_ALCOHOL][["cultivar", "alcohol", "proline", "color_intensity"]]
    assert not strong.duplicated(SORT_KEY).any(), "the ORDER BY must give one order, or the rows cannot be compared"
    return strong.sort_values(SORT_KEY, ascending=False).reset_index(drop=True)


def test_run_fail_rerun_preview_history_and_code(editor, api, refs):
    api.post("api/pipelines", json=wine_pipeline(refs, "/nonexistent/wine_data.csv")).raise_for_status()
    open_saved(editor)
    run, pane = editor.run, editor.run.pane

    # Run: the dialog's form comes from the pipeline's params, with their defaults.
    run.button.click()
    expect(run.dialog.param("min_alcohol")).to_have_value("13")
    run.dialog.param("min_alcohol").fill(str(MIN_ALCOHOL))
    editor.shot("run-dialog")
    run.dialog.start_button.click()
    expect(run.dialog.root).to_be_hidden()
    expect(pane.root).to_be_visible()  # the run tab opens by itself
    expect(pane.legend).to_contain_text("upstream failed")

    # The file is missing: the load fails, and what reads from it never runs.
    pane.wait_finished("failed")
    expect(run.node_state("load_wine")).to_have_attribute("data-run-state", "failed")
    for node in ("strong_wines", "export"):
        expect(run.node_state(node)).to_have_attribute("data-run-state", "upstream_failed")
    expect(run.node_state("load_wine")).to_have_class(re.compile(r"\brun-failed\b"))
    pane.pick("load_wine")
    expect(pane.node_error).to_contain_text("nonexistent")
    editor.shot("failed-run")

    # Fixed elsewhere (through the API), then the page reloaded: the history still has the failed run.
    current = api.get(f"api/pipelines/{PIPELINE_ID}")
    api.put(f"api/pipelines/{PIPELINE_ID}", json=wine_pipeline(refs, WINE_URI),
            headers={"If-Match": current.headers["ETag"]}).raise_for_status()
    editor.reload()
    editor.canvas.wait_nodes(3)
    pane.open()
    expect(pane.history).to_have_count(1)
    expect(pane.history.first).to_have_attribute("data-state", "failed")
    pane.history.first.click()
    pane.wait_finished("failed")
    expect(run.node_state("load_wine")).to_have_attribute("data-run-state", "failed")

    # Rerun from the failed node, with the pipeline as it is now: every node turns green.
    pane.rerun_button("load_wine").click()
    pane.wait_finished("success")
    for node in ("load_wine", "strong_wines", "export"):
        expect(run.node_state(node)).to_have_attribute("data-run-state", "success")
    expect(pane.duration).to_have_text(re.compile(r"^\d+(\.\d)? s$|min"))
    expect(pane.run_log).to_contain_text("strong_wines")
    expect(pane.history).to_have_count(2)
    expect(pane.history.first).to_have_attribute("data-state", "success")
    expect(pane.history.first).to_contain_text("load_wine")  # "rerun from load_wine"
    expect(pane.history.nth(1)).to_have_attribute("data-state", "failed")
    editor.shot("rerun-succeeded")

    # The SQL node's output: the first rows, the column types and the row count equal pandas' answer
    # (with the 13.5 typed into the dialog: a rerun keeps the earlier run's param values).
    pane.pick("strong_wines")
    expect(pane.grid).to_be_visible()
    expected = strong_wines_by_pandas()
    assert pane.columns() == [(name, ARROW_TYPES[str(dtype)]) for name, dtype in expected.dtypes.items()]
    expect(pane.row_count).to_have_attribute("data-rows", str(len(expected)))
    shown = pane.rows()
    assert len(shown) == min(PREVIEW_ROWS, len(expected))
    for cells, (_, row) in zip(shown, expected.head(len(shown)).iterrows(), strict=True):
        assert [float(cell) for cell in cells] == pytest.approx([float(value) for value in row.tolist()])
    editor.shot("output-preview")
    pane.view("log")
    expect(pane.node_log).to_contain_text("success")

    # The code view: the DAG source for both profiles, as POST /api/compile gives it for the saved file.
    saved = api.get(f"api/pipelines/{PIPELINE_ID}").content
    run.code.show()
    for profile, operator in (("local", "JimuComponentOperator"), ("kubernetes", "JimuPodOperator")):
        compiled = api.post(f"api/compile?profile={profile}", content=saved,
                            headers={"Content-Type": "application/json"}).json()
        assert PIPELINE_ID in compiled["dag_id"]
        lines = run.code.dag_source(profile)
        assert f"# dag-id: {compiled['dag_id']}" in lines
        assert any(operator in line for line in lines), lines
        # All but the hash: JavaScript writes the param default 13.0 as 13, which the hash tells apart.
        assert without_hash(lines[:12]) == without_hash(compiled["source"].splitlines()[:12])
        editor.shot(f"code-{profile}")
    run.code.tab("json")
    expect(run.code.root.locator(".cm-content")).to_contain_text(f'"id": "{PIPELINE_ID}"')

    editor.top_bar.language("zh")
    expect(pane.state).to_have_text("成功")
    expect(pane.legend).to_contain_text("上游失败")
    editor.shot("run-pane-chinese")


def test_code_view_lists_the_issues_when_the_pipeline_does_not_compile(editor, api, refs):
    pipeline = wine_pipeline(refs, WINE_URI)
    del pipeline["nodes"][1]["params"]["query"]
    api.post("api/pipelines", json=pipeline).raise_for_status()
    open_saved(editor)
    editor.run.code.show()
    expect(editor.run.code.issues).to_contain_text("strong_wines")
    expect(editor.run.code.issues).to_contain_text("query")
    editor.shot("code-issues")


def test_stop_ends_a_running_run(editor, api, catalog):
    sleeper = "import time\ndef transform(tables, params):\n    print('sleeping now', flush=True)\n    time.sleep(600)\n"
    pipeline = {"id": "run_stop", "nodes": [{"id": "slow", "component": f"python@{catalog.versions('python')[-1]}",
                                              "params": {"code": sleeper}}], "edges": []}
    api.post("api/pipelines", json=pipeline).raise_for_status()
    open_saved(editor, nodes=1, pipeline_id="run_stop")
    run, pane = editor.run, editor.run.pane

    run.button.click()
    expect(run.dialog.root).to_contain_text("no params")
    run.dialog.start_button.click()
    expect(pane.run_log).to_contain_text("sleeping now", timeout=RUN_SECONDS)  # printed while it runs
    expect(run.node_state("slow")).to_have_attribute("data-run-state", "running")
    # Counting up while it runs, in whichever form its length takes by now ("8.3 s", "12 s", "1 min 05 s"):
    # a slow start under load must not decide which.
    expect(pane.duration).to_have_text(re.compile(r"^(\d+\.\d s|\d+ s|\d+ min \d\d s)$"))
    expect(pane.duration).not_to_have_text(pane.duration.inner_text(), timeout=5_000)
    editor.shot("running")
    pane.stop_button.click()
    pane.wait_finished("stopped")
    expect(pane.stop_button).to_be_hidden()
    expect(run.node_state("slow")).not_to_have_attribute("data-run-state", "running")
    editor.shot("stopped")
