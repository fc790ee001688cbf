"""Charts in the output preview: run a screening pipeline (the cancer_screening template's load, split, train
and evaluate, plus profile) from the editor, and read the confusion matrix and a histogram as pictures.

The numbers drawn are checked against the port's own preview (whose numbers tests/components check against
sklearn and numpy); the picture is checked in English and in Chinese.
"""

from __future__ import annotations

import json

import httpx
import pytest
from playwright.sync_api import expect

from tests.conftest import REPO

PIPELINE_ID = "screening_charts"
TEMPLATE = REPO / "templates" / "cancer_screening" / "pipeline.json"


@pytest.fixture
def api(editor_url, editor_workspace):
    with httpx.Client(base_url=editor_url, timeout=30) as client:
        yield client


def screening_pipeline(catalog) -> dict:
    """The template's load, split, train and evaluate nodes as it pins them, plus a profile of the loaded rows."""
    template = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    nodes = {node["id"]: node for node in template["nodes"]}
    nodes["train"]["params"]["hyperparams"]["n_estimators"] = 20
    profile = {"id": "profile", "component": f"profile@{catalog.versions('profile')[-1]}", "params": {"bins": 12}}
    keep = ["load_cancer", "split", "train", "evaluate"]
    return {
        "id": PIPELINE_ID,
        "title": "Screening with charts",
        "nodes": [nodes[name] for name in keep] + [profile],
        "edges": [{"from": "load_cancer.table", "to": "split.table"},
                  {"from": "load_cancer.table", "to": "profile.table"},
                  {"from": "split.train", "to": "train.table"},
                  {"from": "train.model", "to": "evaluate.model"},
                  {"from": "split.test", "to": "evaluate.table"}],
        "editor": {"positions": {name: {"x": 260 * i, "y": 0} for i, name in enumerate([*keep, "profile"])}},
    }


def test_the_run_tab_draws_the_confusion_matrix_and_the_profile(editor, api, catalog):
    api.post("api/pipelines", json=screening_pipeline(catalog)).raise_for_status()
    editor.goto(f"#pipeline={PIPELINE_ID}")
    editor.reload()
    editor.canvas.wait_nodes(5)
    run, pane = editor.run, editor.run.pane

    run.button.click()
    run.dialog.start_button.click()
    pane.wait_finished("success")
    run_id = pane.history.first.get_attribute("data-run")
    metrics = api.get(f"api/runs/{run_id}/nodes/evaluate/outputs/metrics").json()
    matrix, labels = metrics["metrics"]["confusion_matrix"], metrics["metrics"]["confusion_labels"]
    assert [chart["name"] for chart in metrics["charts"]] == ["confusion_matrix", "feature_importance", "roc_curve"]

    # The evaluate node: its metrics table, and beside it the confusion matrix drawn with the same counts.
    pane.pick("evaluate")
    expect(pane.metrics).to_be_visible()
    expect(pane.metrics).to_contain_text("accuracy")
    confusion = pane.chart("confusion_matrix")
    expect(confusion.locator("svg")).to_be_visible()
    expect(confusion.locator("figcaption")).to_have_text("Confusion matrix")
    drawn = sorted(int(text) for text in pane.chart_texts("confusion_matrix", "mark"))
    assert drawn == sorted(count for row in matrix for count in row) and sum(drawn) == sum(map(sum, matrix))
    assert set(pane.chart_texts("confusion_matrix", "axis-label")) == {str(label) for label in labels}
    assert set(pane.chart_texts("confusion_matrix", "axis-title")) == {"Predicted", "Actual"}
    expect(pane.chart("roc_curve").locator("figcaption")).to_contain_text("ROC curve (AUC 0.9")
    expect(pane.chart("feature_importance").locator("svg")).to_have_count(1)
    confusion.scroll_into_view_if_needed()
    editor.shot("evaluate-charts")

    # In Chinese: captions and axis titles follow the language; the numbers stay.
    editor.top_bar.language("zh")
    expect(pane.chart("confusion_matrix").locator("figcaption")).to_have_text("混淆矩阵")
    expect(pane.chart("confusion_matrix").locator("svg g.role-axis-title text").first).to_have_text("预测")
    assert sorted(int(text) for text in pane.chart_texts("confusion_matrix", "mark")) == drawn
    editor.shot("evaluate-charts-chinese")
    editor.top_bar.language("en")

    # The profile node: its table, the missing values and one histogram per column.
    pane.pick("profile")
    expect(pane.grid).to_be_visible()
    profile = api.get(f"api/runs/{run_id}/nodes/profile/outputs/profile").json()
    first = next(chart for chart in profile["charts"] if chart["name"] == "distribution_000")
    column = first["spec"]["usermeta"]["jimu"]["column"]
    histogram = pane.chart("distribution_000")
    expect(histogram.locator("figcaption")).to_have_text(f"Distribution of {column}")
    expect(histogram.locator("svg g.role-mark path")).to_have_count(12)  # one bar per bin
    expect(pane.chart("missing_values").locator("svg")).to_have_count(1)
    histogram.scroll_into_view_if_needed()
    editor.shot("profile-charts")
