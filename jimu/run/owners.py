"""Which `jimu run` owns a local DagRun: a record file locked for the life of that process.

A `jimu run` killed with SIGKILL cannot mark its run failed, and Airflow's dag.test() has no
scheduler to notice: the run would stay `running` in the metadata DB forever. The kernel drops
a dead process's file locks, so the next `jimu run` in the same home finds a record nobody
holds, marks its run failed through Airflow's own models, and says so.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from contextlib import contextmanager
from pathlib import Path

RECORD_SUFFIX = ".owner.json"


def owners_folder(airflow_home: Path) -> Path:
    return airflow_home / "owners"


@contextmanager
def owning_run(airflow_home: Path, dag_id: str, run_id: str, progress_file: Path | None = None):
    """Record, for as long as this process lives inside the block, that it owns dag_id/run_id."""
    folder = owners_folder(airflow_home)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{os.getpid()}-{time.time_ns()}"
    temp, record = folder / f".{name}.tmp", folder / f"{name}{RECORD_SUFFIX}"
    # Locked before it gets its final name: no other process ever sees an unlocked record of a live run.
    fd = os.open(temp, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        facts = {
            "dag_id": dag_id, "run_id": run_id, "pid": os.getpid(), "started": time.time(),
            "progress_file": str(progress_file) if progress_file else None,
        }
        os.write(fd, json.dumps(facts).encode())
        os.replace(temp, record)
        yield record
    finally:
        temp.unlink(missing_ok=True)
        record.unlink(missing_ok=True)
        os.close(fd)  # closing drops the lock


def abandoned_records(airflow_home: Path):
    """Yield the facts of each record whose owner is gone; the record is deleted after the caller's turn."""
    folder = owners_folder(airflow_home)
    if not folder.is_dir():
        return
    for record in sorted(folder.glob(f"*{RECORD_SUFFIX}")):
        try:
            fd = os.open(record, os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:  # its owner finished, or another run cleaned it up
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # its owner is alive
                continue
            if not record.exists():  # cleaned up while we waited for the lock
                continue
            try:
                facts = _read(fd)
            except ValueError:
                facts = None
            if facts:
                yield facts
            record.unlink(missing_ok=True)
            if facts and facts.get("progress_file"):
                Path(facts["progress_file"]).unlink(missing_ok=True)
        finally:
            os.close(fd)


def _read(fd: int) -> dict:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return json.loads(b"".join(chunks) or b"null")


def fail_run(dag_id: str, run_id: str) -> object | None:
    """Mark a running or queued DagRun failed as Airflow's "mark failed" does; returns it, or None if it had ended."""
    from airflow.api.common.mark_tasks import set_dag_run_state_to_failed
    from airflow.models.dagbag import DBDagBag
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from airflow.utils.state import DagRunState
    from sqlalchemy import select

    with create_session() as session:
        run = session.scalar(select(DagRun).where(DagRun.dag_id == dag_id, DagRun.run_id == run_id))
        if run is None or run.state not in (DagRunState.RUNNING, DagRunState.QUEUED):
            return None
        dag = DBDagBag().get_dag_for_run(dag_run=run, session=session)
        if dag is not None:
            # Running task instances become failed, the ones that never started skipped.
            set_dag_run_state_to_failed(dag=dag, run_id=run_id, commit=True, session=session)
        else:
            run.set_state(DagRunState.FAILED)
        session.flush()
        return run


def fail_abandoned_runs(airflow_home: Path, echo) -> list[tuple[str, str, str]]:
    """Mark failed every run whose `jimu run` died without ending it; one line says which."""
    failed = []
    for facts in abandoned_records(airflow_home):
        run = fail_run(facts["dag_id"], facts["run_id"])
        if run is not None:
            started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(facts["started"]))
            failed.append((facts["dag_id"], facts["run_id"], f"{started}, pid {facts['pid']}"))
    if failed:
        runs = "; ".join(f"{dag_id} {run_id} (started {when})" for dag_id, run_id, when in failed)
        echo(f"jimu: marked {len(failed)} abandoned run(s) failed, their jimu run process is gone: {runs}")
    return failed
