"""A business user runs a template from the gallery: "Run now" with the form's defaults, the steps coloured live,
the results (accuracy in large type, the confusion matrix drawn), then the run again under "My pipelines".

The numbers shown are checked against the run's outputs read through the API, and those against sklearn and
pandas computed from the predictions file the run exported.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from playwright.sync_api import expect
from sklearn.metrics import accuracy_score

from jimu.serving.manager import DeploymentError, stop

TEMPLATE = "cancer_screening"
PIPELINE = f"{TEMPLATE}_1"  # the id the form offers for the first pipeline made from it
LEGEND = {"queued", "running", "success", "failed", "skipped", "upstream_failed"}

# Records, per step of the picture, each state it was coloured by, in order (attribute changes seen by the page).
WATCH_STEPS = """() => {
  window.__stepStates = {};
  const note = (step) => {
    const seen = (window.__stepStates[step.dataset.node] ??= []);
    const state = step.dataset.runState;
    if (seen.at(-1) !== state) seen.push(state);
  };
  document.querySelectorAll('[data-testid="template-step"]').forEach(note);
  new MutationObserver((changes) => changes.forEach((change) => {
    const target = change.target;
    if (target.dataset?.testid === "template-step") note(target);
    target.querySelectorAll?.('[data-testid="template-step"]').forEach(note);
  })).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-run-state"] });
}"""


def api_json(editor, path: str):
    answer = editor.page.request.get(f"{editor.url}api/{path}")
    assert answer.ok, answer.text()
    return answer.json()


@pytest.fixture
def served_model(editor):
    """The template's serve step deploys a model server under the form's default name: stopped afterwards."""
    detail = api_json(editor, f"templates/{TEMPLATE}")
    name = detail["form"]["properties"]["endpoint_name"]["default"]
    yield name
    try:
        stop(name)
    except DeploymentError:  # the gate kept it from being deployed
        pass


def test_run_now_live_states_results_and_my_pipelines(editor, editor_workspace, served_model):
    gallery, runs = editor.templates, editor.template_runs
    card = next(c for c in api_json(editor, "templates") if c["name"] == TEMPLATE)
    detail = api_json(editor, f"templates/{TEMPLATE}")
    steps = {node["id"] for node in detail["preview"]["nodes"]}

    gallery.open_gallery()
    gallery.choose(TEMPLATE)
    expect(gallery.pipeline_id).to_have_value(PIPELINE)
    # Run now checks the form as Create pipeline does: a wrong value is named by its field and nothing is saved.
    gallery.fill("min_accuracy", "3")
    runs.run_now_button.click()
    expect(gallery.field("min_accuracy").get_by_test_id("field-problems")).to_contain_text("between 0 and 1")
    assert not (editor_workspace / f"{PIPELINE}.json").exists()
    gallery.fill("min_accuracy", str(detail["form"]["properties"]["min_accuracy"]["default"]))
    runs.run_now()
    editor.page.evaluate(WATCH_STEPS)
    expect(runs.root.locator("h2")).to_be_focused()  # the keyboard goes on from the new page, not from nowhere

    # While it runs: every step in the picture, some of them running, progress and a Stop button.
    expect(runs.steps).to_have_count(len(steps))
    assert set(runs.step_states()) == steps
    expect(runs.root.locator('[data-run-state="running"]').first).to_be_visible(timeout=120_000)
    expect(runs.stop_button).to_be_visible()
    expect(runs.steps_done).to_contain_text(f"of {len(steps)} steps done")
    editor.shot("running")

    runs.wait_finished("success")
    run_id = runs.run_id()
    run = api_json(editor, f"runs/{run_id}")
    assert run["pipeline"] == PIPELINE and run["state"] == "success"
    # The colours at the end are the states the run recorded; on the way each step showed only real states,
    # and steps were seen queued or running before they succeeded (the page followed the run, not its end).
    assert runs.step_states() == {node: record["state"] for node, record in run["nodes"].items()}
    seen = editor.page.evaluate("window.__stepStates")
    assert set(seen) == steps and all(set(states) <= LEGEND for states in seen.values()), seen
    assert all(states[-1] == "success" for states in seen.values()), seen
    assert sum(len(states) > 1 for states in seen.values()) >= 2, seen
    expect(runs.steps_done).to_have_attribute("data-done", str(len(steps)))
    expect(runs.stop_button).to_have_count(0)

    # The accuracy in large type is the evaluate step's metric, which sklearn computes again from the
    # predictions file the run exported.
    metrics = api_json(editor, f"runs/{run_id}/nodes/evaluate/outputs/metrics")
    accuracy = metrics["metrics"]["accuracy"]
    tile = runs.metric("evaluate", "accuracy")
    expect(tile).to_be_visible()
    assert float(tile.get_attribute("data-value")) == accuracy
    assert float(tile.locator("dd").inner_text()) == pytest.approx(accuracy, abs=5e-5)
    expect(tile.locator("dt")).to_have_text("Accuracy")
    saved = json.loads((editor_workspace / f"{PIPELINE}.json").read_text())
    label = next(node for node in saved["nodes"] if node["component"].startswith("train@"))["params"]["label"]
    (exported,) = run["nodes"]["export"]["exports"]
    predictions = pd.read_csv(exported)
    assert accuracy_score(predictions[label], predictions["prediction"]) == pytest.approx(accuracy, abs=1e-12)

    # The confusion matrix is drawn, and its numbers (the chart's inline data) are pandas' crosstab of the file.
    chart = next(c for c in metrics["charts"] if c["name"] == "confusion_matrix")
    cells = {(v["actual"], v["predicted"]): v["count"] for v in chart["spec"]["data"]["values"]}
    crosstab = pd.crosstab(predictions[label], predictions["prediction"])
    assert cells == {(str(a), str(p)): int(crosstab.loc[a, p]) for a in crosstab.index for p in crosstab.columns}
    confusion = runs.chart("confusion_matrix")
    expect(confusion.locator("svg")).to_be_visible()
    assert sorted(int(text) for text in runs.chart_texts("confusion_matrix", "mark")) == sorted(cells.values())
    for name in (c["name"] for c in metrics["charts"]):
        expect(runs.chart(name)).to_have_attribute("data-drawn", "true")
    # Each table's first rows, one click away; the last (the exported predictions) open.
    (last_table,) = [t for t in runs.tables.all() if t.get_attribute("open") is not None]
    assert last_table.get_attribute("data-node") == "export"
    expect(last_table.locator("th[data-column='prediction']")).to_be_visible()
    expect(last_table.locator("tbody tr")).to_have_count(5)
    runs.results.scroll_into_view_if_needed()
    editor.shot("results")
    confusion.scroll_into_view_if_needed()
    editor.shot("results-charts")

    # "My pipelines" lists the pipeline under its template's title with this run; opening it shows the same results.
    runs.back_button.click()
    expect(runs.mine_tab).to_have_attribute("aria-selected", "true")
    mine = runs.my_pipeline(PIPELINE)
    expect(mine).to_contain_text(card["title"])
    listed = runs.my_run(PIPELINE, run_id)
    expect(listed).to_have_attribute("data-state", "success")
    editor.shot("my-pipelines")
    listed.focus()
    editor.page.keyboard.press("Enter")
    expect(runs.root).to_have_attribute("data-run", run_id)
    runs.wait_finished("success")
    assert float(runs.metric("evaluate", "accuracy").get_attribute("data-value")) == accuracy
    expect(runs.chart("confusion_matrix").locator("svg")).to_be_visible()

    # "Open as pipeline" puts it on the canvas.
    runs.open_pipeline_button.click()
    expect(gallery.root).to_be_hidden()
    expect(editor.top_bar.picker).to_have_value(PIPELINE)
    editor.canvas.wait_nodes(len(steps))

    # In Chinese: the home's tabs and the listed run's state.
    editor.top_bar.language("zh")
    gallery.open_gallery()
    expect(runs.mine_tab).to_have_text("我的流程")
    runs.mine_tab.click()
    expect(runs.my_run(PIPELINE, run_id)).to_contain_text("成功")
    editor.shot("my-pipelines-zh")


def test_a_failed_step_is_named_with_its_error_and_the_end_of_its_log(editor, editor_workspace):
    """A pipeline made from the template whose data file is gone: "Run again" from My pipelines, and the page says
    which step failed, why, and shows its log's last lines; the steps after it are coloured upstream-failed."""
    runs = editor.template_runs
    made = editor.page.request.post(f"{editor.url}api/templates/{TEMPLATE}/instantiate",
                                    data={"id": "broken_screening", "values": {"trees": 10}})
    assert made.ok, made.text()
    path = editor_workspace / "broken_screening.json"
    pipeline = json.loads(path.read_text())
    loader = next(node for node in pipeline["nodes"] if node["component"].startswith("load_table@"))
    loader["params"]["uri"] = "package://sklearn.datasets/data/no_such_file.csv"
    path.write_text(json.dumps(pipeline))
    title = next(n["title"] for n in api_json(editor, f"templates/{TEMPLATE}")["preview"]["nodes"] if n["id"] == loader["id"])

    editor.templates.open_gallery()
    runs.mine_tab.click()
    expect(runs.my_pipeline("broken_screening")).to_contain_text("Not run yet.")
    runs.my_pipeline("broken_screening").get_by_test_id("my-run-again").click()
    runs.wait_finished("failed")
    run = api_json(editor, f"runs/{runs.run_id()}")
    assert run["nodes"][loader["id"]]["state"] == "failed"
    assert runs.step_states() == {node: record["state"] for node, record in run["nodes"].items()}
    assert set(runs.step_states().values()) == {"failed", "upstream_failed"}
    expect(runs.steps_done).to_have_attribute("data-done", "0")

    failure = runs.failure.locator(f'section[data-node="{loader["id"]}"]')
    expect(failure.locator("h3")).to_have_text(f"Step “{title}” failed")
    shown = failure.get_by_test_id("template-step-error").inner_text()
    recorded = run["nodes"][loader["id"]]
    assert shown in recorded["error"] and "no_such_file.csv" in shown
    assert "log:" not in shown and not shown.startswith("node ")  # the runner's lead and the log's path are gone
    last_line = recorded["log_tail"].strip().splitlines()[-1]
    expect(failure.get_by_test_id("template-step-log")).to_contain_text(last_line)
    expect(runs.results).to_contain_text("This run wrote no tables or metrics.")
    editor.shot("failed")
