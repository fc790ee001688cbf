"""The catalog store: `index.json` plus one immutable snapshot folder per published version.

    <root>/index.json                 name -> version -> {digest, title, category}
    <root>/<name>/<version>/...       the component folder exactly as published

Publishing the same version again with the same content is a no-op; with other content it
is refused. Runs read the snapshots, so a published version never changes under a pipeline.
"""

from __future__ import annotations

import ast
import fcntl
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from jimu.errors import ComponentError
from jimu.files import write_atomically
from jimu.home import jimu_home
from jimu.registry.digest import component_files, folder_digest

INDEX_FILE = "index.json"
INDEX_FORMAT = 1
CATALOG_ENV = "JIMU_CATALOG"


class PublishError(ComponentError):
    """A component folder cannot be published (bad folder, or a version that would change)."""


@dataclass(frozen=True)
class PublishResult:
    name: str
    version: str
    digest: str
    folder: Path
    status: str  # "published" or "unchanged"


def default_catalog_root() -> Path:
    if os.environ.get(CATALOG_ENV):
        return Path(os.environ[CATALOG_ENV]).absolute()
    return jimu_home() / "catalog"


def check_component_folder(folder: Path, spec) -> None:
    """What a published folder must hold besides a valid spec: its code and a Dockerfile."""
    file_name, _, func = spec.runtime.entrypoint.partition(":")
    code = folder / file_name
    problems = []
    if not code.is_file():
        problems.append(f"runtime.entrypoint names {file_name!r}, which is not in the folder")
    else:
        try:
            tree = ast.parse(code.read_text(encoding="utf-8"), filename=str(code))
        except SyntaxError as exc:
            problems.append(f"{file_name} does not parse: line {exc.lineno}: {exc.msg}")
        else:
            defined = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
            if func not in defined:
                problems.append(f"{file_name} defines no top-level function {func!r}")
    if not (folder / "Dockerfile").is_file():
        problems.append("there is no Dockerfile (pods run the component from its image)")
    if problems:
        raise PublishError(f"{folder}: cannot publish {spec.ref}: " + "; ".join(problems))


class CatalogStore:
    """Published component versions on disk."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root or default_catalog_root()).absolute()

    def index(self) -> dict:
        try:
            data = json.loads((self.root / INDEX_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"format": INDEX_FORMAT, "components": {}}
        if data.get("format") != INDEX_FORMAT:
            raise ComponentError(f"{self.root / INDEX_FILE}: unknown index format {data.get('format')!r}")
        return data

    def snapshot(self, name: str, version: str) -> Path:
        return self.root / name / version

    def entries(self) -> list[tuple[str, str, dict]]:
        components = self.index()["components"]
        return [(n, v, components[n][v]) for n in sorted(components) for v in sorted(components[n])]

    @contextmanager
    def _locked(self):
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # concurrent publishers queue here
            yield

    def publish(self, folder: Path) -> PublishResult:
        """Validate and publish a component folder; refuse to change a published version."""
        from jimu.catalog import load_component

        folder = Path(folder).absolute()
        component = load_component(folder)
        spec = component.spec
        check_component_folder(folder, spec)
        digest = folder_digest(folder)
        with self._locked():
            index = self.index()
            published = index["components"].get(spec.name, {}).get(spec.version)
            target = self.snapshot(spec.name, spec.version)
            if published is not None:
                if published["digest"] != digest:
                    raise PublishError(
                        f"{spec.ref} is already published with other content "
                        f"({published['digest'][:19]}... here {digest[:19]}...); published versions are "
                        f"immutable: bump `version` in {folder / 'component.yaml'}"
                    )
                return PublishResult(spec.name, spec.version, digest, target, "unchanged")
            self._copy_snapshot(folder, target)
            index["components"].setdefault(spec.name, {})[spec.version] = {
                "digest": digest,
                "title": spec.title,
                "category": spec.category,
            }
            write_atomically(self.root / INDEX_FILE, json.dumps(index, indent=2, sort_keys=True) + "\n")
        return PublishResult(spec.name, spec.version, digest, target, "published")

    def _copy_snapshot(self, folder: Path, target: Path) -> None:
        """Copy into a temp folder, then rename: a snapshot is complete or absent."""
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
        try:
            for path in component_files(folder):
                dest = temp / path.relative_to(folder)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, dest)
            if target.exists():  # left by a publish that died before updating the index
                shutil.rmtree(target)
            os.replace(temp, target)
        except BaseException:
            shutil.rmtree(temp, ignore_errors=True)
            raise
