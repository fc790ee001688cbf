from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_wine
from sklearn.preprocessing import MinMaxScaler, StandardScaler

WINE = load_wine(as_frame=True).frame
FEATURES = [c for c in WINE.columns if c != "target"]


@pytest.mark.parametrize(("method", "scaler"), [("zscore", StandardScaler), ("minmax", MinMaxScaler)])
def test_matches_sklearn_scalers(run_component, method, scaler):
    run = run_component("standardize", {"method": method, "exclude": ["target"]}, inputs={"table": WINE})
    assert run.exit_code == 0
    out = run.table()
    fitted = scaler().fit(WINE[FEATURES])
    np.testing.assert_allclose(out[FEATURES].to_numpy(), fitted.transform(WINE[FEATURES]), rtol=1e-12, atol=1e-12)
    assert out["target"].tolist() == WINE["target"].tolist()
    assert list(out.columns) == list(WINE.columns)
    stats = run.metrics("stats")
    assert stats["method"] == method and sorted(stats["columns"]) == sorted(FEATURES)  # JSON keys are stored sorted
    if method == "zscore":
        np.testing.assert_allclose([stats["columns"][c]["mean"] for c in FEATURES], fitted.mean_)
        np.testing.assert_allclose([stats["columns"][c]["std"] for c in FEATURES], fitted.scale_)
    else:
        np.testing.assert_allclose([stats["columns"][c]["min"] for c in FEATURES], fitted.data_min_)
        np.testing.assert_allclose([stats["columns"][c]["max"] for c in FEATURES], fitted.data_max_)
    # the stats reproduce the scaling on the raw data
    col = FEATURES[0]
    again = (WINE[col] - stats["columns"][col]["center"]) / stats["columns"][col]["scale"]
    np.testing.assert_allclose(out[col], again)


def test_named_columns_constant_column_and_missing_values(run_component):
    frame = pd.DataFrame({"a": [1.0, 2.0, np.nan, 4.0], "b": [5, 5, 5, 5], "c": [1, 2, 3, 4], "s": list("wxyz")})
    run = run_component("standardize", {"columns": ["a", "b"]}, inputs={"table": frame})
    assert run.exit_code == 0
    out = run.table()
    expected = StandardScaler().fit_transform(frame[["a", "b"]])
    np.testing.assert_allclose(out[["a", "b"]].to_numpy(), expected)
    assert out["c"].tolist() == [1, 2, 3, 4] and out["s"].tolist() == list("wxyz")


def test_missing_column(run_component, capfd):
    run = run_component("standardize", {"columns": ["alcohol", "sugar"]}, inputs={"table": WINE})
    assert run.exit_code == 1
    err = capfd.readouterr().err
    assert "node 'node' (standardize@1.0.0) failed" in err
    assert "param 'columns'" in err and "'sugar'" in err


def test_text_column_is_refused(run_component, capfd):
    frame = pd.DataFrame({"a": [1.0, 2.0], "s": ["x", "y"]})
    run = run_component("standardize", {"columns": ["s"]}, inputs={"table": frame})
    assert run.exit_code == 1
    assert "param 'columns': column 's'" in capfd.readouterr().err
