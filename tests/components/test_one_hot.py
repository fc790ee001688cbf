from __future__ import annotations

import pandas as pd
import pytest
from sklearn.datasets import load_iris

IRIS = load_iris(as_frame=True)
FLOWERS = IRIS.frame.assign(species=IRIS.target_names[IRIS.target]).drop(columns="target")
SMALL = pd.DataFrame({
    "color": ["red", "blue", None, "red", "green"],
    "size": [3, 1, 2, 3, 1],
    "price": [1.5, 2.0, 3.25, 4.0, 5.5],
})


@pytest.mark.parametrize("drop_first", [False, True])
def test_matches_get_dummies(run_component, drop_first):
    run = run_component("one_hot", {"columns": ["color", "size"], "drop_first": drop_first}, inputs={"table": SMALL})
    assert run.exit_code == 0
    expected = pd.get_dummies(SMALL, columns=["color", "size"], drop_first=drop_first)
    pd.testing.assert_frame_equal(run.table(), expected)


def test_iris_species(run_component):
    run = run_component("one_hot", {"columns": ["species"]}, inputs={"table": FLOWERS})
    assert run.exit_code == 0
    pd.testing.assert_frame_equal(run.table(), pd.get_dummies(FLOWERS, columns=["species"]))


def test_too_many_categories(run_component, capfd):
    run = run_component("one_hot", {"columns": ["sepal length (cm)"], "max_categories": 10}, inputs={"table": FLOWERS})
    assert run.exit_code == 1
    distinct = FLOWERS["sepal length (cm)"].nunique()
    err = capfd.readouterr().err
    assert f"column 'sepal length (cm)' has {distinct} distinct values, more than 10" in err
    assert "param 'max_categories'" in err


def test_missing_column(run_component, capfd):
    run = run_component("one_hot", {"columns": ["colour"]}, inputs={"table": SMALL})
    assert run.exit_code == 1
    err = capfd.readouterr().err
    assert "node 'node' (one_hot@1.0.0) failed" in err
    assert "param 'columns'" in err and "'colour'" in err
