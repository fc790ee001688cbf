"""Run a component folder on small tables, the way a pipeline would: for component tests."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from jimu.catalog import load_component
from jimu.errors import SpecError
from jimu.refs import RUN_REF_KEY, substitute_param_references
from jimu.runtime import entry, storage
from jimu.runtime.run_values import make_run_values

TEST_NODE = "node"


@dataclass
class ComponentRun:
    """How the run ended: `exit_code` (see jimu.runtime.exit_codes), output port -> URI, the result file."""

    exit_code: int
    outputs: dict[str, str]
    result: dict

    def table(self, port: str = "table"):
        """An output table as a pandas DataFrame."""
        return storage.read_table(self.outputs[port]).to_pandas()

    def metrics(self, port: str = "metrics") -> dict:
        return storage.read_json(self.outputs[port], storage.METRICS_FILE)


def _write_input(uri: str, frame) -> str:
    table = frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)
    storage.write_table(uri, table)
    return uri


def run_component(
    folder: str | Path,
    params: dict[str, Any],
    inputs: dict[str, Any] | None = None,
    pipeline_params: dict[str, Any] | None = None,
    workdir: str | Path | None = None,
    check_params: bool = True,
    run_values: Any = None,
) -> ComponentRun:
    """Run the component's entrypoint through `jimu.runtime.entry`, in this process.

    `params` are checked against the component's params schema as `jimu validate` checks a
    node's (SpecError with the same messages), `{"$param": name}` takes `pipeline_params[name]`,
    and defaults fill in what is not set, as in a pipeline run (`check_params=False` skips the
    check, to test the component's own guard against values a pipeline param brings at run
    time). `run_values` (jimu.runtime.run_values.make_run_values) are what `ctx.run`, `:ds` in
    SQL and `{"$run": name}` see; by default a manual run with no logical date. `inputs` maps a port to a
    DataFrame (or pyarrow Table), to {upstream id: DataFrame} for ports that take several
    tables, or to a URI string of data already written.
    """
    from jimu.validate.rules_params import node_param_issues

    folder = Path(folder)
    spec = load_component(folder, check_folder_name=False).spec
    pipeline_params = dict(pipeline_params or {})
    declared = {name: {"default": value} for name, value in pipeline_params.items()}
    issues = list(node_param_issues(spec, params, declared, "$.nodes[0].params", TEST_NODE)) if check_params else []
    if issues:
        raise SpecError(f"params of {spec.ref}", issues)
    run = run_values if run_values is not None else make_run_values(run_id="test_run")
    base = Path(workdir or tempfile.mkdtemp(prefix="jimu-component-test-"))
    base.mkdir(parents=True, exist_ok=True)
    resolved: dict[str, Any] = {}
    for port, value in (inputs or {}).items():
        if isinstance(value, str):
            resolved[port] = value
        elif isinstance(value, dict):
            resolved[port] = {up: _write_input(str(base / "in" / port / up), frame) for up, frame in value.items()}
        else:
            resolved[port] = _write_input(str(base / "in" / port), value)
    outputs = {p.name: str(base / "out" / p.name) for p in spec.outputs}
    invocation = {
        "version": 1, "pipeline": "test", "node": TEST_NODE, "component": spec.ref, "run_id": run["run_id"],
        "params": substitute_param_references(substitute_param_references(params, run, RUN_REF_KEY), pipeline_params),
        "pipeline_params": pipeline_params, "run": dict(run),
        "inputs": resolved, "outputs": outputs,
    }
    invocation_file, result_file = base / "invocation.json", base / "result.json"
    invocation_file.write_text(json.dumps(invocation), encoding="utf-8")
    code = entry.main([
        "--invocation-file", str(invocation_file), "--component-dir", str(folder), "--result-file", str(result_file),
    ])
    result = json.loads(result_file.read_text(encoding="utf-8")) if result_file.exists() else {}
    return ComponentRun(code, outputs, result)
