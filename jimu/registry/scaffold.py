"""`jimu components new NAME`: a working component folder to start from."""

from __future__ import annotations

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

DOCKERFILE = """\
# Image for the {name} component: Jimu's runtime plus this folder at /opt/jimu/component.
# Build from the Jimu repository root: docker build -f {folder}/Dockerfile -t jimu/{name}:0.1.0 .
FROM python:3.11-slim
WORKDIR /opt/jimu
COPY . /src
RUN pip install --no-cache-dir -r /src/requirements-runtime.txt && pip install --no-cache-dir --no-deps /src
COPY {folder} /opt/jimu/component
ENV JIMU_COMPONENT_DIR=/opt/jimu/component
CMD ["python", "-m", "jimu.runtime.entry", "--help"]
"""

TEST_PY = '''\
"""Run with: python -m pytest {folder}"""

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


def scaffold_component(name: str, parent: Path) -> Path:
    """Create parent/name with a spec, code, Dockerfile and test; refuse to overwrite."""
    if not COMPONENT_NAME.accepts(name):
        raise ComponentError(f"component name {name!r}: use lowercase letters, digits, '_' or '-', starting with a letter")
    folder = parent / name
    if folder.exists():
        raise ComponentError(f"{folder} already exists; pick another name or remove it")
    folder.mkdir(parents=True)
    title = name.replace("_", " ").replace("-", " ").capitalize()
    values = {"name": name, "title": title, "folder": folder.as_posix()}
    (folder / "component.yaml").write_text(COMPONENT_YAML.format(**values), encoding="utf-8")
    (folder / "main.py").write_text(MAIN_PY.format(**values), encoding="utf-8")
    (folder / "Dockerfile").write_text(DOCKERFILE.format(**values), encoding="utf-8")
    (folder / f"test_{name.replace('-', '_')}.py").write_text(TEST_PY.format(**values), encoding="utf-8")
    return folder
