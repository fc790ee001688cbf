"""Execute a run Airflow has queued (a backfill's) with dag.test(), on this machine, without a scheduler.

Airflow queues a backfill's runs for its scheduler; nothing else in Airflow executes them.
dag.test() is Airflow's own in-process executor of one run, but it always makes a new manual
run, through `airflow.models.dagrun.get_or_create_dagrun` ("only meant to be used by DAG.test").
While inside `executing_queued_run`, that function answers the queued run instead: the run keeps
its id, run type (backfill), data interval and conf, and dag.test() runs its tasks as usual.
"""

from __future__ import annotations

from contextlib import contextmanager

from jimu.errors import RunError


@contextmanager
def executing_queued_run(run_id: str):
    """Inside, dag.test() executes the queued run `run_id` instead of creating a manual one."""
    import airflow.models.dagrun as dagrun_module
    from airflow.utils.state import DagRunState
    from sqlalchemy import select

    DagRun = dagrun_module.DagRun  # noqa: N806 (Airflow's class)

    def take_queued_run(*, dag, session, **_manual_run_fields):
        run = session.scalar(select(DagRun).where(DagRun.dag_id == dag.dag_id, DagRun.run_id == run_id))
        if run is None or run.state != DagRunState.QUEUED:
            state = "gone" if run is None else f"{run.state}"
            raise RunError(f"run {run_id} of {dag.dag_id} is {state}, not queued: another process took it")
        run.dag = dag
        run.set_state(DagRunState.RUNNING)
        session.commit()
        return run

    original = dagrun_module.get_or_create_dagrun
    dagrun_module.get_or_create_dagrun = take_queued_run
    try:
        yield
    finally:
        dagrun_module.get_or_create_dagrun = original
