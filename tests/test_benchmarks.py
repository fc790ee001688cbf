"""The editor-service and editor benchmarks (issues 8 and 9) run in CI, in quick mode: they must finish and every
run they time must succeed. Timings are not asserted here (a shared CI machine is not a bench);
their medians are in benchmarks/README.md."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("name", ["warm_run", "editor_api", "run_events", "plugin", "editor_open", "alerts",
                                  "datasets", "evaluate_charts", "assets", "load_folder", "cluster",
                                  "compare_models", "template_gallery"])
def test_benchmark_runs_in_quick_mode(name, tmp_path):
    env = {**os.environ, "JIMU_HOME": str(tmp_path / "home"), "AIRFLOW_HOME": str(tmp_path / "home" / "airflow")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / f"bench_{name}.py"), "--quick"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert "ratio = jimu / baseline" in done.stdout
    assert "FAILED" not in done.stdout
