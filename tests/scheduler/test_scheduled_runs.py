"""A compiled local-profile DAG under a real Airflow scheduler: deployed as a file, triggered over
the REST API for a logical date with params, every task run by the LocalExecutor, and the output
checked against pandas on the same data."""

from __future__ import annotations

import importlib.resources
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from tests.conftest import EXAMPLE
from tests.scheduler.real_airflow import trigger, wait_for_dag, wait_for_run

WINE_COLUMNS = ["alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols", "flavanoids",
                "nonflavanoid_phenols", "proanthocyanins", "color_intensity", "hue", "od280_od315", "proline",
                "cultivar"]


def deploy(spec: Path, dags_folder: Path) -> None:
    """`jimu deploy --profile local --dags-folder DAGS`, as a data engineer deploys to a local Airflow."""
    jimu = Path(sys.executable).parent / "jimu"
    subprocess.run([str(jimu), "deploy", str(spec), "--profile", "local", "--dags-folder", str(dags_folder)],
                   check=True, capture_output=True, env=os.environ.copy())


def wine_features_by_pandas(min_alcohol: float) -> pd.DataFrame:
    """The template's strong_wines SQL and features code, computed apart with pandas."""
    path = importlib.resources.files("sklearn.datasets") / "data" / "wine_data.csv"
    wines = pd.read_csv(path, skiprows=1, header=None, names=WINE_COLUMNS)
    df = wines[wines["alcohol"] >= min_alcohol][
        ["cultivar", "alcohol", "color_intensity", "flavanoids", "total_phenols", "proline"]].copy()
    df["phenol_ratio"] = df["flavanoids"] / df["total_phenols"]
    by_cultivar = df.groupby("cultivar")["color_intensity"]
    df["color_z"] = (df["color_intensity"] - by_cultivar.transform("mean")) / by_cultivar.transform("std")
    return df.round(4)


def same_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in one order whatever ties the pipeline's ORDER BY left open."""
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def test_a_triggered_run_under_the_real_scheduler_equals_pandas(real_airflow):
    deploy(EXAMPLE, real_airflow.dags_folder)
    dag_id = "wine_quality.local"
    export = "scheduled/wine_2026-11-29.csv"
    with real_airflow.client() as api:
        wait_for_dag(api, dag_id)
        run_id = trigger(api, dag_id, "2026-11-29T00:00:00Z", {"min_alcohol": 13.5, "export_file": export})
        run = wait_for_run(api, dag_id, run_id)
        logical_date = api.get(f"/dags/{dag_id}/dagRuns/{run_id}").json()["logical_date"]

    assert run == {"state": "success", "tasks": dict.fromkeys(
        ["load_wine", "strong_wines", "features", "export"], "success")}
    assert logical_date.startswith("2026-11-29T00:00:00")
    written = pd.read_csv(Path(os.environ["JIMU_HOME"]) / "exports" / export)
    expected = wine_features_by_pandas(13.5)
    assert list(written.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(same_rows(written), same_rows(expected), check_dtype=False, atol=1e-4)
