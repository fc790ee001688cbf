"""`jimu components new NAME`: a working component folder to start from."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from jimu.errors import ComponentError
from jimu.refs import COMPONENT_NAME

COMPONENT_YAML = """\
name: {name}
version: 0.1.0
title: {title}
description: What this component does, in one or two sentences.
category: transform
inputs:
  - name: table
    type: table
    description: the rows to process
outputs:
  - name: table
    type: table
    description: the processed rows
params:
  type: object
  additionalProperties: false
  properties:
    multiplier:
      type: number
      default: 1
      description: an example param; every numeric column is multiplied by it
runtime:
  image: jimu/{name}:0.1.0
  entrypoint: main.py:run
  python: "3.11"
  requirements: []
"""

MAIN_PY = '''\
"""{title}: reads `table`, writes `table`."""

from __future__ import annotations


def run(ctx) -> None:
    frame = ctx.read_table("table")
    numeric = frame.select_dtypes("number").columns
    frame[numeric] = frame[numeric] * ctx.params.get("multiplier", 1)
    ctx.log(f"processed {{len(frame)}} rows")
    ctx.write_table("table", frame)
'''

# Built with the component's own folder as the build context, so it builds anywhere the folder
# is. Jimu's runtime comes from the package index, or from a wheel placed in wheels/.
DOCKERFILE = """\
# Image for the {name} component: Jimu's runtime plus this folder at /opt/jimu/component.
# Build from this folder:  docker build -t jimu/{name}:0.1.0 .
# Jimu is installed from the package index ($JIMU_REQUIREMENT), or from a wheel in wheels/ if there
# is one:  pip wheel --no-deps -w wheels <Jimu's source folder>   (README, "Publishing a component").
# Packages listed in component.yaml runtime.requirements go in the pip install line below.
FROM python:3.11-slim
ARG JIMU_REQUIREMENT="jimu[runtime]=={jimu_version}"
WORKDIR /opt/jimu
COPY . /opt/jimu/component
RUN set -e; cd /opt/jimu/component; \\
    wheel="$(ls wheels/jimu-*.whl 2>/dev/null | tail -n 1)"; \\
    if [ -n "$wheel" ]; then pip install --no-cache-dir "$wheel[runtime]"; \\
    else pip install --no-cache-dir "$JIMU_REQUIREMENT"; fi; \\
    rm -rf wheels
ENV JIMU_COMPONENT_DIR=/opt/jimu/component
CMD ["python", "-m", "jimu.runtime.entry", "--help"]
"""

TEST_PY = '''\
"""Run with: python -m pytest {folder}"""

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pandas as pd

from jimu.testing import run_component

HERE = Path(__file__).resolve().parent


def test_multiplies_numeric_columns(tmp_path):
    frame = pd.DataFrame({{"x": [1, 2], "name": ["a", "b"]}})
    run = run_component(HERE, {{"multiplier": 3}}, inputs={{"table": frame}}, workdir=tmp_path)
    assert run.exit_code == 0
    assert run.table()["x"].tolist() == [3, 6]
'''


def jimu_version() -> str:
    """The installed Jimu's version: what a scaffolded image installs by default."""
    try:
        return version("jimu")
    except PackageNotFoundError:  # running from a source tree without installing it
        return "0.1.0"


def scaffold_component(name: str, parent: Path) -> Path:
    """Create parent/name with a spec, code, Dockerfile and test; refuse to overwrite."""
    if not COMPONENT_NAME.accepts(name):
        raise ComponentError(f"component name {name!r}: use lowercase letters, digits, '_' or '-', starting with a letter")
    folder = parent / name
    if folder.exists():
        raise ComponentError(f"{folder} already exists; pick another name or remove it")
    folder.mkdir(parents=True)
    title = name.replace("_", " ").replace("-", " ").capitalize()
    values = {"name": name, "title": title, "folder": folder.as_posix(), "jimu_version": jimu_version()}
    (folder / "component.yaml").write_text(COMPONENT_YAML.format(**values), encoding="utf-8")
    (folder / "main.py").write_text(MAIN_PY.format(**values), encoding="utf-8")
    (folder / "Dockerfile").write_text(DOCKERFILE.format(**values), encoding="utf-8")
    (folder / f"test_{name.replace('-', '_')}.py").write_text(TEST_PY.format(**values), encoding="utf-8")
    return folder
