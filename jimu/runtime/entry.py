"""`python -m jimu.runtime.entry`: run one component, in a pod or a local process.

Pods pass the static invocation with the run id and the run's params (rendered by Airflow);
local processes pass a resolved invocation file. Either way the component's `run(ctx)` sees
the same document.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
import traceback
from pathlib import Path

from jimu.runtime.context import SKIP_EXIT_CODE, ComponentContext, SkipDownstream
from jimu.runtime.invocation import resolve_invocation
from jimu.strict_yaml import load_yaml

COMPONENT_DIR_ENV = "JIMU_COMPONENT_DIR"
POD_COMPONENT_DIR = "/opt/jimu/component"
VALUE_OPTIONS = frozenset(
    {"--invocation", "--invocation-file", "--run-id", "--params", "--component-dir", "--result-file"}
)


def split_values(argv: list[str]) -> tuple[dict[str, str], list[str]]:
    """Values of VALUE_OPTIONS, taken verbatim (`--opt value` or `--opt=value`), and the rest."""
    values, rest, i = {}, [], 0
    while i < len(argv):
        option, eq, value = argv[i].partition("=")
        if option in VALUE_OPTIONS and (eq or i + 1 < len(argv)):
            values[option] = value if eq else argv[i + 1]
            i += 1 if eq else 2
        else:
            rest.append(argv[i])
            i += 1
    return values, rest


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m jimu.runtime.entry", description=__doc__)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--invocation", help="static invocation JSON (pods)")
    source.add_argument("--invocation-file", help="resolved invocation JSON file (local runs)")
    parser.add_argument("--run-id", help="with --invocation: the Airflow run id")
    parser.add_argument("--params", default="{}", help="with --invocation: the run's params, JSON")
    parser.add_argument("--component-dir", help=f"default: ${COMPONENT_DIR_ENV} or {POD_COMPONENT_DIR}")
    parser.add_argument("--result-file", help="write {rows_written, seconds} here on success")
    # Values are data: argparse would read a run id such as "-rerun" (Airflow allows it) as
    # an option and drop one that is "--", failing every pod of the run. It checks which
    # options were given; their values are set verbatim.
    values, rest = split_values(list(sys.argv[1:] if argv is None else argv))
    args = parser.parse_args(rest + [f"{option}=-" for option in values])
    for option, value in values.items():
        setattr(args, option[2:].replace("-", "_"), value)
    return args


def load_invocation(args: argparse.Namespace) -> dict:
    if args.invocation_file:
        return json.loads(Path(args.invocation_file).read_text(encoding="utf-8"))
    if not args.run_id:
        raise SystemExit("--run-id is required with --invocation")
    return resolve_invocation(
        json.loads(args.invocation), run_id=args.run_id, pipeline_params=json.loads(args.params)
    )


def read_component_spec(component_dir: Path) -> dict:
    return load_yaml((component_dir / "component.yaml").read_text(encoding="utf-8"))


def with_defaults(params: dict, spec: dict) -> dict:
    """Node params over the defaults the component's params schema declares."""
    properties = (spec.get("params") or {}).get("properties") or {}
    defaults = {k: v["default"] for k, v in properties.items() if isinstance(v, dict) and "default" in v}
    return {**defaults, **params}


def load_entrypoint(component_dir: Path, spec: dict):
    entrypoint = (spec.get("runtime") or {}).get("entrypoint", "main.py:run")
    file_name, _, func_name = entrypoint.partition(":")
    path = (component_dir / file_name).resolve()
    if component_dir.resolve() not in path.parents:
        raise SystemExit(f"entrypoint {entrypoint!r} points outside {component_dir}")
    module_spec = importlib.util.spec_from_file_location(f"jimu_component_{spec['name']}", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return getattr(module, func_name)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    invocation = load_invocation(args)
    component_dir = Path(args.component_dir or os.environ.get(COMPONENT_DIR_ENV) or POD_COMPONENT_DIR)
    spec = read_component_spec(component_dir)
    invocation = {**invocation, "params": with_defaults(invocation["params"], spec)}
    ctx = ComponentContext(invocation)
    try:
        run = load_entrypoint(component_dir, spec)
        run(ctx)
    except SkipDownstream as skip:
        print(f"jimu: node {ctx.node!r} skips its downstream nodes: {skip}", file=sys.stderr)
        if args.result_file:
            Path(args.result_file).write_text(json.dumps({"skipped": str(skip)}), encoding="utf-8")
        return SKIP_EXIT_CODE
    except Exception as exc:  # the component's own failure: say which node, then exit non-zero
        traceback.print_exc()
        print(
            f"jimu: node {ctx.node!r} ({invocation['component']}) failed: "
            f"{type(exc).__name__}: {exc}",
            file=sys.stderr,
        )
        return 1
    result = {"rows_written": ctx.rows_written, "exports": ctx.exports, "metrics": ctx.metrics_written, "seconds": round(time.perf_counter() - started, 3)}
    if args.result_file:
        Path(args.result_file).write_text(json.dumps(result), encoding="utf-8")
    print(f"jimu: node {ctx.node!r} done: {json.dumps(result, sort_keys=True)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
