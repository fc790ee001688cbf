"""A compiled local-profile DAG runs the same under `airflow dags test`, from any folder.

The file carries the absolute Jimu home and catalog it was compiled against; Airflow runs it
in another folder, with no $JIMU_HOME and a different user-level default, and it must still
find the published components and write its data and exports into that home (and nowhere else).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import EXAMPLE

BIN = Path(sys.executable).parent


@pytest.mark.slow
def test_airflow_dags_test_from_another_folder_uses_the_compiled_home(tmp_path):
    home, dags, elsewhere, xdg = (tmp_path / name for name in ("home", "dags", "elsewhere", "xdg"))
    elsewhere.mkdir()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("JIMU_", "AIRFLOW"))}
    base["PATH"] = f"{BIN}{os.pathsep}{base['PATH']}"
    jimu_env = {**base, "JIMU_HOME": str(home)}
    compiled = subprocess.run(
        [str(BIN / "jimu"), "compile", str(EXAMPLE), "--profile", "local", "--out", str(dags)],
        env=jimu_env, capture_output=True, text=True, timeout=120,
    )
    assert compiled.returncode == 0, compiled.stderr  # this also published the built-ins into home/catalog
    assert (home / "catalog" / "index.json").exists()

    airflow_env = {
        **base,
        "XDG_DATA_HOME": str(xdg),
        "AIRFLOW_HOME": str(tmp_path / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{tmp_path / 'airflow' / 'airflow.db'}",
    }
    migrate = subprocess.run([str(BIN / "airflow"), "db", "migrate"], cwd=elsewhere, env=airflow_env,
                             capture_output=True, text=True, timeout=300)
    assert migrate.returncode == 0, migrate.stderr[-2000:]
    run = subprocess.run([str(BIN / "airflow"), "dags", "test", "wine_quality.local"], cwd=elsewhere,
                         env=airflow_env, capture_output=True, text=True, timeout=600)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-4000:]
    assert "state=success" in output or "success" in output.lower()

    exported = home / "exports" / "wine_quality" / "wine_features.csv"
    assert exported.exists(), sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file())[:50]
    assert len(pd.read_csv(exported)) > 0
    assert (home / "data" / "wine_quality").is_dir()  # step data under the compiled home
    assert not (elsewhere / ".jimu").exists() and not xdg.exists()
    assert not any(elsewhere.rglob("*.parquet"))
