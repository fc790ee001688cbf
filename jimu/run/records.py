"""Run records of the editor: one folder per run under `$JIMU_HOME/runs/<run id>/`.

- `request.json`: what was asked (spec, params, source, rerun_of, from_node, created time);
- `events.jsonl`: append-only, one JSON event a line, written by one process at a time; an
  event's id is its line number, so a client that saw event N resumes exactly after it;
- `state.json`: the run and each node as of the last state change, written atomically;
- `owner.lock`: held (flock) by the process executing the run for as long as it lives, so a
  run whose process died is reported failed instead of `running` forever (as jimu.run.owners).

Run ids carry uppercase letters ("...T...Z"), which pipeline ids cannot: the folders
`jimu run` keeps per pipeline beside them (`runs/<pipeline>/`) never look like a record.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from jimu.errors import JimuError
from jimu.files import write_atomically
from jimu.home import jimu_home
from jimu.refs import PIPELINE_ID, Grammar

RUN_ID = Grammar(
    r"[a-z][a-z0-9_-]{0,62}-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}", "run id",
    "use a run id as POST /api/runs returned it, e.g. 'wine_quality-20261201T164200Z-1a2b3c4d'",
)
FINAL_STATES = frozenset({"success", "failed", "stopped"})
REQUEST_FILE, EVENTS_FILE, STATE_FILE, LOCK_FILE = "request.json", "events.jsonl", "state.json", "owner.lock"
_ID_SUFFIX_CHARS = len("-20261201T164200Z-1a2b3c4d")


class UnknownRun(JimuError):
    """No run has this id (or the id is not one a run can have)."""


def runs_root() -> Path:
    return jimu_home() / "runs"


def new_run_id(pipeline: str, now: float | None = None) -> str:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() if now is None else now))
    return f"{pipeline}-{stamp}-{secrets.token_hex(4)}"


def pipeline_of(run_id: str) -> str:
    return run_id[:-_ID_SUFFIX_CHARS]


def run_folder(run_id: object, root: Path | None = None) -> Path:
    """The folder of an existing run; UnknownRun for a bad id, an id outside the root or no such run."""
    root = (root or runs_root()).resolve()
    if not RUN_ID.accepts(run_id):
        raise UnknownRun(f"{str(run_id)[:80]!r} is not a run id: {RUN_ID.hint}")
    folder = (root / run_id).resolve()
    if folder.parent != root or not (folder / REQUEST_FILE).is_file():
        raise UnknownRun(f"no run {run_id!r}; GET /api/runs lists the runs there are")
    return folder


def create_run(
    spec: dict, params: dict, *, source: str | None = None, rerun_of: str | None = None,
    from_node: str | None = None, root: Path | None = None,
) -> Path:
    """A new run folder, queued: its request, an empty event log and a first state."""
    root = root or runs_root()
    # An invalid spec still gets a run (a failed one, with its issues): its id must stay a safe name.
    pipeline = spec.get("id") if PIPELINE_ID.accepts(spec.get("id")) else "pipeline"
    run_id = new_run_id(pipeline)
    folder = root / run_id
    folder.mkdir(parents=True)
    created = time.time()
    request = {"run_id": run_id, "spec": spec, "params": params, "source": source,
               "rerun_of": rerun_of, "from_node": from_node, "created": created}
    write_atomically(folder / REQUEST_FILE, json.dumps(request, sort_keys=True))
    (folder / EVENTS_FILE).touch()
    nodes = node_ids(spec)
    write_state(folder, {
        "run_id": run_id, "pipeline": pipeline, "state": "queued", "created": created, "started": None,
        "ended": None, "seconds": None, "error": None, "airflow_run_id": None, "data_folder": None,
        "logs_folder": None, "rerun_of": rerun_of, "from_node": from_node,
        "nodes": {node: {"state": "queued"} for node in nodes},
    })
    return folder


def node_ids(spec: dict) -> list[str]:
    """The node ids a spec names, whatever else is wrong with it (it is checked when the run executes)."""
    nodes = spec.get("nodes")
    if not isinstance(nodes, list):
        return []
    return [node["id"] for node in nodes if isinstance(node, dict) and isinstance(node.get("id"), str)]


def read_request(folder: Path) -> dict:
    return json.loads((folder / REQUEST_FILE).read_text(encoding="utf-8"))


def write_state(folder: Path, state: dict) -> None:
    write_atomically(folder / STATE_FILE, json.dumps(state, sort_keys=True))


def read_state(folder: Path) -> dict:
    """The run's state; a run left `running` by a process that died is reported failed."""
    state = _load_state(folder)
    if state["state"] in FINAL_STATES or state["state"] == "queued":  # no process owns a queued run yet
        return state
    if owner_alive(folder):
        return state
    state = _load_state(folder)  # it may have finished between the two reads
    if state["state"] in FINAL_STATES:
        return state
    return {**state, "state": "failed", "error": state.get("error") or "the process executing this run died"}


def _load_state(folder: Path) -> dict:
    return json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))


@contextmanager
def owning(folder: Path):
    """Hold the run's owner lock for as long as this process executes it (the kernel drops it on death)."""
    fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def owner_alive(folder: Path) -> bool:
    try:
        fd = os.open(folder / LOCK_FILE, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # also drops the lock if we got it
    return False


def list_runs(pipeline: str | None = None, root: Path | None = None) -> list[dict]:
    """Every run's state, newest first; only one pipeline's when `pipeline` is given."""
    root = root or runs_root()
    if not root.is_dir():
        return []
    states = []
    for entry in os.scandir(root):
        if not RUN_ID.accepts(entry.name) or (pipeline is not None and pipeline_of(entry.name) != pipeline):
            continue
        try:
            states.append(read_state(Path(entry.path)))
        except (OSError, ValueError):  # being created right now, or damaged: not listed
            continue
    return sorted(states, key=lambda state: (state.get("created") or 0, state["run_id"]), reverse=True)


class EventLog:
    """The writer of a run's events.jsonl; one per run at a time (the executing process)."""

    def __init__(self, folder: Path):
        self.path = folder / EVENTS_FILE
        with self.path.open("rb") as handle:
            self.last_id = sum(1 for _ in handle)

    def append(self, event: dict[str, Any]) -> int:
        line = json.dumps({**event, "time": round(time.time(), 3)}, sort_keys=True) + "\n"
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line)
        self.last_id += 1
        return self.last_id


def read_events(folder: Path, after: int = 0, offset: int = 0, first_id: int = 1) -> tuple[list[tuple[int, dict]], int, int]:
    """Complete events after id `after`: ([(id, event)], byte offset to resume at, id of the next line).

    Callers that follow the log pass back the offset and next id they got, and nothing is read twice.
    """
    events, next_id = [], first_id
    with (folder / EVENTS_FILE).open("rb") as handle:
        handle.seek(offset)
        for line in handle:
            if not line.endswith(b"\n"):  # being written: read it next time
                break
            offset += len(line)
            if next_id > after:
                events.append((next_id, json.loads(line)))
            next_id += 1
    return events, offset, next_id


def is_final(event: dict) -> bool:
    return event.get("type") == "run" and event.get("state") in FINAL_STATES
