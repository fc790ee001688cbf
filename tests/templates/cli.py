"""`jimu` as a user types it, for the template tests: the venv's command, in a child process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

JIMU = Path(sys.executable).with_name("jimu")


def jimu(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{JIMU.parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run([str(JIMU), *args], capture_output=True, text=True, env=env, timeout=600, check=False)
