"""The Jimu home never depends on the current folder's name, only on what is above it.

Class of inputs: $JIMU_HOME set (absolute, relative, with ~), a `.jimu/` marker in the current
folder or any ancestor, a stray `.jimu` FILE (not a marker), and no marker (user default).
Every command that reads state (catalog, runs, data, envs, deployments) asks the same function.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from jimu import home


@pytest.fixture
def no_env(monkeypatch, tmp_path):
    monkeypatch.delenv("JIMU_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return tmp_path


def test_explicit_home_wins(no_env, monkeypatch):
    monkeypatch.setenv("JIMU_HOME", "relative/home")
    assert home.jimu_home() == Path.cwd() / "relative" / "home"
    monkeypatch.setenv("JIMU_HOME", "~/jh")
    assert home.jimu_home() == Path.home() / "jh"


def test_nearest_marker_from_any_subfolder(no_env, monkeypatch):
    project = no_env / "project"
    (project / ".jimu").mkdir(parents=True)
    deep = project / "a" / "b" / "c"
    deep.mkdir(parents=True)
    for folder in (project, project / "a", deep):
        monkeypatch.chdir(folder)
        assert home.jimu_home() == project / ".jimu"
        assert home.home_source() == "the nearest .jimu/ folder"


def test_a_file_named_dot_jimu_is_no_marker(no_env, monkeypatch):
    (no_env / "p").mkdir()
    (no_env / "p" / ".jimu").write_text("not a folder")
    monkeypatch.chdir(no_env / "p")
    assert home.jimu_home() == no_env / "xdg" / "jimu"


def test_user_default_without_marker(no_env, monkeypatch):
    (no_env / "elsewhere").mkdir()
    monkeypatch.chdir(no_env / "elsewhere")
    assert home.jimu_home() == no_env / "xdg" / "jimu"
    assert home.home_source() == "the user-level default"


def test_every_state_folder_follows_the_home(no_env, monkeypatch):
    """catalog, runs, data, envs and deployments all live under the same home, from any folder."""
    project = no_env / "project"
    (project / ".jimu").mkdir(parents=True)
    (project / "sub").mkdir()
    code = (
        "from jimu.registry.store import default_catalog_root;"
        "from jimu.run.node_process import run_root;"
        "from jimu.runtime.storage import default_storage_base;"
        "from jimu.run.envs import envs_root;"
        "from jimu.serving.manager import deployments_dir;"
        "print(default_catalog_root(), run_root('p', 'r').parent.parent, default_storage_base(), envs_root(), deployments_dir())"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("JIMU_HOME", "JIMU_CATALOG")}
    env["XDG_DATA_HOME"] = str(no_env / "xdg")
    seen = set()
    for folder in (project, project / "sub"):
        out = subprocess.run([sys.executable, "-c", code], cwd=folder, env=env, capture_output=True, text=True, check=True)
        paths = [Path(p) for p in out.stdout.split()]
        assert all(p.parent == project / ".jimu" for p in paths), paths
        seen.add(tuple(paths))
    assert len(seen) == 1


def test_jimu_init_then_home_from_a_subfolder(no_env):
    jimu = Path(sys.executable).with_name("jimu")
    env = {k: v for k, v in os.environ.items() if k not in ("JIMU_HOME", "JIMU_CATALOG")}
    env["XDG_DATA_HOME"] = str(no_env / "xdg")
    project = no_env / "project"
    (project / "notebooks").mkdir(parents=True)
    before = subprocess.run([str(jimu), "home", "--json"], cwd=project, env=env, capture_output=True, text=True, check=True)
    assert '"chosen_by": "the user-level default"' in before.stdout
    subprocess.run([str(jimu), "init"], cwd=project, env=env, capture_output=True, text=True, check=True)
    after = subprocess.run([str(jimu), "home", "--json"], cwd=project / "notebooks", env=env, capture_output=True, text=True, check=True)
    import json

    info = json.loads(after.stdout)
    assert info["home"] == str(project / ".jimu") and info["catalog"] == str(project / ".jimu" / "catalog")
