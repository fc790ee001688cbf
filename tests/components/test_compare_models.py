"""compare_models: the challenger passes only when it beats the served champion on the same rows, by scores
that equal scikit-learn's own, computed here apart; the champion is found through the deployment's record."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from jimu.runtime.exit_codes import FATAL_EXIT_CODE, SKIP_EXIT_CODE
from jimu.runtime.models import CARD_FILE, MODEL_FILE, write_model
from jimu.runtime.served import DEPLOYMENTS_ENV, RECORD_FILE
from tests.components.charts import charts_of


def split(data) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    frame = data.frame.rename(columns=lambda c: c.replace(" ", "_"))
    train, test = train_test_split(frame, test_size=0.3, random_state=0)
    return train, test, [c for c in frame.columns if c != "target"]


@pytest.fixture(scope="module")
def cancer(tmp_path_factory):
    """Binary classifiers on breast cancer: a forest (strong), a stump (weak), one on 3 features only."""
    train, test, features = split(load_breast_cancer(as_frame=True))
    root = tmp_path_factory.mktemp("cancer")
    models = {}
    for name, model, columns in [
        ("forest", RandomForestClassifier(n_estimators=30, random_state=0), features),
        ("stump", DecisionTreeClassifier(max_depth=1, random_state=0), features),
        ("three", DecisionTreeClassifier(max_depth=3, random_state=0), features[:3]),
    ]:
        model.fit(train[columns], train["target"])
        card = {"task": "classification", "features": columns, "label": "target", "classes": [0, 1]}
        write_model(str(root / name), model, card)
        models[name] = (str(root / name), model, columns)
    return models, test


@pytest.fixture(scope="module")
def diabetes(tmp_path_factory):
    """Regressors on diabetes: a linear model (small errors), a stump (large errors)."""
    train, test, features = split(load_diabetes(as_frame=True))
    root = tmp_path_factory.mktemp("diabetes")
    models = {}
    for name, model in [("linear", LinearRegression()), ("stump", DecisionTreeRegressor(max_depth=1, random_state=0))]:
        model.fit(train[features], train["target"])
        write_model(str(root / name), model, {"task": "regression", "features": features, "label": "target"})
        models[name] = (str(root / name), model, features)
    return models, test


def serve(jimu_home: Path, deployment: str, model_uri: str) -> None:
    """The record jimu.serving.manager keeps for a served name (its other fields do not matter here)."""
    folder = jimu_home / "deployments" / deployment
    folder.mkdir(parents=True)
    (folder / RECORD_FILE).write_text(json.dumps({"name": deployment, "model_uri": model_uri}), encoding="utf-8")


def sklearn_score(metric: str, entry, test: pd.DataFrame) -> float:
    _, model, columns = entry
    x, y = test[columns], test["target"]
    return {
        "accuracy": lambda: skm.accuracy_score(y, model.predict(x)),
        "f1_macro": lambda: skm.f1_score(y, model.predict(x), average="macro"),
        "roc_auc": lambda: skm.roc_auc_score(y, model.predict_proba(x)[:, 1]),
        "r2": lambda: skm.r2_score(y, model.predict(x)),
        "rmse": lambda: float(np.sqrt(np.mean((y - model.predict(x)) ** 2))),
        "mae": lambda: skm.mean_absolute_error(y, model.predict(x)),
    }[metric]()


def compare(run_component, models, test, challenger: str, metric: str, **params):
    inputs = {"model": models[challenger][0], "table": test}
    return run_component("compare_models", {"deployment": "screening", "metric": metric, **params}, inputs)


def assert_passed_unchanged(run, challenger_uri: str) -> None:
    assert run.exit_code == 0, run.result
    for name in (MODEL_FILE, CARD_FILE):
        assert (Path(run.outputs["model"]) / name).read_bytes() == (Path(challenger_uri) / name).read_bytes()


def test_nothing_served_yet_lets_the_challenger_be_the_first(run_component, cancer, jimu_home):
    models, test = cancer
    run = compare(run_component, models, test, "stump", "accuracy")
    assert_passed_unchanged(run, models["stump"][0])
    metrics = run.metrics()
    assert metrics["challenger"] == pytest.approx(sklearn_score("accuracy", models["stump"], test), abs=1e-12)
    assert "champion" not in metrics and metrics["rows"] == len(test)
    chart = charts_of(run, "metrics")["model_comparison"]
    assert chart["data"]["values"] == [{"model": "challenger", "score": metrics["challenger"]}]


@pytest.mark.parametrize("metric", ["accuracy", "f1_macro", "roc_auc"])
def test_a_better_challenger_passes_with_both_scores_as_sklearn_gives_them(run_component, cancer, jimu_home, metric):
    models, test = cancer
    serve(jimu_home, "screening", models["stump"][0])
    run = compare(run_component, models, test, "forest", metric)
    assert_passed_unchanged(run, models["forest"][0])
    metrics = run.metrics()
    challenger, champion = (sklearn_score(metric, models[m], test) for m in ("forest", "stump"))
    assert challenger > champion
    assert metrics["challenger"] == pytest.approx(challenger, abs=1e-12)
    assert metrics["champion"] == pytest.approx(champion, abs=1e-12)
    assert metrics["improvement"] == pytest.approx(challenger - champion, abs=1e-12)
    assert metrics["champion_model_uri"] == models["stump"][0] and metrics["higher_is_better"] is True
    chart = charts_of(run, "metrics")["model_comparison"]
    assert chart["data"]["values"] == [{"model": "challenger", "score": metrics["challenger"]},
                                       {"model": "champion", "score": metrics["champion"]}]


def test_a_worse_challenger_is_held_back_saying_both_scores(run_component, cancer, jimu_home, capfd):
    models, test = cancer
    serve(jimu_home, "screening", models["forest"][0])
    run = compare(run_component, models, test, "stump", "accuracy")
    assert run.exit_code == SKIP_EXIT_CODE
    challenger, champion = (sklearn_score("accuracy", models[m], test) for m in ("stump", "forest"))
    reason = (f"the challenger's accuracy {challenger:.6g} does not beat the champion's {champion:.6g} "
              "(served as 'screening', higher is better) by the margin 0: the champion stays in service")
    assert run.result == {"skipped": reason}
    assert reason in capfd.readouterr().err
    assert not Path(run.outputs["model"]).exists()
    assert run.metrics()["improvement"] == pytest.approx(challenger - champion, abs=1e-12)


@pytest.mark.parametrize("metric", ["rmse", "mae"])
def test_errors_are_better_when_lower(run_component, diabetes, jimu_home, metric):
    models, test = diabetes
    linear, stump = sklearn_score(metric, models["linear"], test), sklearn_score(metric, models["stump"], test)
    assert linear < stump
    serve(jimu_home, "screening", models["stump"][0])
    run = compare(run_component, models, test, "linear", metric)
    assert_passed_unchanged(run, models["linear"][0])
    metrics = run.metrics()
    assert metrics["challenger"] == pytest.approx(linear, rel=1e-12)
    assert metrics["champion"] == pytest.approx(stump, rel=1e-12)
    assert metrics["improvement"] == pytest.approx(stump - linear, rel=1e-9) and metrics["higher_is_better"] is False


def test_a_higher_error_is_held_back(run_component, diabetes, jimu_home):
    models, test = diabetes
    serve(jimu_home, "screening", models["linear"][0])
    run = compare(run_component, models, test, "stump", "rmse")
    assert run.exit_code == SKIP_EXIT_CODE
    assert "(served as 'screening', lower is better)" in run.result["skipped"]


def test_r2_is_higher_is_better(run_component, diabetes, jimu_home):
    models, test = diabetes
    serve(jimu_home, "screening", models["linear"][0])
    assert compare(run_component, models, test, "stump", "r2").exit_code == SKIP_EXIT_CODE
    assert sklearn_score("r2", models["linear"], test) > sklearn_score("r2", models["stump"], test)


def test_the_margin_and_a_tie(run_component, cancer, jimu_home):
    models, test = cancer
    gain = sklearn_score("accuracy", models["forest"], test) - sklearn_score("accuracy", models["stump"], test)
    serve(jimu_home, "screening", models["stump"][0])
    assert compare(run_component, models, test, "forest", "accuracy", margin=gain + 0.001).exit_code == SKIP_EXIT_CODE
    assert compare(run_component, models, test, "forest", "accuracy", margin=gain - 0.001).exit_code == 0
    # The champion against itself: a tie never replaces it, even with no margin.
    run = compare(run_component, models, test, "stump", "accuracy")
    assert run.exit_code == SKIP_EXIT_CODE and run.metrics()["improvement"] == 0


def test_each_model_reads_its_own_features_from_the_same_rows(run_component, cancer, jimu_home):
    models, test = cancer
    serve(jimu_home, "screening", models["three"][0])
    run = compare(run_component, models, test, "forest", "accuracy")
    assert run.exit_code == 0
    assert run.metrics()["champion"] == pytest.approx(sklearn_score("accuracy", models["three"], test), abs=1e-12)


def test_rows_without_the_champions_features_are_a_clear_error(run_component, cancer, jimu_home, capfd):
    models, test = cancer
    serve(jimu_home, "screening", models["forest"][0])
    missing = models["forest"][2][5]
    inputs = {"model": models["three"][0], "table": test.drop(columns=[missing])}
    run = run_component("compare_models", {"deployment": "screening", "metric": "accuracy"}, inputs)
    assert run.exit_code == FATAL_EXIT_CODE
    err = capfd.readouterr().err
    assert "the champion (served as 'screening'): input 'table' lacks the model's feature columns" in err
    assert repr([missing]) in err


def test_a_champion_of_another_task_or_label_is_refused(run_component, cancer, diabetes, jimu_home, capfd):
    models, test = cancer
    serve(jimu_home, "screening", diabetes[0]["linear"][0])
    assert compare(run_component, models, test, "forest", "accuracy").exit_code == FATAL_EXIT_CODE
    assert ("deployment 'screening' serves a model whose task is 'regression', the challenger's is "
            "'classification'") in capfd.readouterr().err


def test_a_metric_of_the_other_task_names_the_usable_ones(run_component, cancer, jimu_home, capfd):
    models, test = cancer
    assert compare(run_component, models, test, "forest", "rmse").exit_code == FATAL_EXIT_CODE
    assert ("param 'metric': rmse does not score a classification model; use one of accuracy, f1_macro, "
            "precision_macro, recall_macro, roc_auc") in capfd.readouterr().err


def test_a_record_whose_model_is_gone_says_how_to_recover(run_component, cancer, jimu_home, tmp_path, capfd):
    models, test = cancer
    serve(jimu_home, "screening", str(tmp_path / "deleted"))
    assert compare(run_component, models, test, "forest", "accuracy").exit_code == FATAL_EXIT_CODE
    assert "`jimu deployments stop screening`" in capfd.readouterr().err


def test_the_record_root_can_be_any_storage_uri(run_component, cancer, jimu_home, tmp_path, monkeypatch):
    """In a pod, $JIMU_DEPLOYMENTS_URI names where deployments' records are kept."""
    models, test = cancer
    elsewhere = tmp_path / "shared"
    serve(elsewhere.parent, "screening", models["forest"][0])  # writes <tmp>/deployments/screening
    monkeypatch.setenv(DEPLOYMENTS_ENV, f"file://{elsewhere.parent / 'deployments'}")
    run = compare(run_component, models, test, "stump", "accuracy")
    assert run.exit_code == SKIP_EXIT_CODE


@pytest.mark.slow
def test_finds_the_model_a_real_local_deployment_serves(run_component, cancer, jimu_home):
    from jimu.serving import manager

    models, test = cancer
    manager.deploy("screening", models["forest"][0])
    try:
        run = compare(run_component, models, test, "stump", "accuracy")
    finally:
        manager.stop("screening")
    assert run.exit_code == SKIP_EXIT_CODE
    assert run.metrics()["champion_model_uri"] == models["forest"][0]
