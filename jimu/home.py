"""Where Jimu keeps its state (catalog, runs, step data, exports, the local Airflow).

The answer never depends on which folder a command starts in, so a component published once
is found by every command, by `airflow dags test` and by a scheduler's workers:

1. `$JIMU_HOME`, when set;
2. else the nearest `.jimu/` folder in the current folder or one of its parents (a project
   marker, like `.git/`; `jimu init` creates one);
3. else the user-level default `$XDG_DATA_HOME/jimu` (`~/.local/share/jimu`).

Compiled local-profile DAGs carry the absolute home they were compiled against, so a task
run by Airflow finds the same catalog and writes into the same folders.
"""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "JIMU_HOME"
PROJECT_MARKER = ".jimu"


def user_default_home() -> Path:
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data).absolute() / "jimu"


def find_project_home(start: Path | None = None) -> Path | None:
    """The nearest `<folder>/.jimu/` from `start` upwards, or None."""
    folder = Path(start or Path.cwd()).absolute()
    for candidate in (folder, *folder.parents):
        marker = candidate / PROJECT_MARKER
        if marker.is_dir():
            return marker
    return None


def jimu_home() -> Path:
    """The absolute Jimu home for this process (see the module docstring for the order)."""
    explicit = os.environ.get(HOME_ENV)
    if explicit:
        return Path(explicit).expanduser().absolute()
    return find_project_home() or user_default_home()


def home_source() -> str:
    """How jimu_home() was chosen, for `jimu home` and error messages."""
    if os.environ.get(HOME_ENV):
        return f"${HOME_ENV}"
    if find_project_home() is not None:
        return f"the nearest {PROJECT_MARKER}/ folder"
    return "the user-level default"
