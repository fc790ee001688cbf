"""Components with requirements run in their own cached environment, built once."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jimu.catalog import ComponentCatalog
from jimu.run import envs
from jimu.runtime import storage

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "env_components"
JIMU = Path(sys.executable).with_name("jimu")


@pytest.fixture(scope="module")
def needs_six():
    return ComponentCatalog.from_dirs([FIXTURES]).require("needs_six@1.0.0")


def _ensure(args):
    home, = args
    os.environ["JIMU_HOME"] = home
    catalog = ComponentCatalog.from_dirs([FIXTURES])
    lines = []
    folder = envs.ensure_env(catalog.require("needs_six@1.0.0"), echo=lines.append)
    return str(folder), lines


@pytest.mark.slow
def test_environment_is_built_once_even_when_asked_concurrently(tmp_path, needs_six):
    home = str(tmp_path / "home")
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        results = pool.map(_ensure, [(home,), (home,)])
    folders = {folder for folder, _ in results}
    assert len(folders) == 1
    builds = [lines for _, lines in results if lines]
    assert len(builds) == 1 and "creating the environment of needs_six@1.0.0" in builds[0][0]
    assert "six==1.17.0" in (Path(folders.pop()) / "requirements.txt").read_text()


@pytest.mark.slow
def test_component_runs_in_its_own_environment(tmp_path, needs_six):
    spec = {"id": "env_test", "nodes": [{"id": "where", "component": "needs_six@1.0.0"}]}
    path = tmp_path / "p.json"
    path.write_text(json.dumps(spec))
    env = {**os.environ, "JIMU_COMPONENT_PATH": str(FIXTURES)}
    proc = subprocess.run([str(JIMU), "run", str(path)], capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    expected_env = Path(os.environ["JIMU_HOME"]) / "envs" / envs.env_digest(needs_six)
    line = next(x for x in proc.stdout.splitlines() if "output where.table" in x)
    row = storage.read_table(line.split(" rows in ")[1]).to_pylist()[0]
    assert Path(row["prefix"]) == expected_env
    # Jimu's own environment has six too; the component must have used its own copy.
    assert row["six"].startswith(str(expected_env))
    assert "creating the environment of needs_six@1.0.0" in proc.stdout


def test_builtins_use_jimus_own_python(catalog):
    sql = catalog.require("sql@1.2.0")
    assert not envs.needs_own_env(sql)
    assert envs.python_for(sql) == sys.executable


def test_digest_depends_on_python_and_requirements(needs_six):
    other = needs_six.spec.model_copy(update={"runtime": needs_six.spec.runtime.model_copy(update={"python": "3.8"})})
    assert envs.env_digest(needs_six) != envs.env_digest(type(needs_six)(other, needs_six.folder))
    assert "pyarrow==" in " ".join(envs.env_requirements(needs_six))


def test_missing_interpreter_says_how_to_fix(monkeypatch):
    monkeypatch.setattr(envs.shutil, "which", lambda name: None)
    monkeypatch.setattr(envs.Path, "home", lambda: Path("/nonexistent"))
    with pytest.raises(Exception, match=r"python3\.99 is not on PATH; install it"):
        envs.find_interpreter("3.99")
