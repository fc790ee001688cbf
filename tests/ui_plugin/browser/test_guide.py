"""A new user's first pipeline, through the UI only: build, fill in, check, save, run, read the result.

It is also the README's illustrated guide: with JIMU_GUIDE_SHOTS=<folder> (`make guide-shots`) its
screenshots are copied there under stable names (docs/editor/ in the repository).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect
from sklearn.datasets import load_wine

from jimu.validate import validate_pipeline_json
from tests.ui_plugin.browser.pages.run import RUN_SECONDS

QUERY = ("SELECT cultivar, alcohol, proline\nFROM load_table\nWHERE alcohol >= 13.5\n"
         "ORDER BY alcohol DESC, proline DESC")


@pytest.fixture
def refs(catalog) -> dict[str, str]:
    return {name: f"{name}@{catalog.versions(name)[-1]}" for name in ("load_table", "sql", "write_table")}


@pytest.fixture
def wine_csv(tmp_path) -> Path:
    """scikit-learn's wine data as a CSV with a header row: the file a user would bring."""
    wines = load_wine(as_frame=True).frame.rename(columns={"target": "cultivar"})
    wines = wines.rename(columns={"od280/od315_of_diluted_wines": "od280_od315"})
    path = tmp_path / "wines.csv"
    wines.to_csv(path, index=False)
    return path


def by_pandas(path: Path) -> pd.DataFrame:
    wines = pd.read_csv(path)
    strong = wines[wines["alcohol"] >= 13.5][["cultivar", "alcohol", "proline"]]
    return strong.sort_values(["alcohol", "proline"], ascending=False).reset_index(drop=True)


def guide_shot(editor, name: str) -> None:
    """A screenshot of this step; also copied to $JIMU_GUIDE_SHOTS as `<name>.png` when that is set."""
    path = editor.shot(name)
    folder = os.environ.get("JIMU_GUIDE_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, Path(folder) / f"{name}.png")


def test_a_first_pipeline_from_an_empty_editor_to_its_result(editor, editor_workspace, catalog, refs, wine_csv):
    guide_shot(editor, "1-start")
    editor.pipelines.open_list()
    editor.pipelines.create("strong_wines")
    expect(editor.top_bar.picker).to_have_value("strong_wines")

    # Build: drag three components onto the canvas and wire their ports.
    canvas = editor.canvas
    for ref, (x, y) in zip(refs.values(), [(30, 90), (230, 230), (430, 370)], strict=True):
        canvas.drop(editor.palette.item(ref), x, y)
    canvas.wait_nodes(3)
    canvas.connect("load_table", "table", "sql", "tables")
    canvas.connect("sql", "table", "write_table", "table")
    expect(canvas.edges).to_have_count(2)
    # Arrange lays the nodes out left to right (elkjs); fit brings them all into view.
    editor.canvas_tools.arrange.click()
    editor.page.wait_for_function(
        """() => {
            const x = id => document.querySelector(`.react-flow__node[data-id="${id}"]`)?.getBoundingClientRect().x;
            return x("load_table") < x("sql") && x("sql") < x("write_table");
        }""")
    editor.canvas_tools.fit.click()
    # The validator says what is missing, on the nodes and in the problems list.
    problems = editor.page.get_by_test_id("tab-problems")
    expect(problems).to_contain_text("(")
    problems.click()
    expect(canvas.node("load_table").get_by_test_id("node-problems")).to_be_visible()
    # Run waits for the params the validator asks for, and says so.
    expect(editor.run.button).to_be_disabled()
    expect(editor.page.get_by_test_id("run-blocked")).to_have_text("Fix 2 errors first")
    guide_shot(editor, "2-built")

    # Fill in: the file to read, then the query.
    canvas.node("load_table").click()
    editor.inspector.wait_for("load_table")
    editor.inspector.control("params.uri").fill(str(wine_csv))
    guide_shot(editor, "3-inspector")
    canvas.node("sql").click()
    editor.inspector.wait_for("sql")
    editor.inspector.sql.replace_text(QUERY)
    editor.page.keyboard.press("Escape")  # close the completion popup
    expect(editor.page.get_by_test_id("problems")).to_have_count(0)  # the list gives way to "no problems"
    expect(canvas.page.get_by_test_id("node-problems")).to_have_count(0)
    guide_shot(editor, "4-sql")

    # Save: the file is what `jimu validate` accepts, and a reload brings back the same pipeline.
    editor.top_bar.save_with_keyboard()
    saved_bytes = (editor_workspace / "strong_wines.json").read_bytes()
    report = validate_pipeline_json(saved_bytes, catalog)
    assert report.ok, report.issues
    shown = {node: canvas.position(node) for node in canvas.node_ids()}
    editor.reload()
    canvas.wait_nodes(3)
    assert {node: canvas.position(node) for node in canvas.node_ids()} == {
        node: (round(x), round(y)) for node, (x, y) in shown.items()}
    assert canvas.edge_ids() == ["load_table.table->sql.tables", "sql.table->write_table.table"]
    assert (editor_workspace / "strong_wines.json").read_bytes() == saved_bytes

    # Run, and watch every node turn green.
    run = editor.run
    expect(run.button).to_be_enabled()
    run.button.click()
    run.dialog.start_button.click()
    run.pane.wait_finished("success")
    for node in ("load_table", "sql", "write_table"):
        expect(run.node_state(node)).to_have_attribute("data-run-state", "success", timeout=RUN_SECONDS)

    # Read the result: the SQL node's first rows equal pandas' answer on the same file.
    run.pane.pick("sql")
    expect(run.pane.grid).to_be_visible()
    expected = by_pandas(wine_csv)
    expect(run.pane.row_count).to_have_attribute("data-rows", str(len(expected)))
    shown = run.pane.rows()
    assert shown and len(shown) <= len(expected)
    for cells, (_, row) in zip(shown, expected.head(len(shown)).iterrows(), strict=True):
        assert [float(cell) for cell in cells] == pytest.approx([float(value) for value in row.tolist()])
    guide_shot(editor, "5-run")

    # What will be deployed: the DAG file beside the canvas.
    run.code.show()
    assert any("JimuPodOperator" in line for line in run.code.dag_source("kubernetes"))
    guide_shot(editor, "6-code")
    run.code.toggle.click()

    editor.top_bar.language("zh")
    expect(editor.palette.heading).to_have_text("组件")
    guide_shot(editor, "7-chinese")
