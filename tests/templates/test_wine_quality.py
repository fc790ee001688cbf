"""The shipped example end to end through the real `jimu run`, checked against sklearn + pandas."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pandas as pd
import pytest
from sklearn.datasets import load_wine

from tests.conftest import EXAMPLE

JIMU = Path(sys.executable).with_name("jimu")


def expected_features(min_alcohol: float) -> pd.DataFrame:
    """The example's result, computed independently from scikit-learn's own loader."""
    wine = load_wine(as_frame=True).frame.rename(columns={"target": "cultivar", "od280/od315_of_diluted_wines": "od280_od315"})
    df = wine[wine["alcohol"] >= min_alcohol]
    df = df[["cultivar", "alcohol", "color_intensity", "flavanoids", "total_phenols", "proline"]]
    df = df.sort_values(["cultivar", "alcohol"], ascending=[True, False], kind="stable").reset_index(drop=True)
    df["phenol_ratio"] = df["flavanoids"] / df["total_phenols"]
    grouped = df.groupby("cultivar")["color_intensity"]
    df["color_z"] = (df["color_intensity"] - grouped.transform("mean")) / grouped.transform("std")
    return df.round(4)


def run_jimu(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{JIMU.parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run([str(JIMU), *args], capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.slow
def test_example_runs_end_to_end_and_matches_pandas():
    export = f"tests/{uuid.uuid4().hex}/wine.csv"
    proc = run_jimu("run", str(EXAMPLE), "--param", "min_alcohol=13.2", "--param", f"export_file={export}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for node in ("load_wine", "strong_wines", "features", "export"):
        assert any(line.split()[:2] == ["success", node] for line in proc.stdout.splitlines()), proc.stdout
    exported = Path(os.environ["JIMU_HOME"]) / "exports" / export
    assert f"exported by export: {exported}" in proc.stdout
    actual = pd.read_csv(exported)
    expected = expected_features(13.2)
    assert len(actual) == len(expected) > 0
    # The SQL orders by cultivar and alcohol only; ties may come in any order, so compare sorted.
    keys = list(expected.columns)
    pd.testing.assert_frame_equal(
        actual.sort_values(keys).reset_index(drop=True),
        expected.astype(actual.dtypes.to_dict()).sort_values(keys).reset_index(drop=True),
        check_exact=False, atol=1e-4,
    )


@pytest.mark.slow
def test_bad_param_is_refused_before_anything_runs():
    proc = run_jimu("run", str(EXAMPLE), "--param", "min_alcohol=abc")
    assert proc.returncode == 1
    assert "min_alcohol" in proc.stderr and "is not of type 'number'" in proc.stderr
    proc = run_jimu("run", str(EXAMPLE), "--param", "min_alcoho=13")
    assert proc.returncode == 1
    assert "has no param 'min_alcoho'" in proc.stderr and "min_alcohol" in proc.stderr
