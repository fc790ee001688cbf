"""What the routes share: the workspace store, the component catalog and profile lookup."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from jimu.catalog import ComponentCatalog
from jimu.catalog_cache import cached_catalog
from jimu.compile.profile import BUILTIN_PROFILES, DeploymentProfile, load_profile
from jimu.datasets.store import DatasetStore
from jimu.errors import SpecError
from jimu.paths import REPO_ROOT
from jimu.refs import Grammar
from jimu.run.service import ColdExecutor, RunService, WarmExecutor
from jimu.ui_plugin.config import UiConfig
from jimu.ui_plugin.errors import ApiError, IssueBody
from jimu.ui_plugin.ids import checked_id, inside
from jimu.ui_plugin.workspace import PipelineStore

logger = logging.getLogger(__name__)

PROFILE_NAME = Grammar(
    r"[a-z][a-z0-9_-]{0,62}", "profile name",
    "use local, kubernetes, or the name of a profile YAML in the profiles folder (without .yaml)",
)


class EditorServices:
    def __init__(self, config: UiConfig):
        self.config = config
        self.store = PipelineStore(config.workspace)
        self.store.sweep_temp_files()
        self.profiles_dir = config.profiles_dir or REPO_ROOT / "profiles"
        executor = config.run_executor or (WarmExecutor() if config.warm_runs else ColdExecutor())
        self.runs = RunService(executor)
        self.datasets = DatasetStore(config.datasets_dir, max_bytes=config.max_upload_bytes)

    def warm_up(self) -> None:
        """Start the home's runner in the background, so the first run does not pay its start-up."""
        if self.config.start_runner and isinstance(self.runs.executor, WarmExecutor):
            threading.Thread(target=_start_runner_quietly, args=(self.runs.executor,), daemon=True,
                             name="jimu-runner-warm-up").start()

    def close(self) -> None:
        self.runs.close()

    def catalog(self) -> ComponentCatalog:
        """The published components: the built-ins are published on first use (~100 ms), and the
        catalog is read again when a source folder or the store's index changes."""
        return cached_catalog(tuple(Path(d) for d in self.config.component_dirs))

    def templates(self):
        """The published templates (the shipped ones are published on first use), checked against the catalog;
        read again only when the template store or a shipped template changes."""
        from jimu.template.catalog_cache import cached_templates

        return cached_templates(self.catalog())

    def profiles(self) -> dict[str, DeploymentProfile]:
        """Every profile `?profile=` takes: the built-ins, then the readable YAML files of the profiles folder."""
        found = {name: load_profile(name) for name in BUILTIN_PROFILES}
        for path in sorted(self.profiles_dir.glob("*.yaml")):
            if PROFILE_NAME.accepts(path.stem) and path.stem not in found:
                try:
                    found[path.stem] = self.profile(path.stem)
                except ApiError:  # a broken file is reported when it is asked for by name
                    continue
        return found

    def profile(self, name: str) -> DeploymentProfile:
        """A built-in profile, or `<profiles dir>/<name>.yaml`; a name never becomes another path."""
        if name in BUILTIN_PROFILES:
            return load_profile(name)
        checked_id(name, PROFILE_NAME)
        path = inside(self.profiles_dir, name + ".yaml")
        if not path.is_file():
            known = sorted([*BUILTIN_PROFILES, *(p.stem for p in self.profiles_dir.glob("*.yaml"))])
            raise ApiError(400, f"there is no profile {name!r}", f"use one of: {', '.join(known)}")
        try:
            return load_profile(path)
        except SpecError as exc:
            raise ApiError(422, f"profile {name!r} is broken: {exc.issues[0].message}",
                           "fix the profile YAML", issues=[IssueBody.of(i).model_dump() for i in exc.issues]) from None


def _start_runner_quietly(executor: WarmExecutor) -> None:
    try:
        executor.client()
    except OSError as exc:  # the first run tries again and reports it
        logger.warning("jimu: the warm runner did not start: %s", exc)
