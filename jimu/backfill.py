"""`jimu backfill`: every interval of a pipeline's schedule between two dates, in order, on this machine.

Airflow plans it, as `airflow backfill create` does (airflow.models.backfill._create_backfill):
the logical dates the schedule has between the dates, which dates keep the run they already have
(--reprocess, Airflow's meaning, read from the local metadata DB where every `jimu run` and
`jimu backfill` of the pipeline is recorded), and one queued run of type backfill per other date,
with its data interval and conf. Only a scheduler executes queued runs; here each one goes, in
order, through the dag.test() path `jimu run --logical-date` uses (jimu.run.queued_run).
"""

from __future__ import annotations

import datetime
import fcntl
import os
import signal
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from jimu.catalog import ComponentCatalog
from jimu.errors import Issue, RunError, SpecError
from jimu.spec import PipelineSpec

REPROCESS_CHOICES = ("none", "failed", "completed")
# Schedules with no intervals to fill (Airflow: "non-periodic").
NOT_PERIODIC = {None, "@once", "@continuous"}
LOCAL_RUNNER = "jimu backfill"


@dataclass
class BackfillDate:
    """One logical date of the backfill: the run Airflow queued for it, or why it has none."""

    logical_date: datetime.datetime
    run_id: str | None
    skipped: str | None = None  # Airflow's reason: "already exists" (its earlier run is kept), "in flight"
    existing_state: str | None = None  # the kept run's state, when skipped
    state: str = "queued"  # then success, failed, skipped, not run
    seconds: float | None = None
    note: str = ""

    @property
    def ds(self) -> str:
        return self.logical_date.date().isoformat()


@dataclass
class BackfillSummary:
    pipeline: str
    dag_id: str
    dates: list[BackfillDate] = field(default_factory=list)
    stopped_by: str | None = None

    def count(self, state: str) -> int:
        return sum(1 for date in self.dates if date.state == state)

    @property
    def exit_code(self) -> int:
        if self.stopped_by:
            return 128 + signal.Signals[self.stopped_by].value
        return 1 if self.count("failed") or self.count("not run") else 0


def check_backfill_request(spec: PipelineSpec, start: datetime.datetime, end: datetime.datetime) -> None:
    """What Jimu can tell before asking Airflow: a schedule with intervals, a start not after the end."""
    issues = []
    if spec.asset_schedule is not None:
        issues.append(Issue(
            "backfill-needs-schedule", "$.schedule",
            f"pipeline {spec.id!r} runs when its assets update: there are no intervals to backfill",
            "backfill the pipelines whose outputs are those assets (each successful run updates them), "
            "or run this one now with `jimu run`",
        ))
    elif spec.cron_schedule in NOT_PERIODIC:
        issues.append(Issue(
            "backfill-needs-schedule", "$.schedule",
            f"pipeline {spec.id!r} has schedule {spec.schedule!r}: there are no intervals to backfill",
            "give the pipeline a schedule such as \"@daily\" or \"0 6 * * *\" (and a start_date), "
            "or run one date with `jimu run --logical-date DATE`",
        ))
    if start > end:
        issues.append(Issue(
            "backfill-start-after-end", "--start",
            f"--start {start.date().isoformat()} is after --end {end.date().isoformat()}",
            "swap them: --start is the first logical date, --end the last",
        ))
    if issues:
        raise SpecError("jimu backfill", issues)


def depends_on_past_nodes(spec: PipelineSpec) -> list[str]:
    return sorted(node.id for node in spec.nodes if node.effective("depends_on_past", spec.defaults))


def backfill_locally(
    spec: PipelineSpec,
    catalog: ComponentCatalog,
    params: dict,
    start: datetime.datetime,
    end: datetime.datetime,
    reprocess: str = "none",
    source: str | None = None,
    say: Callable[[str], None] = print,
    quiet_airflow: bool = True,
) -> BackfillSummary:
    """Plan the backfill with Airflow, then run each queued date in order; prints a line per run and node."""
    from jimu.airflow_env import ensure_metadata_db, jimu_home
    from jimu.run.local import output_to_file, prepare_local_dag, run_pipeline_locally
    from jimu.run.node_process import RunStopped, stop_on_signals
    from jimu.run.owners import fail_abandoned_runs

    check_backfill_request(spec, start, end)
    airflow_home, dag_file, profile = prepare_local_dag(spec, catalog, source)
    dag_id = profile.dag_id(spec.id)
    summary = BackfillSummary(spec.id, dag_id)
    with one_backfill_at_a_time(airflow_home, dag_id), stop_on_signals():
        try:
            airflow_log = jimu_home() / "logs" / f"{spec.id}.airflow.log"
            airflow_log.parent.mkdir(parents=True, exist_ok=True)
            with output_to_file(airflow_log, quiet_airflow) as airflow_say:
                ensure_metadata_db(airflow_home, echo=airflow_say)
                fail_abandoned_runs(airflow_home, airflow_say)
                _sync_dag_to_db(dag_file)
                backfill_id, summary.dates = plan_backfill(dag_id, start, end, reprocess, params)
            say(f"jimu: backfill of {spec.id}, {start.date()} .. {end.date()} (reprocess {reprocess}): "
                f"{len(summary.dates)} logical date(s), {sum(1 for d in summary.dates if d.run_id)} to run")

            def run_date(date: BackfillDate):
                return run_pipeline_locally(spec, catalog, params, source, quiet_airflow=quiet_airflow,
                                            logical_date=date.logical_date, queued_run_id=date.run_id)

            _run_in_order(summary, run_date, depends_on_past_nodes(spec), say)
        except RunStopped as stop:
            summary.stopped_by = signal.Signals(stop.signum).name
        finally:
            if summary.dates:
                _finish_backfill(backfill_id)
    if summary.stopped_by:
        for date in summary.dates:
            if date.state == "queued":
                date.state, date.note = "not run", f"stopped by {summary.stopped_by}"
    return summary


def _run_in_order(summary: BackfillSummary, run_date, held_back: list[str], say) -> None:
    """Each planned date in order: skipped ones said, the others run, later ones held back after a
    date whose depends_on_past nodes did not succeed; stops at a stop signal."""
    blocked_by: BackfillDate | None = None
    total = len(summary.dates)
    for number, date in enumerate(summary.dates, 1):
        label = f"[{number}/{total}] {date.ds}"
        if date.skipped:
            date.state, date.note = "skipped", _skip_note(date)
            say(f"{label} skipped: {date.note}")
            continue
        if blocked_by is not None:
            date.state = "not run"
            date.note = f"{blocked_by.ds} failed and {', '.join(held_back)} depend on their past run"
            say(f"{label} not run: {date.note} (depends_on_past)")
            continue
        say(f"{label} run {date.run_id}")
        run = run_date(date)
        date.state, date.seconds = run.state, run.seconds
        say(f"{label} {run.state} in {run.seconds:.1f} s")
        if run.stopped_by:
            summary.stopped_by = run.stopped_by
            return
        if held_back and any(o.state != "success" for o in run.nodes if o.node in held_back):
            blocked_by = date


def _skip_note(date: BackfillDate) -> str:
    if date.skipped == "in flight":
        return f"a run of this date is still {date.existing_state} (in flight); it is left alone"
    hint = "--reprocess failed" if date.existing_state == "failed" else "--reprocess completed"
    return f"its run already {_past(date.existing_state)}; {hint} runs it again"


def _past(state: str | None) -> str:
    return {"success": "succeeded", "failed": "failed"}.get(state or "", f"is {state}")


@contextmanager
def one_backfill_at_a_time(airflow_home: Path, dag_id: str):
    """One `jimu backfill` per pipeline and Jimu home, as Airflow allows one active backfill per DAG.

    Holding the lock also means any backfill of this DAG still marked active was left by a
    `jimu backfill` that died: plan_backfill cancels it, as Airflow's "cancel backfill" does.
    """
    folder = airflow_home / "owners"
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / f"backfill.{dag_id}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunError(f"another `jimu backfill` of {dag_id} is running in this Jimu home; "
                           "wait for it, or stop it (Ctrl-C) first") from None
        yield
    finally:
        os.close(fd)


def _sync_dag_to_db(dag_file: Path) -> None:
    """Parse the DAG file and record it in the metadata DB, as dag.test() does, so Airflow can plan runs of it."""
    from airflow.dag_processing.bundles.manager import DagBundlesManager
    from airflow.dag_processing.dagbag import BundleDagBag, sync_bag_to_db

    manager = DagBundlesManager()
    manager.sync_bundles_to_db()
    for bundle in manager.get_all_dag_bundles():
        if not bundle.is_initialized:
            bundle.initialize()
        if dag_file.resolve().is_relative_to(Path(bundle.path).resolve()):
            bag = BundleDagBag(dag_folder=bundle.path, bundle_path=bundle.path, bundle_name=bundle.name)
            if bag.import_errors:
                raise RunError(f"Airflow could not import the compiled DAG {dag_file}:\n"
                               + "\n".join(bag.import_errors.values()))
            sync_bag_to_db(bag, bundle.name, bundle.version)
            return
    raise RunError(f"no Airflow DAG bundle holds {dag_file}; is AIRFLOW__CORE__DAGS_FOLDER overridden?")


def plan_backfill(
    dag_id: str, start: datetime.datetime, end: datetime.datetime, reprocess: str, params: dict
) -> tuple[int, list[BackfillDate]]:
    """Airflow's backfill of `dag_id` in the local metadata DB: its id and dates, in order."""
    from airflow.models import backfill as airflow_backfill
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import select

    _cancel_abandoned_backfills(dag_id)
    try:
        backfill = airflow_backfill._create_backfill(
            dag_id=dag_id, from_date=start, to_date=end, max_active_runs=1, reverse=False,
            dag_run_conf=params, triggering_user_name=LOCAL_RUNNER,
            reprocess_behavior=airflow_backfill.ReprocessBehavior(reprocess),
        )
    except airflow_backfill.InvalidReprocessBehavior:
        raise RunError(f"{dag_id} has nodes with depends_on_past: Airflow backfills such a pipeline only "
                       "when told what to do with dates that already ran; pass --reprocess failed "
                       "(run dates whose run failed, or that have none) or --reprocess completed") from None
    except airflow_backfill.NoBackfillRunsToCreate:
        raise RunError(f"no interval of {dag_id}'s schedule lies between {start.date()} and {end.date()} "
                       "and has ended already (intervals before the pipeline's start_date do not count)") from None
    except (airflow_backfill.InvalidBackfillDate, airflow_backfill.DagNonPeriodicScheduleException) as exc:
        raise RunError(f"Airflow refuses this backfill of {dag_id}: {exc}") from None
    with create_session() as session:
        rows = session.execute(
            select(airflow_backfill.BackfillDagRun, DagRun.run_id, DagRun.state)
            .outerjoin(DagRun, DagRun.id == airflow_backfill.BackfillDagRun.dag_run_id)
            .where(airflow_backfill.BackfillDagRun.backfill_id == backfill.id)
            .order_by(airflow_backfill.BackfillDagRun.sort_ordinal)
        ).all()
        dates = [
            BackfillDate(row.logical_date, run_id, _value(row.exception_reason),
                         _existing_state(session, dag_id, row.logical_date) if row.exception_reason else None)
            for row, run_id, _ in rows
        ]
    return backfill.id, dates


def _value(reason) -> str | None:
    return None if reason is None else str(getattr(reason, "value", reason))


def _existing_state(session, dag_id: str, logical_date: datetime.datetime) -> str | None:
    from airflow.models.dagrun import DagRun
    from sqlalchemy import select

    state = session.scalar(select(DagRun.state).where(DagRun.dag_id == dag_id, DagRun.logical_date == logical_date))
    return None if state is None else str(getattr(state, "value", state))


def _cancel_abandoned_backfills(dag_id: str) -> None:
    """Backfills of this DAG still active in the local DB belong to a dead `jimu backfill`: cancel them."""
    from airflow.models.backfill import Backfill
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        ids = session.scalars(select(Backfill.id).where(Backfill.dag_id == dag_id, Backfill.completed_at.is_(None)))
        for backfill_id in list(ids):
            _cancel(session, backfill_id)


def _finish_backfill(backfill_id: int) -> None:
    """Mark the backfill complete; runs it left queued (stopped, held back) fail, as Airflow's cancel does."""
    from airflow.utils.session import create_session

    with create_session() as session:
        _cancel(session, backfill_id)


def _cancel(session, backfill_id: int) -> None:
    from airflow.models.backfill import Backfill, BackfillDagRun
    from airflow.models.dagrun import DagRun
    from airflow.sdk import timezone
    from airflow.utils.state import DagRunState
    from sqlalchemy import select, update

    session.execute(
        update(DagRun)
        .where(DagRun.id.in_(select(BackfillDagRun.dag_run_id).where(BackfillDagRun.backfill_id == backfill_id)),
               DagRun.state == DagRunState.QUEUED)
        .values(state=DagRunState.FAILED)
        .execution_options(synchronize_session=False)
    )
    backfill = session.get(Backfill, backfill_id)
    if backfill is not None and backfill.completed_at is None:
        backfill.completed_at = timezone.utcnow()
    session.commit()


def print_backfill_summary(summary: BackfillSummary, say: Callable[[str], None] = print) -> int:
    """The end of `jimu backfill`'s output: one line per date and the counts; returns the exit code."""
    counts = ", ".join(
        f"{summary.count(state)} {state}" for state in ("success", "failed", "skipped", "not run")
        if summary.count(state)
    )
    say(f"\nbackfill of {summary.pipeline} ({summary.dag_id}): {counts or 'nothing to do'}")
    for date in summary.dates:
        took = f"{date.seconds:6.1f} s" if date.seconds is not None else "       -"
        detail = "  ".join(filter(None, [date.run_id, date.note]))
        say(f"  {date.ds}  {date.state:<8} {took}  {detail}".rstrip())
    if summary.stopped_by:
        say(f"  stopped by {summary.stopped_by}")
    return summary.exit_code


__all__ = ["BackfillSummary", "backfill_locally", "print_backfill_summary"]
