"""Component folders and a real `jimu` for the registry tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from jimu.registry.scaffold import scaffold_component

JIMU = Path(sys.executable).with_name("jimu")


def make_component(parent: Path, name: str = "scale_rows", **spec_changes) -> Path:
    """A scaffolded component folder whose component.yaml has `spec_changes` applied."""
    folder = scaffold_component(name, parent)
    if spec_changes:
        write_spec(folder, **spec_changes)
    return folder


def read_spec(folder: Path) -> dict:
    return yaml.safe_load((folder / "component.yaml").read_text(encoding="utf-8"))


def write_spec(folder: Path, **changes) -> None:
    spec = {**read_spec(folder), **changes}
    (folder / "component.yaml").write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")


def run_jimu(*args: str, home: Path, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The installed `jimu` command with its own home and catalog under `home`."""
    home.mkdir(parents=True, exist_ok=True)
    environ = {**os.environ, "JIMU_HOME": str(home), "JIMU_CATALOG": str(home / "catalog")}
    environ.pop("JIMU_COMPONENT_PATH", None)
    environ.update(env or {})
    return subprocess.run([str(JIMU), *args], capture_output=True, text=True, env=environ, cwd=cwd or home, timeout=180)
