"""The pyalink component, run in its own Python 3.8 environment, against scikit-learn.

PyAlink 1.6 runs on Python <= 3.8 only, so the component cannot run in Jimu's process: Jimu's
environment manager builds (once per JIMU_HOME) its Python 3.8 environment from the component's
locked requirements (installed with --no-deps: pyalink declares ranges that no longer resolve),
and the test runs the real entry point in it,
`python3.8 -m jimu.runtime.entry --invocation-file ... --component-dir components/pyalink`.
Needs `java` (8+) on PATH; the first build downloads about 360 MB.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from jsonschema import Draft202012Validator

from jimu.catalog import load_component
from jimu.run.envs import python_for
from jimu.runtime import storage

REPO = Path(__file__).resolve().parents[2]
FOLDER = REPO / "components" / "pyalink"
AGREEMENT = 0.95


@pytest.fixture(scope="session")
def spec():
    return load_component(FOLDER).spec


@pytest.fixture(scope="session")
def pyalink_python(catalog) -> str:
    """The component's own Python 3.8 environment, built by Jimu's environment manager."""
    return python_for(catalog.require("pyalink@1.0.0"))


@pytest.fixture(scope="session")
def breast_cancer() -> pd.DataFrame:
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    frame = pd.DataFrame(data.data, columns=[f"f{i}" for i in range(data.data.shape[1])])
    frame["label"] = data.target.astype("int64")
    return frame


def sklearn_predictions(frame: pd.DataFrame) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    features = frame.drop(columns="label").to_numpy()
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    return model.fit(features, frame["label"]).predict(features)


def run_in_py38(python: str, spec, params: dict, frame: pd.DataFrame, workdir: Path):
    """Run the component through the entry point in its own interpreter; the output table."""
    storage.write_table(str(workdir / "in"), _arrow(frame))
    invocation = {
        "version": 1, "pipeline": "test", "node": "alink", "component": spec.ref, "run_id": "test_run",
        "params": params, "pipeline_params": {}, "inputs": {"table": str(workdir / "in")},
        "outputs": {"table": str(workdir / "out")},
    }
    invocation_file, result_file = workdir / "invocation.json", workdir / "result.json"
    invocation_file.write_text(json.dumps(invocation), encoding="utf-8")
    proc = subprocess.run(
        [python, "-m", "jimu.runtime.entry", "--invocation-file", str(invocation_file),
         "--component-dir", str(FOLDER), "--result-file", str(result_file)],
        cwd=workdir, capture_output=True, text=True, timeout=600,
        env={**os.environ, "JIMU_HOME": str(workdir / "home"), "PYTHONPATH": ""},
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    result = json.loads(result_file.read_text(encoding="utf-8"))
    assert result["rows_written"] == {"table": len(frame)}
    return storage.read_table(str(workdir / "out")).to_pandas()


def _arrow(frame: pd.DataFrame):
    import pyarrow as pa

    return pa.Table.from_pandas(frame, preserve_index=False)


def agreement(predicted, expected) -> float:
    return float(np.mean(np.asarray(predicted).astype("int64") == np.asarray(expected)))


@pytest.mark.slow
def test_chain_scaler_and_logistic_regression_agree_with_sklearn(pyalink_python, spec, breast_cancer, tmp_path):
    features = [c for c in breast_cancer.columns if c != "label"]
    chain = [
        {"op": "StandardScaler", "columns": features},
        {"op": "LogisticRegression", "features": features, "label": "label", "params": {"maxIter": 100}},
    ]
    out = run_in_py38(pyalink_python, spec, {"chain": chain}, breast_cancer, tmp_path)
    assert list(out.columns[: len(breast_cancer.columns)]) == list(breast_cancer.columns)
    assert out["label"].tolist() == breast_cancer["label"].tolist()  # row order is kept
    rate = agreement(out["prediction"], sklearn_predictions(breast_cancer))
    print(f"pyalink chain vs scikit-learn: agreement {rate:.4f}")
    assert rate >= AGREEMENT


SCRIPT = '''
from pyalink.alink import Pipeline, StandardScaler, LogisticRegression

def transform(source_op, params):
    features = [c for c in source_op.getColNames() if c != params["label"]]
    pipeline = Pipeline(
        StandardScaler().setSelectedCols(features),
        LogisticRegression().setFeatureCols(features).setLabelCol(params["label"]).setPredictionCol("pred"),
    )
    return pipeline.fit(source_op).transform(source_op).select(params["label"] + ", pred")
'''


@pytest.mark.slow
def test_script_agrees_with_sklearn(pyalink_python, spec, breast_cancer, tmp_path):
    out = run_in_py38(pyalink_python, spec, {"script": SCRIPT, "args": {"label": "label"}}, breast_cancer, tmp_path)
    assert list(out.columns) == ["label", "pred"]
    assert agreement(out["pred"], sklearn_predictions(breast_cancer)) >= AGREEMENT


def test_params_need_exactly_one_of_script_and_chain(spec):
    validator = Draft202012Validator(spec.params)
    assert validator.is_valid({"script": "def transform(op, params): return op"})
    assert validator.is_valid({"chain": [{"op": "StandardScaler", "columns": ["a"]}]})
    assert not validator.is_valid({})
    assert not validator.is_valid({"script": "x", "chain": [{"op": "StandardScaler"}]})
    assert not validator.is_valid({"chain": [{"op": "StandardScaler", "colums": ["a"]}]})
    assert spec.runtime.python == "3.8" and any(r.startswith("pyalink==") for r in spec.runtime.requirements)
