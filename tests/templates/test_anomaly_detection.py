"""The anomaly detection template as a business user runs it, with its bundled data and with an uploaded CSV:
the exported scores and flags equal scikit-learn's IsolationForest on the same file, most unusual first."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_diabetes
from sklearn.ensemble import IsolationForest

from jimu.template.catalog import TemplateCatalog
from tests.conftest import REPO
from tests.templates.instantiated import (
    exported,
    form_problems,
    instantiate_and_run,
    load_make_data,
    unique_export,
    upload_csv,
)
from tests.templates.sales import RAW, assert_same_totals, daily_totals_by_pandas

FOLDER = REPO / "templates" / "anomaly_detection"
STORE_DAYS = FOLDER / "data" / "store_days.csv"
TREES, SEED = 200, 42  # what the template's detect node sets


def assert_scored_as_sklearn(source: pd.DataFrame, id_column: str, share: float, scored: pd.DataFrame) -> None:
    features = [c for c in source.select_dtypes("number").columns if c != id_column]
    x = source[features].to_numpy(float)
    forest = IsolationForest(n_estimators=TREES, contamination=share, random_state=SEED).fit(x)
    expected = source.assign(anomaly_score=-forest.score_samples(x), anomaly=forest.predict(x) == -1)
    assert scored["anomaly_score"].is_monotonic_decreasing  # most unusual first
    expected = expected.sort_values("anomaly_score", ascending=False, kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(scored, expected, check_dtype=False)
    assert abs(scored["anomaly"].sum() - share * len(source)) <= 1  # the share, to the row


@pytest.mark.slow
def test_defaults_flag_the_bundled_store_days_as_sklearn_does(tmp_path):
    results = unique_export("anomalies", "scored.csv")
    stdout = instantiate_and_run("anomaly_detection", {"anomalies_file": results}, tmp_path)
    assert "flagged=15 " in next(line for line in stdout.splitlines() if " detect " in line)
    assert_scored_as_sklearn(pd.read_csv(STORE_DAYS), "sale_date", 0.05, pd.read_csv(exported(results)))


@pytest.mark.slow
def test_an_uploaded_csv_is_scored_on_its_numbers_but_the_id(tmp_path):
    diabetes = load_diabetes(as_frame=True, scaled=False).frame
    diabetes.insert(0, "patient", np.arange(1, len(diabetes) + 1))  # numeric: only the id field keeps it out
    info = upload_csv(diabetes, "patients.csv")
    results = unique_export("anomalies", "patients.csv")
    instantiate_and_run("anomaly_detection",
                        {"records": info.uri, "id_column": "patient", "share": 0.1, "anomalies_file": results},
                        tmp_path)
    assert_scored_as_sklearn(diabetes, "patient", 0.1, pd.read_csv(exported(results)))


@pytest.fixture(scope="module")
def template(catalog):
    return TemplateCatalog.from_dirs(catalog).require("anomaly_detection")


@pytest.mark.parametrize(("values", "lang", "field", "message"), [
    ({"share": 0.7}, "en", "share", "Share of anomalies must be at most 0.5"),
    ({"share": 0}, "en", "share", "Share of anomalies must be more than 0"),
    ({"share": "lots"}, "zh", "share", "异常比例必须是数字，而不是 \"lots\""),
    ({"id_column": "day"}, "en", "id_column",
     "Row name column must be a column of Data to check: sale_date, store, orders, units_sold, units_returned, "
     "revenue, promo_share"),
])
def test_a_bad_value_names_the_field(template, values, lang, field, message):
    assert form_problems(template, values, lang) == [(field, message)]


def test_the_bundled_store_days_are_what_make_data_writes():
    module = load_make_data(FOLDER)
    assert module.store_days(module.clean_lines()).to_csv(index=False, lineterminator="\n") == STORE_DAYS.read_text()


def test_the_bundled_store_days_are_the_daily_sales_totals():
    """An independent check of make_data: each day's rows are the daily_sales template's totals of that day."""
    days = sorted(pd.read_csv(RAW)["sale_date"].unique())
    expected = pd.concat([daily_totals_by_pandas(day) for day in days], ignore_index=True)
    expected["promo_share"] = expected["promo_share"].fillna(0)  # a day of returns only sold nothing on promotion
    bundled = pd.read_csv(STORE_DAYS)
    bundled["sale_date"] = pd.to_datetime(bundled["sale_date"]).dt.date
    assert_same_totals(bundled, expected)
