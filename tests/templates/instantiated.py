"""A shipped template as a business user runs it: `jimu templates instantiate` with their answers, then `jimu run`."""

from __future__ import annotations

import importlib.util
import os
import uuid
from pathlib import Path
from types import ModuleType

import pandas as pd

from jimu.datasets.store import DatasetInfo, DatasetStore
from jimu.template.folder import Template
from jimu.template.instantiate import FormError, instantiate
from tests.templates.cli import jimu


def exported(relative: str) -> Path:
    return Path(os.environ["JIMU_HOME"]) / "exports" / relative


def instantiate_and_run(template: str, values: dict[str, object], folder: Path) -> str:
    """The run's stdout, after asserting both commands succeeded; `values` are the form's answers."""
    pipeline = folder / f"{template}_{uuid.uuid4().hex[:8]}.json"
    sets = [arg for name, value in values.items() for arg in ("--set", f"{name}={value}")]
    made = jimu("templates", "instantiate", template, *sets, "-o", str(pipeline))
    assert made.returncode == 0, made.stdout + made.stderr
    run = jimu("run", str(pipeline))
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout


def upload_csv(frame: pd.DataFrame, name: str) -> DatasetInfo:
    """Store a CSV as the editor's upload does; the dataset field then takes its URI."""
    info, _ = DatasetStore().add(frame.to_csv(index=False).encode(), name)
    return info


def unique_export(template: str, name: str) -> str:
    """An export path of this test alone, relative to the exports folder."""
    return f"tests/{template}_{uuid.uuid4().hex[:8]}/{name}"


def form_problems(template: Template, values: dict[str, object], lang: str = "en") -> list[tuple[str, str]]:
    """(field, message) of each problem instantiating with `values`, datasets checked as the editor checks them."""
    try:
        instantiate(template, values, lang=lang, dataset_columns=DatasetStore().columns_of)
    except FormError as exc:
        return [(p.field, p.message) for p in exc.problems]
    return []


def load_make_data(folder: Path) -> ModuleType:
    """A template's make_data.py as a module, to compute its data file again without writing it."""
    spec = importlib.util.spec_from_file_location(f"{folder.name}_make_data", folder / "make_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
