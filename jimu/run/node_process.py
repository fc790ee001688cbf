"""Run one node as a child process with a resolved invocation file: the local half of the contract."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from jimu.errors import RunError
from jimu.home import jimu_home
from jimu.runtime.exit_codes import FATAL_EXIT_CODE, SKIP_EXIT_CODE
from jimu.runtime.invocation import run_folder_name

LOG_TAIL_LINES = 30
# `jimu run` names a file here; each finished node appends one JSON line for its progress output.
PROGRESS_FILE_ENV = "JIMU_PROGRESS_FILE"


class NodeFatalError(RunError):
    """The node's component said retrying will not help (jimu.runtime.FatalError)."""


@dataclass(frozen=True)
class NodeResult:
    node: str
    seconds: float
    rows_written: dict[str, int]
    exports: list[str]
    log_file: Path
    skipped: str | None = None
    metrics: dict[str, dict[str, float]] | None = None
    warnings: tuple[str, ...] = ()


def run_root(pipeline: str, run_id: str) -> Path:
    return jimu_home() / "runs" / pipeline / run_folder_name(run_id)


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            return "".join(deque(handle, maxlen=lines))
    except OSError:
        return ""


def read_result(path: Path) -> dict:
    """The entry's result file; {} when it is missing or not what the runtime writes."""
    try:
        result = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return result if isinstance(result, dict) else {}


def run_node_process(
    invocation: dict, component_dir: Path, timeout: float | None = None, echo=None, python: str | None = None
) -> NodeResult:
    """Run `python -m jimu.runtime.entry` for a resolved invocation; raise RunError on failure."""
    node = invocation["node"]
    folder = run_root(invocation["pipeline"], invocation["run_id"]) / node
    folder.mkdir(parents=True, exist_ok=True)
    invocation_file = folder / "invocation.json"
    result_file = folder / "result.json"
    log_file = folder / "log.txt"
    invocation_file.write_text(json.dumps(invocation, sort_keys=True), encoding="utf-8")
    result_file.unlink(missing_ok=True)
    command = [
        python or sys.executable, "-m", "jimu.runtime.entry",
        "--invocation-file", str(invocation_file),
        "--component-dir", str(component_dir),
        "--result-file", str(result_file),
    ]
    started = time.perf_counter()
    with log_file.open("wb") as log:
        try:
            proc = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, timeout=timeout, check=False)
            code = proc.returncode
        except subprocess.TimeoutExpired:
            code = None
    seconds = time.perf_counter() - started
    if echo is not None:
        echo(log_file.read_text(encoding="utf-8", errors="replace"))
    result = read_result(result_file)
    # The skip and fatal codes count only with the runtime's own record of them in the result
    # file: a stray exit code never skips downstream nodes or switches retries off.
    if code == SKIP_EXIT_CODE and isinstance(result.get("skipped"), str):
        return NodeResult(node, seconds, {}, [], log_file, skipped=result["skipped"])
    if code == FATAL_EXIT_CODE and isinstance(result.get("fatal"), str):
        raise NodeFatalError(
            f"node {node!r} ({invocation['component']}) failed and is not retried (retrying will not help): "
            f"{result['fatal']}; log: {log_file}\n--- last lines of its log ---\n{log_tail(log_file)}"
        )
    if code != 0:
        why = f"timed out after {timeout:.0f} s" if code is None else f"exited with code {code}"
        raise RunError(
            f"node {node!r} ({invocation['component']}) {why}; log: {log_file}\n"
            f"--- last lines of its log ---\n{log_tail(log_file)}"
        )
    return NodeResult(
        node, seconds, result.get("rows_written", {}), result.get("exports", []), log_file,
        metrics=result.get("metrics", {}), warnings=tuple(result.get("warnings", ())),
    )
