"""The scaffolded Dockerfile builds from the component's own folder, anywhere.

Docker cannot run in the tests, so they check what a build would need: every COPY/ADD source
exists inside the folder, and the install step, run as written with /opt/jimu/component
pointing at a copy of the folder, installs a Jimu wheel into a fresh virtual environment in
which `python -m jimu.runtime.entry` then runs the component.
"""

from __future__ import annotations

import configparser
import json
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pandas as pd
import pytest

from jimu.registry.digest import folder_digest
from jimu.registry.scaffold import jimu_version, scaffold_component
from jimu.runtime import storage

REPO = Path(__file__).resolve().parents[2]
IMAGE_DIR = "/opt/jimu/component"


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    logical, current = [], ""
    for line in dockerfile.read_text().splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        current += line.rstrip()
        if current.endswith("\\"):
            current = current[:-1] + " "
            continue
        word, _, rest = current.strip().partition(" ")
        logical.append((word.upper(), rest.strip()))
        current = ""
    return logical


def test_every_copy_source_is_inside_the_component_folder(tmp_path):
    folder = scaffold_component("scale_rows", tmp_path)
    copies = [args for word, args in instructions(folder / "Dockerfile") if word in ("COPY", "ADD")]
    assert copies
    for args in copies:
        *sources, _dest = [a for a in shlex.split(args) if not a.startswith("--")]
        for source in sources:
            assert not Path(source).is_absolute() and ".." not in Path(source).parts, source
            assert (folder / source).exists() and (folder / source).resolve().is_relative_to(folder.resolve())
    text = (folder / "Dockerfile").read_text()
    assert "requirements-runtime.txt" not in text and str(tmp_path) not in text
    assert f'ARG JIMU_REQUIREMENT="jimu[runtime]=={jimu_version()}"' in text


def test_the_runtime_extra_pins_what_requirements_runtime_pins():
    config = configparser.ConfigParser()
    config.read(REPO / "setup.cfg")
    extra = sorted(line.strip() for line in config["options.extras_require"]["runtime"].splitlines() if line.strip())
    pinned = sorted(
        line.strip() for line in (REPO / "requirements-runtime.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )
    assert extra == pinned


def test_a_wheel_in_wheels_is_not_part_of_the_component(tmp_path):
    folder = scaffold_component("scale_rows", tmp_path)
    before = folder_digest(folder)
    (folder / "wheels").mkdir()
    (folder / "wheels" / "jimu-0.1.0-py3-none-any.whl").write_bytes(b"zip")
    assert folder_digest(folder) == before


def _provide_runtime_dependencies(venv: Path, tmp_path: Path) -> None:
    """Make this environment's copies of the runtime dependencies visible to the fresh venv.

    They stand in for the package index (no network here); Jimu itself is left out, so the
    only Jimu the fresh venv can import is the one the Dockerfile's step installs.
    """
    ours = Path(sysconfig.get_paths()["purelib"])
    shelf = tmp_path / "deps"
    shelf.mkdir()
    for entry in ours.iterdir():
        lowered = entry.name.lower()
        if lowered.startswith(("jimu", "__editable__", "_jimu", "pip", "setuptools", "_distutils_hack")) or entry.suffix == ".pth":
            continue
        (shelf / entry.name).symlink_to(entry)
    [site] = venv.glob("lib/python*/site-packages")
    (site / "runtime-deps.pth").write_text(f"{shelf}\n")


@pytest.mark.slow
def test_the_install_step_installs_a_jimu_wheel_and_the_component_runs(tmp_path):
    folder = scaffold_component("scale_rows", tmp_path / "src")
    # The documented path: a Jimu wheel, built with --no-deps, dropped into wheels/.
    source = tmp_path / "jimu-source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".venv", ".jimu", ".git", "__pycache__", "*.egg-info", "build", "tests", "benchmarks", "node_modules", "dags"))
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(folder / "wheels"), str(source)],
        capture_output=True, text=True, timeout=300,
    )
    assert built.returncode == 0, built.stderr
    # COPY . /opt/jimu/component
    image_dir = tmp_path / "image" / "opt" / "jimu" / "component"
    shutil.copytree(folder, image_dir)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    _provide_runtime_dependencies(venv, tmp_path)
    [run_step] = [args for word, args in instructions(folder / "Dockerfile") if word == "RUN"]
    env = {
        "PATH": f"{venv / 'bin'}{os.pathsep}/usr/bin:/bin", "HOME": str(tmp_path),
        "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": "", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    installed = subprocess.run(["sh", "-c", run_step.replace(IMAGE_DIR, str(image_dir))],
                               capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert not (image_dir / "wheels").exists()  # the image does not keep the wheel
    python = venv / "bin" / "python"
    where = subprocess.run([str(python), "-c", "import jimu; print(jimu.__file__)"], capture_output=True, text=True,
                           env=env, cwd=tmp_path, check=True)
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout

    table_in, table_out = tmp_path / "data" / "in", tmp_path / "data" / "out"
    import pyarrow as pa

    storage.write_table(str(table_in), pa.Table.from_pandas(pd.DataFrame({"x": [1, 2], "name": ["a", "b"]})))
    invocation = {
        "version": 1, "pipeline": "p", "node": "scale", "component": "scale_rows@0.1.0", "run_id": "r1",
        "params": {"multiplier": 3}, "pipeline_params": {}, "inputs": {"table": str(table_in)},
        "outputs": {"table": str(table_out)},
    }
    (tmp_path / "invocation.json").write_text(json.dumps(invocation))
    ran = subprocess.run(
        [str(python), "-m", "jimu.runtime.entry", "--invocation-file", str(tmp_path / "invocation.json")],
        capture_output=True, text=True, env={**env, "JIMU_COMPONENT_DIR": str(image_dir)}, cwd=tmp_path, timeout=300,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "node 'scale' (scale_rows@0.1.0) done" in ran.stderr
    assert storage.read_table(str(table_out)).to_pandas()["x"].tolist() == [3, 6]
