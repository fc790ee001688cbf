"""How one editor app is set up: standalone (`jimu ui`) or mounted by the Airflow plugin.

The same FastAPI code serves both modes; only this object differs. Airflow's security
helpers arrive here as plain FastAPI dependencies, so nothing in `jimu.ui_plugin` imports
Airflow unless the plugin passes them in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal


@dataclass(frozen=True)
class UiConfig:
    # Folder of the pipelines the editor shows: one JSON file per pipeline.
    workspace: Path
    mode: Literal["standalone", "airflow"] = "standalone"
    # FastAPI dependencies (objects made with fastapi.Depends) every read/run route depends on,
    # and the ones every write/deploy route depends on. Empty in standalone mode on loopback.
    read_dependencies: Sequence[Any] = field(default_factory=tuple)
    write_dependencies: Sequence[Any] = field(default_factory=tuple)
    # A dependency callable returning the current user's name (plugin mode), or None.
    current_user: Callable[..., Any] | None = None
    # Where "deploy" writes compiled DAG files (Airflow's dags folder); None disables deploy.
    dags_folder: Path | None = None
    # Standalone mode bound to a non-loopback address: every API call needs this Bearer token.
    token: str | None = None
    # Largest request body read (a spec of thousands of nodes is well under it); past it: 413.
    max_body_bytes: int = 5 * 1024 * 1024
    # Uploaded datasets: their folder (default: $JIMU_HOME/datasets) and the largest file taken.
    datasets_dir: Path | None = None
    max_upload_bytes: int = 50 * 1024 * 1024
    # Extra component folders published into the catalog besides the built-ins (as `--components`).
    component_dirs: Sequence[Path] = field(default_factory=tuple)
    # Where `?profile=<name>` finds `<name>.yaml` besides the built-in local and kubernetes profiles.
    profiles_dir: Path | None = None
    # Runs go to the home's warm runner (started on first use, ~10 s once; then a run starts in
    # well under a second). False: one fresh `python -m jimu.run.execute` process per run.
    warm_runs: bool = True
    # Start the runner when the app starts (jimu ui, the Airflow plugin), not at the first run.
    start_runner: bool = False
    # What executes runs (a jimu.run.service.Executor); None: warm or cold as `warm_runs` says.
    run_executor: Any = None
