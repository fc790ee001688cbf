"""Versioned stores: `index.json` plus one immutable snapshot folder per published version.

    <root>/index.json                 name -> version -> {digest, title, category}
    <root>/<name>/<version>/...       the folder exactly as published

The component catalog (CatalogStore) is one; workflow templates (jimu.template.store) are
another kind of folder kept by the same rules (a StoreKind says what the folders hold).

Publishing the same version again with the same content is a no-op; with other content it
is refused, and so is a breaking change under a version that promises compatibility
(jimu.registry.versions). Runs read the snapshots, so a published version never changes
under a pipeline.

Names and versions come from files a user or an older Jimu may have written (index.json,
component.yaml), so every path built from them is checked again here: a plain name and a
semantic version, resolving inside the root, and, for writes, no symbolic link on the way.
The store deletes only folders it created: its own temp folders (in the same call, or left
by a publisher that was killed: the name records its host, pid and process start time).
"""

from __future__ import annotations

import ast
import fcntl
import hashlib
import json
import os
import shutil
import socket
import time
import warnings
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jimu.errors import ComponentError, JimuError
from jimu.files import make_temp_dir, new_file_mode, write_atomically
from jimu.home import jimu_home
from jimu.refs import COMPONENT_NAME, SEMVER
from jimu.registry.component_folder import load_component
from jimu.registry.digest import component_files, folder_digest
from jimu.registry.versions import (
    compatibility_baseline,
    may_break,
    version_for_breaking_change,
    version_key,
)

INDEX_FILE = "index.json"
INDEX_FORMAT = 1
CATALOG_ENV = "JIMU_CATALOG"
LOCK_FILE = ".lock"
# <root>/<name>/.jimu-publish.<host>.<pid>.<process start>.<random>: a snapshot being copied.
TEMP_PREFIX = ".jimu-publish."
# <root>/<name>/.set-aside.<version>.<time>: what stood where a snapshot had to go.
SET_ASIDE_PREFIX = ".set-aside."


class PublishError(ComponentError):
    """A folder cannot be published (bad folder, or a version that would change)."""


class CatalogWarning(UserWarning):
    """Part of the catalog was skipped or moved aside; the rest is usable."""


@dataclass(frozen=True)
class StoreKind:
    """What a store keeps: its folders' spec file, how to load and check one, and what breaks users.

    `load(folder, check_folder_name)` returns a spec with name, version, ref, title and category;
    `check_folder(folder, spec)` raises PublishError; `breaking_changes(old, new)` lists, in words,
    what in `new` breaks users of `old` (both loaded specs).
    """

    noun: str  # "component"
    index_key: str  # the index's top-level object: "components"
    spec_file: str  # "component.yaml"
    load: Callable[[Path, bool], Any]
    check_folder: Callable[[Path, Any], None]
    breaking_changes: Callable[[Any, Any], list[str]]


@dataclass(frozen=True)
class PublishResult:
    name: str
    version: str
    digest: str
    folder: Path
    status: str  # "published", "unchanged" or "restored" (the snapshot was missing or altered)


def default_catalog_root() -> Path:
    if os.environ.get(CATALOG_ENV):
        return Path(os.environ[CATALOG_ENV]).absolute()
    return jimu_home() / "catalog"


def check_component_folder(folder: Path, spec) -> None:
    """What a published folder must hold besides a valid spec: its code and a Dockerfile."""
    file_name, _, func = spec.runtime.entrypoint.partition(":")
    code = folder / file_name
    problems = []
    if not code.resolve().is_relative_to(folder.resolve()):
        problems.append(f"runtime.entrypoint names {file_name!r}, which is outside the folder")
    elif not code.is_file():
        problems.append(f"runtime.entrypoint names {file_name!r}, which is not in the folder")
    else:
        try:
            tree = ast.parse(code.read_text(encoding="utf-8"), filename=str(code))
        except (SyntaxError, ValueError) as exc:  # ValueError: not UTF-8, or a NUL byte
            line = getattr(exc, "lineno", None)
            problems.append(f"{file_name} does not parse{f': line {line}' if line else ''}: {getattr(exc, 'msg', exc)}")
        else:
            defined = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
            if func not in defined:
                problems.append(f"{file_name} defines no top-level function {func!r}")
    if not (folder / "Dockerfile").is_file():
        problems.append("there is no Dockerfile (pods run the component from its image)")
    if problems:
        raise PublishError(f"{folder}: cannot publish {spec.ref}: " + "; ".join(problems))


def check_name_and_version(name: object, version: object, source: str, noun: str = "component") -> None:
    """Refuse a name or version that could not be one plain folder name (`..`, `/abs`, "1.0.0\\n")."""
    if not COMPONENT_NAME.accepts(name):
        raise ComponentError(f"{source}: {noun} name {name!r} is not valid; {COMPONENT_NAME.hint}")
    if not SEMVER.accepts(version):
        raise ComponentError(f"{source}: {name}: version {version!r} is not valid; {SEMVER.hint}")


def _process_start(pid: int) -> str | None:
    """A token for the process `pid` (its start time on Linux), or None when it is not running."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rpartition(")")[2].split()[19]
    except FileNotFoundError:
        if os.path.isdir("/proc/self"):
            return None
    except (OSError, IndexError):
        pass
    try:  # no /proc: alive or not, without a start time
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except OSError:
        pass
    return "0"


def _host_tag() -> str:
    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]


def _temp_prefix() -> str:
    return f"{TEMP_PREFIX}{_host_tag()}.{os.getpid()}.{_process_start(os.getpid()) or '0'}."


def abandoned_temp(name: str) -> bool:
    """Is `name` a publish temp folder of a process on this host that is no longer running?"""
    if not name.startswith(TEMP_PREFIX):
        return False
    parts = name[len(TEMP_PREFIX):].split(".")
    if len(parts) != 4 or parts[0] != _host_tag() or not parts[1].isdigit():
        return False
    return _process_start(int(parts[1])) != parts[2]  # dead, or its pid now belongs to another process


def _component_breaking_changes(old, new) -> list[str]:
    from jimu.registry.diff import diff_components

    return [c.what for c in diff_components(old, new) if c.breaking]


COMPONENTS = StoreKind(
    noun="component", index_key="components", spec_file="component.yaml",
    load=lambda folder, check_folder_name=True: load_component(folder, check_folder_name=check_folder_name).spec,
    check_folder=check_component_folder, breaking_changes=_component_breaking_changes,
)


class VersionedStore:
    """Published versions of one kind of folder, on disk."""

    def __init__(self, root: Path, kind: StoreKind):
        self.root = Path(root).absolute()
        self.kind = kind

    # -- reading ---------------------------------------------------------------------------

    def index(self) -> dict:
        """index.json as written (entries unchecked: see entries())."""
        path = self.root / INDEX_FILE
        fix = f"restore it from a backup, or move it aside and publish your {self.kind.noun}s again"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"format": INDEX_FORMAT, self.kind.index_key: {}}
        except (OSError, UnicodeDecodeError) as exc:
            raise ComponentError(f"{path}: cannot read the catalog index: {exc}; {fix}") from None
        except json.JSONDecodeError as exc:
            raise ComponentError(
                f"{path}: the catalog index is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); {fix}"
            ) from None
        if not isinstance(data, dict) or data.get("format") != INDEX_FORMAT:
            found = data.get("format") if isinstance(data, dict) else type(data).__name__
            raise ComponentError(f"{path}: unknown catalog index format {found!r} (this Jimu reads {INDEX_FORMAT}); {fix}")
        if not isinstance(data.get(self.kind.index_key), dict):
            raise ComponentError(f"{path}: {self.kind.index_key!r} must be an object of name -> version -> record; {fix}")
        return data

    def entries(self) -> list[tuple[str, str, dict]]:
        """Every valid (name, version, record) in the index; invalid entries are skipped with a warning."""
        path = self.root / INDEX_FILE
        found = []
        for name, versions in sorted(self.index()[self.kind.index_key].items()):
            if not COMPONENT_NAME.accepts(name) or not isinstance(versions, dict):
                _warn(f"{path}: skipped {self.kind.noun} {name!r}: not a valid name with an object of versions; "
                      "remove it from the file")
                continue
            for version, record in versions.items():
                if not SEMVER.accepts(version) or not isinstance(record, dict) or not isinstance(record.get("digest"), str):
                    _warn(f"{path}: skipped {name!r} version {version!r}: not a semantic version with a "
                          "digest record; remove it from the file")
                    continue
                found.append((name, version, record))
        return sorted(found, key=lambda e: (e[0], version_key(e[1])))

    def snapshot(self, name: str, version: str) -> Path:
        """<root>/<name>/<version>, refused unless both are plain names and it resolves inside the root."""
        check_name_and_version(name, version, str(self.root / INDEX_FILE), self.kind.noun)
        folder = self.root / name / version
        if not folder.resolve().is_relative_to(self.root.resolve()):
            raise ComponentError(
                f"{folder} resolves to {folder.resolve()}, outside the catalog {self.root.resolve()}; "
                f"replace the symbolic link {self.root / name} by a real folder"
            )
        return folder

    # -- publishing ------------------------------------------------------------------------

    @contextmanager
    def _locked(self):
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / LOCK_FILE
        try:  # never follow a link: open(..., "w") would truncate whatever it points at
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, new_file_mode())
        except OSError as exc:
            raise ComponentError(f"{path}: cannot open the catalog lock ({exc.strerror}); remove it if it is a link") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # concurrent publishers queue here
            yield
        finally:
            os.close(fd)

    def _writable_folder(self, name: str) -> Path:
        """<root>/<name>, created if needed, and a real folder: writes never follow a link out."""
        folder = self.root / name
        if not os.path.lexists(folder):
            folder.mkdir()
        if folder.is_symlink() or not folder.is_dir():
            raise PublishError(
                f"{folder} is not a real folder ({'a symbolic link to ' + os.readlink(folder) if folder.is_symlink() else 'a file'}); "
                "the catalog writes only into folders inside its root: move it away and publish again"
            )
        if not folder.resolve().is_relative_to(self.root.resolve()):
            raise PublishError(f"{folder} resolves outside the catalog {self.root.resolve()}; move it away")
        return folder

    def publish(self, folder: Path) -> PublishResult:
        """Validate and publish a folder; refuse to change a published version."""
        folder = Path(folder).absolute()
        spec = self.kind.load(folder, True)
        spec_file = folder / self.kind.spec_file
        check_name_and_version(spec.name, spec.version, str(spec_file), self.kind.noun)
        self.kind.check_folder(folder, spec)
        digest = folder_digest(folder)
        with self._locked():
            self._remove_abandoned_temps()
            index = self.index()
            versions = {v: r for n, v, r in self.entries() if n == spec.name}
            target = self._writable_folder(spec.name) / spec.version
            published = versions.get(spec.version)
            if published is not None:
                if published["digest"] != digest:
                    raise PublishError(
                        f"{spec.ref} is already published with other content "
                        f"({published['digest'][:19]}... here {digest[:19]}...); published versions are "
                        f"immutable: bump `version` in {spec_file}"
                    )
                if _holds(target, digest):
                    return PublishResult(spec.name, spec.version, digest, target, "unchanged")
                self._place_snapshot(folder, spec.name, spec.version, digest)
                return PublishResult(spec.name, spec.version, digest, target, "restored")
            self._check_compatible(folder, spec, list(versions))
            self._place_snapshot(folder, spec.name, spec.version, digest)
            entries = index[self.kind.index_key]
            own = entries.get(spec.name)
            if not isinstance(own, dict):  # an invalid entry (warned about) gives way to a valid one
                own = entries[spec.name] = {}
            own[spec.version] = {"digest": digest, "title": spec.title, "category": spec.category}
            write_atomically(self.root / INDEX_FILE, json.dumps(index, indent=2, sort_keys=True) + "\n")
        return PublishResult(spec.name, spec.version, digest, target, "published")

    def _check_compatible(self, folder: Path, spec, published: list[str]) -> None:
        """Refuse breaking changes unless the version says so (see jimu.registry.versions)."""
        base = compatibility_baseline(spec.version, published)
        if base is None or may_break(base, spec.version):
            return
        try:
            old = self.kind.load(self.snapshot(spec.name, base), False)
        except JimuError as exc:
            raise PublishError(
                f"cannot check {spec.ref} against {spec.name}@{base}, whose snapshot is unreadable ({exc}); "
                f"publish {spec.name}@{base} again from its source folder to restore it"
            ) from None
        breaking = self.kind.breaking_changes(old, spec)
        if breaking:
            use = version_for_breaking_change(base, published)
            raise PublishError(
                f"{spec.ref} breaks pipelines that use {spec.name}@{base}: " + "; ".join(breaking)
                + f". A breaking change needs a new major version (below 1.0.0: a new minor): set `version: {use}` "
                f"in {folder / self.kind.spec_file}, or undo these changes"
            )

    def _place_snapshot(self, folder: Path, name: str, version: str, digest: str) -> None:
        """Copy into a temp folder, then rename: a snapshot is complete or absent.

        Something already at the target (a publish killed before it updated the index, or a
        hand edit) is adopted when it holds exactly this content, else moved aside, never deleted.
        """
        parent = self._writable_folder(name)
        target = parent / version  # both checked by the caller: plain names
        if _holds(target, digest):
            return
        if os.path.lexists(target):
            aside = parent / f"{SET_ASIDE_PREFIX}{version}.{time.strftime('%Y%m%dT%H%M%S')}.{time.time_ns() % 10**9:09d}"
            os.rename(target, aside)  # renames a link itself, never what it points at
            _warn(f"{target} held other content than {name}@{version} (an unfinished publish or a hand edit); "
                  f"moved it to {aside}: delete that once you have looked at it")
        temp = make_temp_dir(parent, _temp_prefix())
        try:
            for path in component_files(folder):
                dest = temp / path.relative_to(folder)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, dest)
            os.rename(temp, target)
        except BaseException:
            shutil.rmtree(temp, ignore_errors=True)  # created above, in this call
            raise

    def _remove_abandoned_temps(self) -> None:
        """Temp folders of killed publishers (called under the lock, so none is in use)."""
        try:
            parents = [p for p in self.root.iterdir() if p.is_dir() and not p.is_symlink()]
        except OSError:
            return
        for parent in parents:
            for temp in parent.glob(f"{TEMP_PREFIX}*"):
                if temp.is_dir() and not temp.is_symlink() and abandoned_temp(temp.name):
                    shutil.rmtree(temp, ignore_errors=True)


def _holds(target: Path, digest: str) -> bool:
    return target.is_dir() and not target.is_symlink() and folder_digest(target) == digest


def _warn(message: str) -> None:
    warnings.warn(CatalogWarning(message), stacklevel=3)


class CatalogStore(VersionedStore):
    """Published component versions on disk."""

    def __init__(self, root: Path | None = None):
        super().__init__(root or default_catalog_root(), COMPONENTS)
