"""The classification template as a business expert uses it: with its bundled breast cancer CSV, and with an
uploaded CSV of their own (a text column, missing values, a text label chosen from the columns). Each run's
held-out rows, accuracy, confusion matrix, charts and exported predictions equal scikit-learn's on the same
split; a label that is no column, or that a classifier cannot learn, is refused in plain words."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm
from sklearn.datasets import load_wine
from sklearn.ensemble import RandomForestClassifier

from jimu.datasets.bundled import bundled_path
from tests.templates.ml import (
    SEED,
    TemplateRun,
    assert_unknown_label_refused,
    failed_run_with_label,
    held_out_model,
    serving,
    values,
)

NAME = "classification"
UPLOAD_LABEL = "cultivar"
BUNDLED = "package://jimu.templates.classification/data/breast_cancer.csv"


def make_upload(path: Path) -> Path:
    """scikit-learn's wine data as someone's spreadsheet: readable names, the cultivar in words, a text column of
    where each bottle is kept, and gaps (two magnesium readings, one cellar, one cultivar)."""
    wine = load_wine(as_frame=True)
    frame = wine.frame.drop(columns="target").rename(columns=lambda c: c.replace("/", "_"))
    rng = np.random.default_rng(SEED)
    frame.insert(3, "cellar", rng.choice(["north", "south", "east"], len(frame)))
    frame["cultivar"] = wine.target_names[wine.target]
    frame.loc[[4, 60], "magnesium"] = np.nan
    frame.loc[11, "cellar"] = None
    frame.loc[100, "cultivar"] = None
    frame.to_csv(path, index=False)
    return path


def assert_like_sklearn(run: TemplateRun, frame: pd.DataFrame, label: str, exported: Path) -> None:
    model = RandomForestClassifier(n_estimators=100, random_state=SEED)
    test, model, features = held_out_model(frame, label, model, stratify=True)
    pd.testing.assert_frame_equal(run.table("split", "test"), test)
    y, predicted = test[label], model.predict(test[features])
    classes = sorted(set(y) | set(predicted))
    matrix = skm.confusion_matrix(y, predicted, labels=classes)
    metrics = run.metrics()
    assert metrics["accuracy"] == skm.accuracy_score(y, predicted)
    assert metrics["confusion_matrix"] == matrix.tolist() and metrics["confusion_labels"] == classes
    charts = run.charts()
    cells = {(v["actual"], v["predicted"]): v["count"] for v in values(charts["confusion_matrix"])}
    assert cells == {(a, p): int(matrix[i, j]) for i, a in enumerate(classes) for j, p in enumerate(classes)}
    importance = {v["feature"]: v["importance"] for v in values(charts["feature_importance"])}
    assert importance == pytest.approx(dict(zip(features, model.feature_importances_, strict=True)))
    if len(classes) == 2:
        fpr, tpr, _ = skm.roc_curve(y, model.predict_proba(test[features])[:, 1], pos_label=model.classes_[1])
        assert [v["tpr"] for v in values(charts["roc_curve"])] == pytest.approx(tpr.tolist())
    else:
        assert "roc_curve" not in charts  # one curve per class is not drawn
    assert pd.read_csv(exported)["prediction"].tolist() == predicted.tolist()


@pytest.mark.slow
def test_defaults_train_on_the_bundled_data_like_sklearn_and_serve(default_run, module_endpoint):
    frame = pd.read_csv(bundled_path(BUNDLED))
    assert frame["diagnosis"].value_counts().to_dict() == {"benign": 357, "malignant": 212}
    exported = Path(os.environ["JIMU_HOME"]) / "exports" / "classification" / "predictions.csv"
    assert_like_sklearn(default_run, frame, "diagnosis", exported)
    assert sorted(default_run.charts()) == ["confusion_matrix", "feature_importance", "roc_curve"]
    assert default_run.metrics()["accuracy"] >= 0.9  # the default gate's threshold: the model is served
    assert serving(module_endpoint)


@pytest.mark.slow
def test_an_uploaded_csv_with_text_gaps_and_a_text_label_trains_like_sklearn(upload_run, upload):
    assert "left out 1 of 178 rows without a value in 'cultivar'" in upload_run.stdout
    encoded = upload_run.table("fill")
    assert {"cellar_east", "cellar_north", "cellar_south"} <= set(encoded.columns) and "cellar" not in encoded
    assert not encoded.isna().any().any()
    exported = Path(os.environ["JIMU_HOME"]) / "exports" / "tests" / "classification.csv"
    assert_like_sklearn(upload_run, pd.read_csv(upload[0]), "cultivar", exported)


@pytest.mark.slow
def test_a_label_of_many_numbers_fails_saying_what_to_choose_instead(templates, catalog, upload, tmp_path):
    said = failed_run_with_label(templates, catalog, NAME, upload[1], "proline", tmp_path / "p.json")
    distinct = pd.read_csv(upload[0])["proline"].nunique()
    assert f"column 'proline' holds {distinct} different numbers" in said
    assert "choose a column of categories (such as yes/no) as the label" in said
    assert "predict this number with a regression template" in said


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "Column to predict must be a column of Your data: mean_radius, mean_texture,"),
    ("zh", "要预测的列必须是你的数据中的一列：mean_radius, mean_texture,"),
])
def test_a_label_that_is_no_column_of_the_data_is_named_in_plain_words(templates, tmp_path, lang, words):
    assert_unknown_label_refused(templates.require(NAME), lang, words, tmp_path / "p.json")
