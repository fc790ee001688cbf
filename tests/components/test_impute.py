from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_diabetes
from sklearn.impute import SimpleImputer

rng = np.random.default_rng(0)
DIABETES = load_diabetes(as_frame=True).frame
HOLES = DIABETES.mask(rng.random(DIABETES.shape) < 0.1)  # about 10% of the cells go missing
HOLES["target"] = DIABETES["target"]  # the label stays complete
MISSING = [c for c in HOLES.columns if HOLES[c].isna().any()]


@pytest.mark.parametrize("strategy", ["mean", "median", "most_frequent"])
def test_matches_simple_imputer(run_component, strategy):
    run = run_component("impute", {"strategy": strategy}, inputs={"table": HOLES})
    assert run.exit_code == 0
    out = run.table()
    assert MISSING and "target" not in MISSING
    expected = SimpleImputer(strategy=strategy).fit_transform(HOLES[MISSING])
    np.testing.assert_allclose(out[MISSING].to_numpy(), expected)
    assert out["target"].tolist() == HOLES["target"].tolist()


def test_constant_on_named_columns(run_component):
    cols = MISSING[:2]
    run = run_component("impute", {"columns": cols, "strategy": "constant", "fill_value": -1}, inputs={"table": HOLES})
    assert run.exit_code == 0
    out = run.table()
    expected = SimpleImputer(strategy="constant", fill_value=-1).fit_transform(HOLES[cols])
    np.testing.assert_allclose(out[cols].to_numpy(), expected)
    assert out[MISSING[2:]].isna().any().all()  # the others are left alone


def test_text_columns(run_component):
    frame = pd.DataFrame({"city": ["Oslo", None, "Rome", "Oslo", None], "n": [1.0, 2.0, None, 4.0, 5.0]})
    run = run_component("impute", {"columns": ["city"], "strategy": "most_frequent"}, inputs={"table": frame})
    assert run.exit_code == 0
    expected = SimpleImputer(strategy="most_frequent").fit_transform(frame[["city"]].astype(object))
    assert run.table()["city"].tolist() == expected[:, 0].tolist()
    run = run_component("impute", {"columns": ["city"], "strategy": "constant", "fill_value": "?"}, inputs={"table": frame})
    expected = SimpleImputer(strategy="constant", fill_value="?").fit_transform(frame[["city"]].astype(object))
    assert run.table()["city"].tolist() == expected[:, 0].tolist()


def test_missing_column(run_component, capfd):
    run = run_component("impute", {"columns": ["bmi", "weight"]}, inputs={"table": HOLES})
    assert run.exit_code == 1
    err = capfd.readouterr().err
    assert "node 'node' (impute@1.0.0) failed" in err
    assert "param 'columns'" in err and "'weight'" in err


def test_mean_of_text_and_constant_without_value(run_component, capfd):
    frame = pd.DataFrame({"city": ["Oslo", None]})
    assert run_component("impute", {"strategy": "mean"}, inputs={"table": frame}).exit_code == 1
    assert "param 'strategy': mean needs numeric columns, and 'city'" in capfd.readouterr().err
    assert run_component("impute", {"strategy": "constant"}, inputs={"table": frame}).exit_code == 1
    assert "param 'fill_value': strategy 'constant' needs a fill_value" in capfd.readouterr().err
