"""detect_anomalies: its scores, flags, metrics and chart equal scikit-learn's IsolationForest on the same real data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import IsolationForest

from jimu.errors import SpecError
from jimu.runtime.exit_codes import FATAL_EXIT_CODE
from tests.components.charts import charts_of, values


@pytest.fixture(scope="module")
def cancer() -> pd.DataFrame:
    """The breast cancer measurements with a numeric id the features must leave out, and the diagnosis as text."""
    data = load_breast_cancer(as_frame=True)
    frame = data.frame.drop(columns="target")
    frame.columns = [c.replace(" ", "_") for c in frame.columns]
    frame.insert(0, "patient", np.arange(len(frame)))
    frame["diagnosis"] = np.where(data.target == 1, "benign", "malignant")
    return frame


def forest_by_sklearn(x: np.ndarray, share: float, trees: int, seed: int) -> IsolationForest:
    return IsolationForest(n_estimators=trees, contamination=share, random_state=seed).fit(x)


def test_scores_and_flags_equal_sklearn_isolation_forest(cancer, run_component):
    run = run_component("detect_anomalies", {"share": 0.1, "exclude": ["patient"], "trees": 50, "seed": 3},
                        {"table": cancer})
    assert run.exit_code == 0, run.result
    features = [c for c in cancer.columns if c not in ("patient", "diagnosis")]
    forest = forest_by_sklearn(cancer[features].to_numpy(float), 0.1, 50, 3)
    out = run.table("table")
    pd.testing.assert_frame_equal(out.drop(columns=["anomaly_score", "anomaly"]), cancer)
    assert out["anomaly_score"].to_numpy() == pytest.approx(-forest.score_samples(cancer[features].to_numpy(float)))
    expected = forest.predict(cancer[features].to_numpy(float)) == -1
    assert out["anomaly"].tolist() == expected.tolist()
    # The flagged rows are exactly the highest scores: the most unusual share.
    assert out.loc[out["anomaly"], "anomaly_score"].min() > out.loc[~out["anomaly"], "anomaly_score"].max()
    metrics = run.metrics()
    assert metrics["flagged"] == expected.sum() == round(0.1 * len(cancer))
    assert metrics["flagged_share"] == pytest.approx(expected.mean())
    assert metrics["threshold"] == pytest.approx(-forest.offset_)
    assert (metrics["rows"], metrics["rows_scored"], metrics["features"]) == (569, 569, features)


def test_flagged_rows_are_mostly_the_malignant_ones(cancer, run_component):
    """A check of meaning: the unusual tumours of this data are malignant far more often than the rest."""
    run = run_component("detect_anomalies", {"share": 0.05, "exclude": ["patient"]}, {"table": cancer})
    out = run.table("table")
    malignant = out["diagnosis"] == "malignant"
    assert malignant[out["anomaly"]].mean() > 1.8 * malignant.mean()  # 76% of the flagged, 37% of all


def test_the_chart_counts_the_scores_as_numpy_histogram(cancer, run_component):
    run = run_component("detect_anomalies", {"features": ["mean_radius", "mean_texture"]}, {"table": cancer})
    [(name, chart)] = charts_of(run, "metrics").items()
    assert name == "anomaly_scores"
    out = run.table("table")
    edges = np.histogram_bin_edges(out["anomaly_score"], bins=30)
    for group, rows in (("flagged", out[out["anomaly"]]), ("usual", out[~out["anomaly"]])):
        bars = [v for v in values(chart) if v["group"] == group]
        assert [b["rows"] for b in bars] == np.histogram(rows["anomaly_score"], bins=edges)[0].tolist()
        assert [b["bin_start"] for b in bars] == pytest.approx(edges[:-1].tolist())
    assert chart["usermeta"]["jimu"]["threshold"] == pytest.approx(run.metrics()["threshold"])
    assert chart["usermeta"]["jimu"]["flagged"] == out["anomaly"].sum()


def test_rows_missing_a_feature_are_not_scored_and_warned_about(cancer, run_component):
    holed = cancer.copy()
    holed.loc[[0, 10], "mean_area"] = np.nan
    features = ["mean_radius", "mean_area"]
    run = run_component("detect_anomalies", {"features": features, "seed": 1}, {"table": holed})
    assert run.exit_code == 0, run.result
    out = run.table("table")
    assert out["anomaly_score"].isna().tolist() == out["anomaly"].isna().tolist() == holed["mean_area"].isna().tolist()
    complete = holed.dropna(subset=features)
    forest = forest_by_sklearn(complete[features].to_numpy(float), 0.05, 100, 1)
    assert out["anomaly_score"].dropna().to_numpy() == pytest.approx(-forest.score_samples(complete[features].to_numpy(float)))
    assert run.metrics()["rows_scored"] == len(holed) - 2
    assert any("2 row(s) miss a value" in w for w in run.result["warnings"])


def test_bad_choices_are_refused_naming_the_param(cancer, run_component, capfd):
    run = run_component("detect_anomalies", {"features": ["diagnosis"]}, {"table": cancer})
    assert run.exit_code == FATAL_EXIT_CODE
    assert "param 'features': column 'diagnosis' is" in capfd.readouterr().err
    run = run_component("detect_anomalies", {}, {"table": cancer.assign(anomaly=False)})
    assert run.exit_code == FATAL_EXIT_CODE
    assert "already has a column 'anomaly'" in capfd.readouterr().err
    run = run_component("detect_anomalies", {"features": ["mean_area"]},
                        {"table": cancer.assign(mean_area=np.nan)})
    assert run.exit_code == FATAL_EXIT_CODE
    assert "no row has a value in every feature (mean_area)" in capfd.readouterr().err
    with pytest.raises(SpecError, match="share"):
        run_component("detect_anomalies", {"share": 0.9}, {"table": cancer})
