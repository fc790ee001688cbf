"""JimuComponentOperator: one pipeline node, run as a local process with the pod's contract."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from functools import lru_cache

from airflow.sdk import BaseOperator


@lru_cache(maxsize=1)
def _catalog():
    # Read what `jimu run` (or `jimu components publish`) published; never publish from a task,
    # so an unrelated component being edited cannot fail this run.
    from jimu.catalog import ComponentCatalog
    from jimu.registry.store import CatalogStore

    return ComponentCatalog.from_store(CatalogStore())


class JimuComponentOperator(BaseOperator):
    """Runs a component in a child process: params and input/output URIs as in a pod."""

    # User text is data: nothing here is rendered by Jinja.
    template_fields: Sequence[str] = ()
    ui_color = "#f6d186"

    def __init__(self, *, invocation: dict, **kwargs) -> None:
        super().__init__(**kwargs)
        self.invocation = invocation

    def execute(self, context) -> None:
        from jimu.run.envs import python_for
        from jimu.run.node_process import NodeFatalError, run_node_process
        from jimu.runtime.invocation import resolve_invocation

        params = context["params"]
        resolved = resolve_invocation(
            self.invocation,
            run_id=context["run_id"],
            pipeline_params={key: params[key] for key in params},
        )
        component = _catalog().require(self.invocation["component"])
        timeout = self.execution_timeout.total_seconds() if self.execution_timeout else None
        started = time.perf_counter()
        try:
            python = python_for(component, echo=self.log.info)
            result = run_node_process(resolved, component.folder, timeout, echo=self.log.info, python=python)
        except NodeFatalError as exc:
            from airflow.sdk.exceptions import AirflowFailException

            _report(self.task_id, "failed", time.perf_counter() - started, error=str(exc))
            raise AirflowFailException(str(exc)) from exc
        except Exception as exc:
            _report(self.task_id, "failed", time.perf_counter() - started, error=str(exc))
            raise
        if result.skipped is not None:
            from airflow.sdk.exceptions import AirflowSkipException

            _report(self.task_id, "skipped", result.seconds, error=result.skipped)
            raise AirflowSkipException(f"node {self.task_id!r} skips its downstream nodes: {result.skipped}")
        for warning in result.warnings:
            self.log.warning("node %r: %s", self.task_id, warning)
        _report(
            self.task_id, "success", result.seconds, rows=result.rows_written,
            exports=result.exports, metrics=result.metrics, warnings=list(result.warnings), log=str(result.log_file))


def _report(node: str, state: str, seconds: float, **extra) -> None:
    """Append a progress line for `jimu run`, which prints one line per finished node."""
    from jimu.run.node_process import PROGRESS_FILE_ENV  # imported here: DAG parsing stays light

    path = os.environ.get(PROGRESS_FILE_ENV)
    if not path:
        return
    line = json.dumps({"node": node, "state": state, "seconds": round(seconds, 3), **extra})
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
