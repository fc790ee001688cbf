"""Run a built-in component through the real entry point, in-process, on small real tables."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from jimu.runtime import entry, storage


@dataclass
class ComponentRun:
    exit_code: int
    outputs: dict[str, str]
    result: dict

    def table(self, port: str = "table") -> pd.DataFrame:
        return storage.read_table(self.outputs[port]).to_pandas()


@pytest.fixture
def run_component(tmp_path, catalog, jimu_home):
    def run(name: str, params: dict, inputs: dict | None = None, pipeline_params: dict | None = None) -> ComponentRun:
        comp = catalog.require(f"{name}@1.0.0")
        base = tmp_path / "data"
        resolved_inputs = {}
        for port, value in (inputs or {}).items():
            if isinstance(value, dict):
                resolved_inputs[port] = {}
                for upstream, frame in value.items():
                    uri = str(base / upstream / "table")
                    storage.write_table(uri, pa.Table.from_pandas(frame, preserve_index=False))
                    resolved_inputs[port][upstream] = uri
            else:
                uri = str(base / f"upstream_{port}" / "table")
                storage.write_table(uri, pa.Table.from_pandas(value, preserve_index=False))
                resolved_inputs[port] = uri
        outputs = {p.name: str(base / "node" / p.name) for p in comp.spec.outputs}
        invocation = {
            "version": 1, "pipeline": "p", "node": "node", "component": comp.spec.ref, "run_id": "r1",
            "params": params, "pipeline_params": pipeline_params or {}, "inputs": resolved_inputs, "outputs": outputs,
        }
        inv_file, result_file = tmp_path / "invocation.json", tmp_path / "result.json"
        inv_file.write_text(json.dumps(invocation), encoding="utf-8")
        code = entry.main(["--invocation-file", str(inv_file), "--component-dir", str(comp.folder), "--result-file", str(result_file)])
        result = json.loads(result_file.read_text()) if result_file.exists() else {}
        return ComponentRun(code, outputs, result)

    return run
