"""`python -m jimu.runtime.entry`: run one component, in a pod or a local process.

Pods pass the static invocation with the run id, the run's params and its run values (rendered
by Airflow);
local processes pass a resolved invocation file. Either way the component's `run(ctx)` sees
the same document.

The component runs in a forked child; this process only waits for it and picks the exit code
(see jimu.runtime.exit_codes). Whatever the component's code does (sys.exit(99), os._exit(98),
being killed), it cannot make the node skip its downstream nodes or fail without retries:
only ctx.skip_downstream and FatalError can, through the child's report on a private pipe.
"""

from __future__ import annotations

import argparse
import atexit
import importlib.util
import json
import logging
import os
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import NoReturn

from jimu.runtime.context import ComponentContext, FatalError, SkipDownstream
from jimu.runtime.exit_codes import FAILED_EXIT_CODE, FATAL_EXIT_CODE, SKIP_EXIT_CODE, SUCCESS_EXIT_CODE
from jimu.runtime.invocation import resolve_invocation
from jimu.runtime.run_values import fill_placeholders, path_params, run_values_from_json
from jimu.strict_yaml import load_yaml

COMPONENT_DIR_ENV = "JIMU_COMPONENT_DIR"
POD_COMPONENT_DIR = "/opt/jimu/component"
VALUE_OPTIONS = frozenset(
    {"--invocation", "--invocation-file", "--run-id", "--params", "--run-values", "--component-dir", "--result-file"}
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
    parser.add_argument("--run-values", help="with --invocation: the run's values (jimu.runtime.run_values), JSON")
    parser.add_argument("--component-dir", help=f"default: ${COMPONENT_DIR_ENV} or {POD_COMPONENT_DIR}")
    parser.add_argument(
        "--result-file", help="write {rows_written, seconds} here on success, {skipped} or {fatal} otherwise"
    )
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
        raise SystemExit("--run-id is required with --invocation")  # a Jimu bug, not the user's
    run_values = run_values_from_json(args.run_values) if args.run_values else None
    return resolve_invocation(
        json.loads(args.invocation), run_id=args.run_id, pipeline_params=json.loads(args.params),
        run_values=run_values,
    )


def read_component_spec(component_dir: Path) -> dict:
    return load_yaml((component_dir / "component.yaml").read_text(encoding="utf-8"))


def with_defaults(params: dict, spec: dict) -> dict:
    """Node params over the defaults the component's params schema declares."""
    properties = (spec.get("params") or {}).get("properties") or {}
    defaults = {k: v["default"] for k, v in properties.items() if isinstance(v, dict) and "default" in v}
    return {**defaults, **params}


def with_run_placeholders(params: dict, spec: dict, invocation: dict) -> dict:
    """Path params with their {ds}-style placeholders filled from the run's values."""
    run = invocation.get("run") or {}
    filled = {key: fill_placeholders(params[key], run) for key in path_params(spec.get("params") or {})
              if isinstance(params.get(key), str)}
    return {**params, **filled}


def load_entrypoint(component_dir: Path, spec: dict):
    entrypoint = (spec.get("runtime") or {}).get("entrypoint", "main.py:run")
    file_name, _, func_name = entrypoint.partition(":")
    path = (component_dir / file_name).resolve()
    if component_dir.resolve() not in path.parents:
        raise FatalError(f"entrypoint {entrypoint!r} points outside {component_dir}; fix runtime.entrypoint")
    module_spec = importlib.util.spec_from_file_location(f"jimu_component_{spec['name']}", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return getattr(module, func_name)


# How a component ends on purpose; said whenever its code ends some other way.
HOW_TO_END = (
    "a component ends by returning from run(ctx); it skips its downstream nodes with "
    "ctx.skip_downstream(reason) and fails by raising an exception (jimu.runtime.FatalError: not retried)"
)


def describe_exit(exc: BaseException) -> str:
    """What a BaseException that is no Exception (sys.exit, Ctrl-C) says about the component's code."""
    if isinstance(exc, SystemExit):
        code = exc.code
        status = 0 if code is None else code if isinstance(code, int) else 1
        return f"its code exited with sys.exit({code!r}) (exit code {status})"
    if isinstance(exc, KeyboardInterrupt):
        return "its code was interrupted (KeyboardInterrupt: Ctrl-C or SIGINT)"
    return f"its code raised {type(exc).__name__}: {exc}"


def write_result(args: argparse.Namespace, result: dict) -> None:
    if args.result_file:
        Path(args.result_file).write_text(json.dumps(result), encoding="utf-8")


def run_node(args: argparse.Namespace, invocation: dict) -> int:
    """Run the component in this process; the exit code it earned (see jimu.runtime.exit_codes)."""
    started = time.perf_counter()
    component_dir = Path(args.component_dir or os.environ.get(COMPONENT_DIR_ENV) or POD_COMPONENT_DIR)
    spec = read_component_spec(component_dir)
    invocation = {**invocation, "params": with_run_placeholders(with_defaults(invocation["params"], spec), spec, invocation)}
    ctx = ComponentContext(invocation)
    where = f"jimu: node {ctx.node!r} ({invocation['component']})"
    try:
        run = load_entrypoint(component_dir, spec)
        run(ctx)
    except SkipDownstream as skip:
        print(f"{where} skips its downstream nodes: {skip}", file=sys.stderr)
        write_result(args, {"skipped": str(skip)})
        return SKIP_EXIT_CODE
    except FatalError as exc:
        print(f"{where} failed; retrying will not help, so it is not retried: {exc}", file=sys.stderr)
        write_result(args, {"fatal": str(exc)})
        return FATAL_EXIT_CODE
    except Exception as exc:  # the component's own failure: say which node, then exit non-zero
        traceback.print_exc()
        print(f"{where} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return FAILED_EXIT_CODE
    except BaseException as exc:  # noqa: BLE001 - sys.exit() or Ctrl-C in user code is a failure, never a skip
        print(f"{where} failed: {describe_exit(exc)}; {HOW_TO_END}", file=sys.stderr)
        return FAILED_EXIT_CODE
    result = {
        "rows_written": ctx.rows_written, "exports": ctx.exports, "metrics": ctx.metrics_written,
        "seconds": round(time.perf_counter() - started, 3),
    }
    if ctx.warnings:
        result["warnings"] = ctx.warnings
    write_result(args, result)
    print(f"{where} done: {json.dumps(result, sort_keys=True)}", file=sys.stderr)
    return SUCCESS_EXIT_CODE


def main(argv: list[str] | None = None) -> int:
    """Run the node in this process and return its exit code (jimu.testing uses this)."""
    args = parse_args(argv)
    return run_node(args, load_invocation(args))


def describe_status(status: int, reported: int | None) -> str:
    """How the component's process ended, when it did not end the way Jimu ends it."""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        name = signal.Signals(number).name if number in signal.valid_signals() else f"signal {number}"
        hint = "out of memory, or killed from outside" if number == signal.SIGKILL else "killed from outside or by its code"
        return f"its process was killed by {name} ({number}): {hint}; a retry may help"
    code = os.waitstatus_to_exitcode(status)
    if reported is None:
        why = f"its code ended the process with exit code {code} (os._exit() or a crash) before the node finished"
    else:
        why = f"its process exited with code {code} while shutting down, after the node finished (atexit or a thread)"
    return f"{why}; {HOW_TO_END}"


def leave_child() -> NoReturn:
    """End the forked child once it has reported: atexit functions run and output is flushed,
    but the interpreter is not torn down.

    Tearing it down runs C++ destructors of native libraries in a forked process (seen: pyarrow's
    thread pool aborting with "terminate called without an active exception", failing a node
    that had finished) and waits for every non-daemon thread the component left running.
    """
    try:
        atexit._run_exitfuncs()
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(0)


def supervise(argv: list[str] | None = None) -> int:
    """`python -m jimu.runtime.entry`: fork, run the node in the child, return the exit code it earned.

    The child reports its exit code on a pipe only the runtime writes; a child that exits any
    other way (os._exit, a signal, a non-zero status after reporting) fails the node.
    """
    args = parse_args(argv)
    invocation = load_invocation(args)
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: run the component, report, then leave without finalization
        os.close(read_end)
        code = run_node(args, invocation)
        os.write(write_end, bytes([code]))
        os.close(write_end)
        leave_child()
    os.close(write_end)
    # As PID 1 of a container this process gets the kubelet's SIGTERM: pass it on. Ctrl-C
    # reaches the child through the process group; this process just waits for its report.
    signal.signal(signal.SIGTERM, lambda signum, frame: os.kill(pid, signum))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _, status = os.waitpid(pid, 0)
    os.set_blocking(read_end, False)  # a grandchild may hold the pipe open: never wait on it
    try:
        report = os.read(read_end, 1)
    except BlockingIOError:
        report = b""
    os.close(read_end)
    reported = report[0] if report else None
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and reported is not None:
        return reported
    print(
        f"jimu: node {invocation['node']!r} ({invocation['component']}) failed: {describe_status(status, reported)}",
        file=sys.stderr,
    )
    return FAILED_EXIT_CODE


if __name__ == "__main__":
    sys.exit(supervise())
