"""The code base passes the project's ruff rules (pyproject.toml), like any other test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RUFF = Path(sys.executable).with_name("ruff")


def test_ruff_check_is_clean():
    folders = ["jimu", "operators", "components", "tests", "benchmarks", "plugins", "ui_plugin"]
    proc = subprocess.run([str(RUFF), "check", *folders], cwd=REPO, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"ruff found problems (run `make lint`):\n{proc.stdout}{proc.stderr}"
