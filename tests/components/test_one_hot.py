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
    assert "node 'node' (one_hot@1.1.0) failed" in err
    assert "param 'columns'" in err and "'colour'" in err


MIXED = pd.DataFrame({
    "city": ["Beijing", "Shanghai", None, "Beijing"],
    "visits": [3, None, 2, 5],
    "member": [True, False, True, True],
    "churned": ["yes", "no", "no", "yes"],
})


def test_without_columns_encodes_every_text_column_but_the_excluded(run_component):
    run = run_component("one_hot", {"exclude": ["churned"]}, inputs={"table": MIXED})
    assert run.exit_code == 0
    pd.testing.assert_frame_equal(run.table(), pd.get_dummies(MIXED, columns=["city"]))


def test_as_numbers_writes_ones_and_zeros(run_component):
    run = run_component("one_hot", {"exclude": ["churned"], "as_numbers": True}, inputs={"table": MIXED})
    assert run.exit_code == 0
    expected = pd.get_dummies(MIXED, columns=["city"], dtype="int64").astype({"member": "int64"})
    pd.testing.assert_frame_equal(run.table(), expected)


def test_without_columns_a_table_without_text_passes_through(run_component):
    numbers = MIXED.drop(columns=["city", "churned"])
    run = run_component("one_hot", {}, inputs={"table": numbers})
    assert run.exit_code == 0
    pd.testing.assert_frame_equal(run.table(), numbers)


def test_an_id_among_the_text_columns_is_refused_with_what_to_do(run_component, capfd):
    ids = MIXED.assign(order=["A1", "A2", "A3", "A4"])
    run = run_component("one_hot", {"exclude": ["churned"], "max_categories": 3}, inputs={"table": ids})
    assert run.exit_code == 1
    err = capfd.readouterr().err
    assert "column 'order' has 4 distinct values, more than 3" in err and "remove it from the data" in err


def test_an_unknown_excluded_column_is_named(run_component, capfd):
    run = run_component("one_hot", {"exclude": ["label"]}, inputs={"table": MIXED})
    assert run.exit_code == 1
    assert "param 'exclude': the input table has no column 'label'" in capfd.readouterr().err
