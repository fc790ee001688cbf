"""JimuComponentOperator: one pipeline node, run as a local process with the pod's contract."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Sequence
from functools import lru_cache

from airflow.sdk import BaseOperator


def _catalog(root: str | None):
    # Read what `jimu run` (or `jimu components publish`) published; never publish from a task,
    # so an unrelated component being edited cannot fail this run. Cached while the store's
    # index is unchanged: the warm runner lives across publishes.
    from jimu.registry.store import INDEX_FILE, CatalogStore

    index = CatalogStore(root).root / INDEX_FILE
    try:
        stat = index.stat()
        stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    except OSError:
        stamp = None
    return _catalog_as_of(root, stamp)


@lru_cache(maxsize=4)
def _catalog_as_of(root: str | None, index_stamp):
    from jimu.catalog import ComponentCatalog
    from jimu.registry.store import CatalogStore

    return ComponentCatalog.from_store(CatalogStore(root))


class JimuComponentOperator(BaseOperator):
    """Runs a component in a child process: params and input/output URIs as in a pod."""

    # User text is data: only run_values, a template the compiler writes itself
    # (jimu.runtime.run_values.RUN_VALUES_TEMPLATE), is rendered by Jinja.
    template_fields: Sequence[str] = ("run_values",)
    ui_color = "#f6d186"

    def __init__(
        self, *, invocation: dict, run_values: str | None = None, jimu_home: str | None = None,
        catalog: str | None = None, **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.invocation = invocation
        self.run_values = run_values
        # Absolute, from the profile the file was compiled with: a scheduler's worker runs in
        # another folder than `jimu run`, and must still find the same catalog and data.
        self.jimu_home = jimu_home
        self.catalog = catalog

    def execute(self, context) -> None:
        from jimu.run.envs import python_for
        from jimu.run.node_process import (
            NodeFatalError,
            keep_stop_handler,
            node_log_file,
            run_node_process,
            stop_requested,
        )
        from jimu.runtime.invocation import resolve_invocation
        from jimu.runtime.run_values import run_values_from_json

        keep_stop_handler()
        stopping = stop_requested()
        if stopping:  # `jimu run` was asked to stop: fail fast, without retries
            from airflow.sdk.exceptions import AirflowFailException

            why = f"not started: jimu run got {signal.Signals(stopping).name}"
            _report(self.task_id, "failed", 0.0, reason=why)
            raise AirflowFailException(why)
        if self.jimu_home:  # the child process and every home-relative path follow it
            os.environ["JIMU_HOME"] = self.jimu_home
        if self.catalog:
            os.environ["JIMU_CATALOG"] = self.catalog
        timeout = self.execution_timeout.total_seconds() if self.execution_timeout else None
        started = time.perf_counter()
        log_file = None
        try:
            params = context["params"]
            resolved = resolve_invocation(
                self.invocation,
                run_id=context["run_id"],
                pipeline_params={key: params[key] for key in params},
                run_values=run_values_from_json(self.run_values) if self.run_values else None,
            )
            log_file = node_log_file(resolved)
            _report(self.task_id, "running", 0.0, log=str(log_file))
            component = _catalog(self.catalog).require(self.invocation["component"])
            python = python_for(component, echo=self.log.info)
            result = run_node_process(
                resolved, component.folder, timeout, echo=self.log.info, python=python, on_start=self._started
            )
        except NodeFatalError as exc:
            from airflow.sdk.exceptions import AirflowFailException

            _report(self.task_id, "failed", time.perf_counter() - started, error=str(exc), reason=exc.reason,
                    log=str(exc.log_file))
            raise AirflowFailException(str(exc)) from exc
        except BaseException as exc:  # BaseException: Airflow's AirflowTaskTimeout is one
            reason, error = _why(exc, self.task_id, self.invocation["component"], timeout, log_file)
            _report(self.task_id, "failed", time.perf_counter() - started, error=error, reason=reason,
                    log=str(log_file) if log_file else None)
            raise
        finally:
            self._node = None
        if result.skipped is not None:
            from airflow.sdk.exceptions import AirflowSkipException

            _report(self.task_id, "skipped", result.seconds, error=result.skipped)
            raise AirflowSkipException(f"node {self.task_id!r} skips its downstream nodes: {result.skipped}")
        for warning in result.warnings:
            self.log.warning("node %r: %s", self.task_id, warning)
        _report(
            self.task_id, "success", result.seconds, rows=result.rows_written,
            exports=result.exports, metrics=result.metrics, warnings=list(result.warnings), log=str(result.log_file))

    def _started(self, node) -> None:
        self._node = node

    def on_kill(self) -> None:
        """Airflow stops this task (SIGTERM, or its execution_timeout): stop the node's whole process group."""
        node = getattr(self, "_node", None)
        if node is not None:
            node.terminate("stopped by Airflow (on_kill)")


def _why(exc: BaseException, node: str, component: str, timeout: float | None, log_file) -> tuple[str, str]:
    """A few words for the progress line, and the full message for the end of the run."""
    from airflow.sdk.exceptions import AirflowTaskTimeout

    from jimu.run.node_process import failure_message

    reason = getattr(exc, "reason", None)
    if reason:
        return reason, str(exc)
    if isinstance(exc, AirflowTaskTimeout):
        reason = f"timed out after {timeout:g} s (execution_timeout)"
    elif isinstance(exc, KeyboardInterrupt):
        reason = "interrupted"
    else:
        reason = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".rstrip(": ")
    if log_file is None or not log_file.exists():  # failed before its process started
        return reason, f"node {node!r} ({component}) failed: {type(exc).__name__}: {exc}"
    return reason, failure_message(node, component, reason, log_file)


def _report(node: str, state: str, seconds: float, **extra) -> None:
    """Append a progress line for `jimu run`, which prints one line per finished node (and streams them all)."""
    from jimu.run.node_process import PROGRESS_FILE_ENV  # imported here: DAG parsing stays light

    path = os.environ.get(PROGRESS_FILE_ENV)
    if not path:
        return
    line = json.dumps({"node": node, "state": state, "seconds": round(seconds, 3), **extra})
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
