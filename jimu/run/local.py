"""`jimu run`: compile with the local profile and let Airflow's dag.test() run it.

No scheduler of our own: Airflow orders, retries and records the tasks; each task runs its
component as a child process (JimuComponentOperator). We only print progress and results.
"""

from __future__ import annotations

import datetime
import json
import os
import signal
import sys
import tempfile
import threading
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from jimu.airflow_env import configure_airflow, ensure_metadata_db, jimu_home
from jimu.catalog import ComponentCatalog
from jimu.compile import compile_pipeline
from jimu.compile.profile import load_profile
from jimu.compile.render_dag import DEFAULT_START_DATE
from jimu.errors import Issue, RunError, SpecError
from jimu.files import write_atomically
from jimu.run.node_process import (
    PROGRESS_FILE_ENV,
    run_root,
    stop_on_signals,
    stop_requested,
    stopping_nodes_gently,
)
from jimu.run.owners import fail_abandoned_runs, fail_run, owning_run
from jimu.run.queued_run import executing_queued_run
from jimu.runtime.storage import default_storage_base
from jimu.spec import PipelineSpec


@dataclass
class NodeOutcome:
    node: str
    state: str
    seconds: float | None = None
    rows: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    exports: list[str] = field(default_factory=list)
    metrics: dict[str, dict[str, float]] = field(default_factory=dict)
    reason: str | None = None
    log: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class RunSummary:
    pipeline: str
    run_id: str
    state: str
    seconds: float
    nodes: list[NodeOutcome]
    data_folder: Path
    logs_folder: Path
    airflow_log: Path
    stopped_by: str | None = None  # the signal that stopped the run

    @property
    def ok(self) -> bool:
        return self.state == "success"


class ProgressPrinter(threading.Thread):
    """Follows the operators' progress file and prints one line per finished node.

    `events`, when given, gets every line as a node event, the "running" ones included.
    """

    def __init__(self, path: Path, out, events=None):
        super().__init__(daemon=True)
        self.path, self.out, self.events = path, out, events
        self.seen: dict[str, NodeOutcome] = {}
        self._stop_event = threading.Event()

    def run(self) -> None:
        offset = 0
        while True:
            stopping = self._stop_event.is_set()
            if self.path.exists():
                with self.path.open(encoding="utf-8") as handle:
                    handle.seek(offset)
                    for line in handle:
                        if line.endswith("\n"):
                            offset += len(line.encode())
                            self._follow(json.loads(line))
            if stopping:
                return
            self._stop_event.wait(0.05)

    def _follow(self, event: dict) -> None:
        if self.events is not None:
            self.events({"type": "node", **event})
        if event["state"] != "running":
            self._print(event)

    def _print(self, event: dict) -> None:
        outcome = NodeOutcome(
            event["node"], event["state"], event.get("seconds"), event.get("rows", {}),
            event.get("error"), event.get("exports", []), event.get("metrics") or {},
            event.get("reason"), event.get("log"), event.get("warnings") or [],
        )
        self.seen[outcome.node] = outcome
        rows = ", ".join(f"{port}: {count} rows" for port, count in sorted(outcome.rows.items()))
        shown = [f"{name}={value:.4g}" for values in outcome.metrics.values() for name, value in sorted(values.items())]
        if shown:
            rows = ", ".join(filter(None, [rows, " ".join(shown[:6])]))
        if outcome.state == "skipped" and outcome.error:
            rows = f"downstream skipped: {outcome.error}"
        if outcome.state == "failed":
            rows = "; ".join(filter(None, [outcome.reason, outcome.log and f"log: {outcome.log}"]))
        rows = "; ".join(filter(None, [rows, *(f"warning: {warning}" for warning in outcome.warnings)]))
        self.out(f"  {outcome.state:<8} {outcome.node:<24} {outcome.seconds:7.2f} s  {rows}".rstrip())

    def finish(self) -> None:
        self._stop_event.set()
        self.join()


@contextmanager
def output_to_file(path: Path, enabled: bool):
    """Send Airflow's own console output (fd 1 and 2) to a file; our lines still reach the terminal."""
    if not enabled:
        yield lambda text: print(text, flush=True)
        return
    sys.stdout.flush()
    sys.stderr.flush()
    saved_out, saved_err = os.dup(1), os.dup(2)
    terminal = os.fdopen(os.dup(saved_out), "w", buffering=1, encoding="utf-8")
    with path.open("ab") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        try:
            yield lambda text: print(text, file=terminal, flush=True)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved_out, 1)
            os.dup2(saved_err, 2)
            os.close(saved_out)
            os.close(saved_err)
            terminal.close()


def prepare_local_dag(spec: PipelineSpec, catalog: ComponentCatalog, source: str | None):
    """Compile the spec with the local profile into its own dags folder and point Airflow there.

    Answers (AIRFLOW_HOME, the DAG file, the local profile).
    """
    # One folder per pipeline: dag.test() re-parses its whole dags folder on every call.
    dags_folder = jimu_home() / "compiled" / spec.id
    airflow_home = configure_airflow(dags_folder)
    profile = load_profile("local")
    dag_file = dags_folder / f"{profile.dag_id(spec.id)}.py"
    write_atomically(dag_file, compile_pipeline(spec, catalog, profile, source))
    return airflow_home, dag_file, profile


def refuse_date_before_start(spec: PipelineSpec, logical_date: datetime.datetime | None) -> None:
    """A run dated before the DAG's start_date runs no task in Airflow yet ends "success": refuse it up front."""
    start_day = spec.start_date or DEFAULT_START_DATE
    start = datetime.datetime.combine(start_day, datetime.time(), datetime.UTC)
    if logical_date is not None and logical_date < start:
        raise SpecError(spec.id, [Issue(
            "logical-date-before-start", "start_date",
            f"the logical date {logical_date.isoformat()} is before the pipeline's start_date {start_day.isoformat()}: "
            "Airflow would run none of its nodes for it",
            f"give a logical date on or after {start_day.isoformat()}, or set an earlier start_date",
        )])


def run_pipeline_locally(
    spec: PipelineSpec,
    catalog: ComponentCatalog,
    params: dict,
    source: str | None = None,
    out=print,
    quiet_airflow: bool = True,
    events=None,
    reuse: dict[str, Path] | None = None,
    logical_date: datetime.datetime | None = None,
    queued_run_id: str | None = None,
) -> RunSummary:
    """Run a checked pipeline on this machine; prints progress through `out`.

    `events(dict)`, when given, gets the run's start and every node state change as they happen.
    `reuse` maps nodes to their data folder of an earlier run: those nodes do not run, and
    their outputs are the earlier run's (see _reuse_outputs). `logical_date` (timezone-aware;
    default now) is the manual run's logical date: nodes see it as ds, data_interval_*, ...
    `queued_run_id` names a run Airflow already queued for `logical_date` (a backfill's, see
    jimu.backfill): dag.test() executes that run instead of creating a manual one.
    """
    refuse_date_before_start(spec, logical_date)
    events = events or (lambda event: None)
    reuse = reuse or {}
    home = jimu_home()
    airflow_home, dag_file, profile = prepare_local_dag(spec, catalog, source)
    airflow_log = home / "logs" / f"{spec.id}.airflow.log"
    airflow_log.parent.mkdir(parents=True, exist_ok=True)
    # A name no other run can have, even one with this pid in another container sharing the home.
    handle, name = tempfile.mkstemp(dir=airflow_log.parent, prefix=f"{spec.id}.", suffix=".progress.jsonl")
    os.close(handle)
    progress_file = Path(name)
    os.environ[PROGRESS_FILE_ENV] = str(progress_file)

    started = time.perf_counter()
    try:
        with output_to_file(airflow_log, quiet_airflow) as say, stop_on_signals():
            ensure_metadata_db(airflow_home, echo=say)
            fail_abandoned_runs(airflow_home, say)
            _prepare_environments(spec, catalog, say)
            say(f"jimu: running {spec.id} ({len(spec.nodes)} nodes) on the local Airflow in {airflow_home}")
            dag = _load_dag(dag_file, profile.dag_id(spec.id))
            _run_regardless_of_past(dag)
            printer = ProgressPrinter(progress_file, say, events)
            printer.start()

            def on_run_id(run_id: str) -> None:
                root = run_root(spec.id, run_id)
                data_root = Path(profile.storage_base or default_storage_base()) / spec.id / root.name
                _reuse_outputs(reuse, data_root)
                events({"type": "run", "state": "running", "airflow_run_id": run_id,
                        "data_folder": str(data_root), "logs_folder": str(root)})
                for node in sorted(reuse):
                    events({"type": "node", "node": node, "state": "success", "seconds": 0.0,
                            "reason": f"reused: outputs of the earlier run in {reuse[node]}"})

            try:
                dag_run = _test_dag(
                    dag, params, airflow_home, progress_file, say, on_run_id, sorted(reuse), logical_date,
                    queued_run_id,
                )
            finally:
                printer.finish()
                os.environ.pop(PROGRESS_FILE_ENV, None)
            if dag_run is None:
                raise RunError(f"Airflow did not start a run of {spec.id}; see {airflow_log}")
            outcomes = _outcomes(dag_run, printer.seen, say, airflow_log, events, reuse)
            stopped = stop_requested()
            if stopped:
                say(f"jimu: stopped by {signal.Signals(stopped).name}; the run is marked failed")
    finally:
        progress_file.unlink(missing_ok=True)
    root = run_root(spec.id, dag_run.run_id)
    return RunSummary(
        pipeline=spec.id,
        run_id=dag_run.run_id,
        state=str(getattr(dag_run.state, "value", dag_run.state)),
        seconds=time.perf_counter() - started,
        nodes=outcomes,
        data_folder=Path(default_storage_base()) / spec.id / root.name,
        logs_folder=root,
        airflow_log=airflow_log,
        stopped_by=signal.Signals(stopped).name if stopped else None,
    )


def _test_dag(
    dag, params: dict, airflow_home: Path, progress_file: Path, say, started=None, reused=(), logical_date=None,
    queued_run_id=None,
):
    """dag.test(), with this process recorded as the run's owner for as long as it runs.

    `started(run_id)` is called once the run id is known, before any task runs; the `reused`
    tasks are marked success by dag.test() without running; `queued_run_id`: see run_pipeline_locally.
    """
    from airflow.models.dagrun import DagRun
    from airflow.sdk import timezone
    from airflow.utils.types import DagRunType

    # The id dag.test() will give the run, known before so that its owner is recorded first.
    when = timezone.utcnow()
    logical_date = logical_date or when
    run_id = queued_run_id or DagRun.generate_run_id(
        run_type=DagRunType.MANUAL, logical_date=logical_date, run_after=when
    )
    # Node ids are identifiers ([a-z0-9_]): joined with "|" they match exactly these tasks.
    mark_success = "|".join(reused) or None
    with owning_run(airflow_home, dag.dag_id, run_id, progress_file):
        if started is not None:
            started(run_id)
        try:
            with stopping_nodes_gently(), executing_queued_run(run_id) if queued_run_id else nullcontext():
                return dag.test(
                    run_conf=params, logical_date=logical_date, run_after=when, mark_success_pattern=mark_success
                )
        except BaseException:
            # Stopped twice, or Airflow itself failed: the run must not stay `running`.
            _fail_own_run(dag.dag_id, run_id, say)
            raise


def _fail_own_run(dag_id: str, run_id: str, say) -> None:
    try:
        from airflow import settings

        settings.Session.remove()  # the interrupted session may hold SQLite's write lock
        if fail_run(dag_id, run_id) is not None:
            say(f"jimu: run {run_id} of {dag_id} marked failed")
    except Exception as exc:  # reported, not raised: the error that stopped the run matters more
        say(f"jimu: could not mark run {run_id} of {dag_id} failed: {exc}")


def _prepare_environments(spec: PipelineSpec, catalog: ComponentCatalog, say) -> None:
    """Build missing component environments up front, with progress on the terminal."""
    from jimu.run.envs import ensure_env, needs_own_env

    for ref in sorted({node.component for node in spec.nodes}):
        component = catalog.require(ref)
        if needs_own_env(component):
            ensure_env(component, echo=say)


def _load_dag(dag_file: Path, dag_id: str):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(dag_file))
    if bag.import_errors:
        detail = "\n".join(bag.import_errors.values())
        raise RunError(f"Airflow could not import the compiled DAG {dag_file}:\n{detail}")
    return bag.dags[dag_id]  # get_dag() would also query the metadata DB


def _run_regardless_of_past(dag) -> None:
    """A local run is a manual try of every node: depends_on_past does not hold it back.

    Under a scheduler such a task waits until its previous run is cleared or succeeds; dag.test()
    would instead poll forever ("No tasks to run") after a failed run. Pools and queues need no
    such care: dag.test() runs tasks in this process without them.
    """
    for task in dag.tasks:
        task.depends_on_past = False


def _reuse_outputs(reuse: dict[str, Path], data_root: Path) -> None:
    """Make the earlier run's node folders this run's, by a symlink per node.

    Input URIs are resolved from the run id (jimu.runtime.invocation.resolve_invocation), so a
    downstream node reads `<data root>/<node>/<port>`: the link sends it to the earlier run's
    files, which are neither copied nor rewritten, and no component or DAG file changes.
    """
    for node, folder in reuse.items():
        data_root.mkdir(parents=True, exist_ok=True)
        (data_root / node).symlink_to(folder, target_is_directory=True)


def _outcomes(dag_run, seen: dict[str, NodeOutcome], say, airflow_log: Path, events, reuse) -> list[NodeOutcome]:
    """Every node's final state; the ones that never ran (upstream failed, skipped) get a line too."""
    outcomes = []
    for ti in sorted(dag_run.get_task_instances(), key=lambda t: t.task_id):
        state = str(getattr(ti.state, "value", ti.state))
        outcome = seen.get(ti.task_id) or NodeOutcome(ti.task_id, state)
        if ti.task_id in reuse:
            outcome.reason = "reused"
        elif ti.task_id not in seen:
            events({"type": "node", "node": ti.task_id, "state": state})
            why = "(did not run)"
            if state == "failed":  # failed before the operator could report (Airflow itself, a crash)
                why = f"failed outside its node process; see the Airflow log: {airflow_log}"
            say(f"  {state:<8} {ti.task_id:<24}        -  {why}")
        outcomes.append(outcome)
    for outcome in outcomes:
        if outcome.state == "failed" and outcome.error:
            say(f"\nnode {outcome.node!r} failed:\n{outcome.error}")
    return outcomes


__all__ = ["RunSummary", "prepare_local_dag", "run_pipeline_locally"]
