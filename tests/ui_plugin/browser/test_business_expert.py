"""Issue 11's "done when", played by a business expert who writes no code, from the editor alone:
open the gallery, pick the classification template, upload their own CSV, choose the column to predict
from the dropdown, run it, read the accuracy and the confusion matrix picture, then schedule it.

What the page shows is checked against what the run wrote (read through the API) and against an
independent computation: sklearn's accuracy and pandas' crosstab of the exported predictions, and the
uploaded file as pandas reads it. The scheduled DAG is loaded by Airflow's own DagBag.
Its screenshots illustrate the README's gallery walkthrough (`make gallery-shots` copies them to docs/gallery/).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect
from sklearn.datasets import load_wine
from sklearn.metrics import accuracy_score

from jimu.serving.manager import DeploymentError, stop
from tests.ui_plugin.browser.test_guide import guide_shot
from tests.ui_plugin.browser.test_schedule_template import loaded_dag

TEMPLATE = "classification"
SERVICE = "my_wines"  # the served model's name the expert types: stopped after the test
GRAPES = {0: "barolo", 1: "grignolino", 2: "barbera"}


def their_csv(folder: Path) -> tuple[Path, pd.DataFrame]:
    """The expert's own file: wines with their measurements, a text column (the cellar) and the grape as words."""
    wine = load_wine(as_frame=True).frame
    frame = wine.rename(columns=lambda name: name.replace("/", "_per_"))
    frame.insert(0, "cellar", ["north" if i % 3 else "south" for i in range(len(frame))])
    frame["grape"] = frame.pop("target").map(GRAPES)
    path = folder / "my_wines.csv"
    frame.to_csv(path, index=False)
    return path, frame


def api_json(editor, path: str):
    answer = editor.page.request.get(f"{editor.url}api/{path}")
    assert answer.ok, answer.text()
    return answer.json()


@pytest.fixture
def served_name():
    yield SERVICE
    try:
        stop(SERVICE)
    except DeploymentError:  # the gate held the model back: nothing to stop
        pass


def test_a_business_expert_runs_a_template_on_their_csv_reads_the_results_and_schedules_it(
        editor, editor_config, tmp_path, served_name):
    gallery, data, runs, schedule = editor.templates, editor.template_data, editor.template_runs, editor.schedule
    csv, frame = their_csv(tmp_path)
    card = next(c for c in api_json(editor, "templates") if c["name"] == TEMPLATE)
    assert card["category"] == "classification"

    # The gallery, the classification card.
    editor.goto()
    gallery.open_gallery()
    expect(gallery.card(TEMPLATE)).to_contain_text(card["title"])
    guide_shot(editor, "01-gallery")
    gallery.choose(TEMPLATE)
    expect(gallery.form).to_be_visible()
    pipeline_id = gallery.pipeline_id.input_value()

    # Their own CSV: the first rows and each column's type are shown; the dropdown offers its columns.
    sample = api_json(editor, f"templates/{TEMPLATE}")["form"]["properties"]["data"]["default"]
    expect(data.dataset).to_have_attribute("data-uri", sample)  # the template's own sample data, until theirs
    data.upload(csv)
    expect(data.dataset).to_have_attribute("data-uri", re.compile(r"/table\.parquet$"), timeout=60_000)
    uploaded = api_json(editor, f"datasets/describe?uri={data.uri()}")
    assert uploaded["rows"] == len(frame) and [c["name"] for c in uploaded["columns"]] == list(frame.columns)
    assert [name for name, _, _ in data.headers()] == list(frame.columns)
    assert dict((name, kind) for name, kind, _ in data.headers())["grape"] == "text"
    assert data.rows()[0][0] == frame.iloc[0]["cellar"]
    assert data.column_choices() == list(frame.columns)
    data.column.select_option("grape")
    gallery.fill("endpoint_name", SERVICE)
    guide_shot(editor, "02-their-data")

    # Run now: the steps follow the run; the results are numbers and pictures.
    runs.run_now()
    runs.wait_finished("success")
    run_id = runs.run_id()
    run = api_json(editor, f"runs/{run_id}")
    assert run["state"] == "success" and run["pipeline"] == pipeline_id
    metrics = api_json(editor, f"runs/{run_id}/nodes/evaluate/outputs/metrics")
    (exported,) = run["nodes"]["export"]["exports"]
    predictions = pd.read_csv(exported)
    # The held-out rows are their wines, named by their grapes: the model learnt from the upload.
    assert set(predictions["grape"]) == set(GRAPES.values()) and len(predictions) < len(frame)
    accuracy = accuracy_score(predictions["grape"], predictions["prediction"])
    assert metrics["metrics"]["accuracy"] == pytest.approx(accuracy, abs=1e-12)
    tile = runs.metric("evaluate", "accuracy")
    expect(tile).to_be_visible()
    assert float(tile.locator("dd").inner_text()) == pytest.approx(accuracy, abs=5e-5)

    confusion = runs.chart("confusion_matrix")
    expect(confusion.locator("svg")).to_be_visible()
    expect(confusion).to_have_attribute("data-drawn", "true")
    crosstab = pd.crosstab(predictions["grape"], predictions["prediction"])
    drawn = sorted(int(text) for text in runs.chart_texts("confusion_matrix", "mark"))
    assert drawn == sorted(int(crosstab.loc[a, p]) for a in crosstab.index for p in crosstab.columns)
    confusion.scroll_into_view_if_needed()
    guide_shot(editor, "03-results")

    # Schedule it: back to the template, the same data (now in the list of uploads) and column, every day.
    runs.back_button.click()
    runs.templates_tab.click()
    gallery.choose(TEMPLATE)
    data.pick.select_option(uploaded["uri"])
    expect(data.dataset).to_have_attribute("data-uri", uploaded["uri"])
    data.column.select_option("grape")
    gallery.fill("endpoint_name", SERVICE)
    scheduled_id = gallery.pipeline_id.input_value()
    schedule.open()
    schedule.preset.select_option("@daily")
    expect(schedule.next.locator("li")).to_have_count(5)
    guide_shot(editor, "04-schedule")
    schedule.confirm()
    expect(schedule.done).to_be_visible()
    dag_id = f"{scheduled_id}.local"
    expect(schedule.dag_id).to_have_text(dag_id)
    editor.shot("05-scheduled")

    dag = loaded_dag(editor_config.dags_folder / f"{dag_id}.py", dag_id)
    assert dag.schedule == "@daily" and dag.is_paused_upon_creation is False
    params = dag.params.dump()
    assert (params["data"], params["label"], params["endpoint_name"]) == (uploaded["uri"], "grape", SERVICE)
    saved = json.loads((editor_config.workspace / f"{scheduled_id}.json").read_text())
    assert saved["template"] == card["ref"] and saved["schedule"] == "@daily"
