from __future__ import annotations

import pandas as pd
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split

IRIS = load_iris(as_frame=True).frame


def test_split_matches_train_test_split(run_component):
    run = run_component("split", {"test_fraction": 0.3, "seed": 7}, inputs={"table": IRIS})
    assert run.exit_code == 0
    train, test = train_test_split(IRIS, test_size=0.3, random_state=7)
    pd.testing.assert_frame_equal(run.table("train"), train.reset_index(drop=True))
    pd.testing.assert_frame_equal(run.table("test"), test.reset_index(drop=True))
    assert run.result["rows_written"] == {"train": 105, "test": 45}


def test_defaults_and_determinism(run_component):
    first = run_component("split", {}, inputs={"table": IRIS})
    assert first.exit_code == 0
    train, test = first.table("train"), first.table("test")
    expected_train, expected_test = train_test_split(IRIS, test_size=0.2, random_state=42)
    pd.testing.assert_frame_equal(test, expected_test.reset_index(drop=True))
    second = run_component("split", {"seed": 42, "test_fraction": 0.2}, inputs={"table": IRIS})
    pd.testing.assert_frame_equal(second.table("train"), train)
    other = run_component("split", {"seed": 1}, inputs={"table": IRIS})
    assert not other.table("test").equals(test)


def test_stratified(run_component):
    run = run_component("split", {"test_fraction": 0.2, "seed": 3, "stratify_by": "target"}, inputs={"table": IRIS})
    assert run.exit_code == 0
    _, test = train_test_split(IRIS, test_size=0.2, random_state=3, stratify=IRIS["target"])
    pd.testing.assert_frame_equal(run.table("test"), test.reset_index(drop=True))
    assert run.table("test")["target"].value_counts().tolist() == [10, 10, 10]


def test_missing_stratify_column(run_component, capfd):
    run = run_component("split", {"stratify_by": "species"}, inputs={"table": IRIS})
    assert run.exit_code == 1
    err = capfd.readouterr().err
    assert "node 'node' (split@1.0.0) failed" in err
    assert "param 'stratify_by'" in err and "'species'" in err


def test_unstratifiable_column(run_component, capfd):
    frame = pd.DataFrame({"x": range(10), "y": ["a"] * 9 + ["b"]})
    run = run_component("split", {"stratify_by": "y"}, inputs={"table": frame})
    assert run.exit_code == 1
    assert "param 'stratify_by': cannot split 10 rows" in capfd.readouterr().err
