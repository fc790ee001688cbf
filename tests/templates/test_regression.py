"""The regression template as a business expert uses it: with its bundled diabetes CSV, and with an uploaded
CSV of their own (text columns, missing values, the number to predict chosen from the columns). Each run's
held-out rows, R², errors, predicted-vs-actual and residual charts and exported predictions equal
scikit-learn's on the same split; a label that is no column, or is no number, is refused in plain words."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm
from sklearn.ensemble import RandomForestRegressor

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

NAME = "regression"
UPLOAD_LABEL = "price"
BUNDLED = "package://jimu.templates.regression/data/diabetes.csv"
DISTRICTS = {"old_town": 40_000, "riverside": 25_000, "suburb": 0}


def make_upload(path: Path, rows: int = 300) -> Path:
    """A synthetic list of home sales (seeded): a district and a garden in words, size, rooms and age, and the
    price, which follows them with noise; a few sizes, ages and prices are missing."""
    rng = np.random.default_rng(SEED)
    district = rng.choice(sorted(DISTRICTS), rows)
    area = rng.uniform(30, 200, rows).round(1)
    room_count = rng.integers(1, 7, rows)
    age = rng.integers(0, 80, rows).astype(float)
    garden = rng.choice(["yes", "no"], rows)
    price = (2_000 * area + 15_000 * room_count - 300 * age + np.vectorize(DISTRICTS.get)(district)
             + 20_000 * (garden == "yes") + rng.normal(0, 20_000, rows)).round(-2)
    frame = pd.DataFrame({"district": district, "area_m2": area, "rooms": room_count, "age_years": age,
                          "garden": garden, "price": price})
    frame.loc[[7, 150], "area_m2"] = np.nan
    frame.loc[33, "age_years"] = np.nan
    frame.loc[[20, 21], "price"] = np.nan
    frame.to_csv(path, index=False)
    return path


def assert_like_sklearn(run: TemplateRun, frame: pd.DataFrame, label: str, exported: Path) -> None:
    model = RandomForestRegressor(n_estimators=100, random_state=SEED)
    test, model, features = held_out_model(frame, label, model, stratify=False)
    pd.testing.assert_frame_equal(run.table("split", "test"), test)
    y, predicted = test[label].to_numpy(dtype=float), model.predict(test[features])
    metrics = run.metrics()
    assert metrics["r2"] == pytest.approx(skm.r2_score(y, predicted), rel=1e-12)
    assert metrics["mae"] == pytest.approx(skm.mean_absolute_error(y, predicted), rel=1e-12)
    charts = run.charts()
    assert sorted(charts) == ["feature_importance", "predicted_vs_actual", "residuals"]
    pairs = values(charts["predicted_vs_actual"])
    assert [v["actual"] for v in pairs] == y.tolist()
    assert [v["predicted"] for v in pairs] == pytest.approx(predicted.tolist())
    residuals = values(charts["residuals"])
    assert [v["residual"] for v in residuals] == pytest.approx((y - predicted).tolist())
    importance = {v["feature"]: v["importance"] for v in values(charts["feature_importance"])}
    assert importance == pytest.approx(dict(zip(features, model.feature_importances_, strict=True)))
    assert pd.read_csv(exported)["prediction"].to_numpy() == pytest.approx(predicted)


@pytest.mark.slow
def test_defaults_train_on_the_bundled_data_like_sklearn_and_serve(default_run, module_endpoint):
    frame = pd.read_csv(bundled_path(BUNDLED))
    assert len(frame) == 442 and frame["progression"].between(25, 346).all()  # the data's documented range
    exported = Path(os.environ["JIMU_HOME"]) / "exports" / "regression" / "predictions.csv"
    assert_like_sklearn(default_run, frame, "progression", exported)
    assert default_run.metrics()["r2"] >= 0.4  # the default gate's threshold: the model is served
    assert serving(module_endpoint)


@pytest.mark.slow
def test_an_uploaded_csv_with_text_and_gaps_predicts_its_price_like_sklearn(upload_run, upload):
    assert "left out 2 of 300 rows without a value in 'price'" in upload_run.stdout
    encoded = upload_run.table("fill")
    assert {"district_old_town", "garden_yes"} <= set(encoded.columns) and not encoded.isna().any().any()
    exported = Path(os.environ["JIMU_HOME"]) / "exports" / "tests" / "regression.csv"
    assert_like_sklearn(upload_run, pd.read_csv(upload[0]), "price", exported)
    assert upload_run.metrics()["r2"] > 0.8  # the price follows the columns: a model that learnt it


@pytest.mark.slow
def test_a_text_label_fails_saying_what_to_choose_instead(templates, catalog, upload, tmp_path):
    said = failed_run_with_label(templates, catalog, NAME, upload[1], "district", tmp_path / "p.json")
    assert "column 'district' holds text (" in said and "not numbers; choose a column of numbers" in said
    assert "predict these categories with a classification template" in said


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "Column to predict must be a column of Your data: age, sex, bmi,"),
    ("zh", "要预测的列必须是你的数据中的一列：age, sex, bmi,"),
])
def test_a_label_that_is_no_column_of_the_data_is_named_in_plain_words(templates, tmp_path, lang, words):
    assert_unknown_label_refused(templates.require(NAME), lang, words, tmp_path / "p.json")
