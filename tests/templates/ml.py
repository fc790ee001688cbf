"""What the classification and regression template tests share: a template instantiated as the gallery and
`jimu templates instantiate` do, run by `jimu run`, what its nodes wrote, and its preparation of a table
redone with pandas alone (the independent computation the results are held against)."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from pandas.api import types
from sklearn.model_selection import train_test_split

from jimu.datasets.store import DatasetStore
from jimu.runtime import storage
from jimu.runtime.charts import read_charts
from jimu.serving.manager import list_deployments, stop
from jimu.template.instantiate import FormError, instantiate
from jimu.validate import validate_pipeline
from tests.templates.cli import jimu

# The templates' split node: 25% held out with seed 7; train's random_state is the same seed.
TEST_FRACTION, SEED = 0.25, 7


def instantiated(templates, catalog, name: str, values: dict[str, Any], out: Path) -> Path:
    """`name` filled in with `values` by the API (columns from the dataset store, as the editor does) and by the
    CLI; both write the same valid pipeline, whose file is returned."""
    by_api = instantiate(templates.require(name), values, dataset_columns=DatasetStore().columns_of)
    assert validate_pipeline(by_api, catalog).ok
    sets = [f"--set={field}={value}" for field, value in values.items()]
    proc = jimu("templates", "instantiate", name, *sets, "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(out.read_text(encoding="utf-8")) == by_api
    return out


@dataclass
class TemplateRun:
    """A finished `jimu run`: its output and the folder of its nodes' data."""

    stdout: str
    data: Path

    def table(self, node: str, port: str = "table") -> pd.DataFrame:
        return storage.read_table(str(self.data / node / port)).to_pandas()

    def metrics(self) -> dict[str, Any]:
        return storage.read_json(str(self.data / "evaluate" / "metrics"), storage.METRICS_FILE)

    def charts(self) -> dict[str, dict]:
        return {chart["name"]: chart["spec"] for chart in read_charts(self.data / "evaluate" / "metrics")}


def run_pipeline(path: Path, *params: str, ok: bool = True) -> TemplateRun:
    proc = jimu("run", str(path), *(arg for param in params for arg in ("--param", param)))
    assert (proc.returncode == 0) == ok, proc.stdout + proc.stderr
    data = re.search(r"step data: (\S+)", proc.stdout)
    return TemplateRun(proc.stdout + proc.stderr, Path(data.group(1)) if data else Path())


def uploaded(csv: Path) -> tuple[Path, str]:
    """`csv` added to the dataset store as the editor's upload adds it: the file and its dataset URI."""
    info, _ = DatasetStore().add(csv.read_bytes(), csv.name)
    return csv, info.uri


def failed_run_with_label(templates, catalog, name: str, data: str, label: str, out: Path) -> str:
    """What `jimu run` says when `name` on dataset `data` predicts `label` and the run fails."""
    return run_pipeline(instantiated(templates, catalog, name, {"data": data, "label": label}, out), ok=False).stdout


def prepared(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    """The templates' preparation by pandas: rows with a label; text columns but the label one-hot encoded (1/0),
    yes/no columns as 1/0; missing numbers filled with their column's mean."""
    frame = frame[frame[label].notna()].reset_index(drop=True)
    frame = frame.astype({c: "int64" for c in frame.columns if c != label and types.is_bool_dtype(frame[c])})
    text = [c for c in frame.columns if c != label and (types.is_string_dtype(frame[c]) or frame[c].dtype == object)]
    frame = pd.get_dummies(frame, columns=text, dtype="int64")
    return frame.fillna({c: frame[c].mean() for c in frame.columns if frame[c].isna().any()})


def held_out_model(frame: pd.DataFrame, label: str, estimator, stratify: bool):
    """The template's model rebuilt with pandas and scikit-learn alone: the held-out rows, `estimator` fitted on
    the other rows, its features."""
    data = prepared(frame, label)
    train, test = train_test_split(data, test_size=TEST_FRACTION, random_state=SEED,
                                   stratify=data[label] if stratify else None)
    features = [c for c in data.columns if c != label]
    return test.reset_index(drop=True), estimator.fit(train[features], train[label]), features


def values(spec: dict) -> list[dict]:
    return spec["data"]["values"]


def serving(name: str) -> bool:
    """Whether a model server of that deployment name runs."""
    return any(d.name == name and d.status == "alive" for d in list_deployments())


@contextmanager
def stopped_afterwards(name: str):
    """The deployment name of one test module; its model server is stopped when the module is done."""
    try:
        yield name
    finally:
        if any(d.name == name for d in list_deployments()):
            stop(name)
        assert not serving(name)


def assert_unknown_label_refused(template, lang: str, words: str, out: Path) -> None:
    """A label that is no column of the data: the API and the CLI both refuse it with `words`, writing nothing."""
    with pytest.raises(FormError) as caught:
        instantiate(template, {"label": "colour"}, lang=lang, dataset_columns=DatasetStore().columns_of)
    [problem] = caught.value.problems
    assert problem.field == "label" and problem.message.startswith(words)
    proc = jimu("templates", "instantiate", template.name, "--set", "label=colour", "--lang", lang, "-o", str(out))
    assert proc.returncode == 1 and f"error: {words}" in proc.stderr, (proc.returncode, proc.stdout, proc.stderr)
    assert not out.exists()
