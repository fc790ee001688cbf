"""The workspace: one `<id>.json` file per pipeline, read and written safely.

Writes are compare-and-swap: under an exclusive `fcntl` lock per pipeline, the file's current
etag is compared with the one the client last read (If-Match) before the new bytes replace it
atomically (temp file, fsync, rename). Two writers holding the same etag cannot both win,
and a writer killed at any moment leaves the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from jimu.files import write_atomically
from jimu.refs import PIPELINE_ID
from jimu.ui_plugin.errors import ApiError
from jimu.ui_plugin.ids import WINDOWS_DEVICE, inside, pipeline_id

SUFFIX = ".json"
# Lock files live apart from the pipelines, in a hidden folder git users can ignore.
LOCKS = ".locks"


def etag_of(data: bytes) -> str:
    """A strong ETag: the quoted SHA-256 of the file's bytes."""
    return f'"{hashlib.sha256(data).hexdigest()}"'


@dataclass(frozen=True)
class StoredPipeline:
    id: str
    data: bytes
    etag: str
    modified: float


class StaleVersion(ApiError):
    """If-Match named a version that is no longer the current one."""

    def __init__(self, current: StoredPipeline | None, given: str):
        super().__init__(
            409, f"pipeline was changed since you read it (you sent If-Match {given}, the current "
            f"etag is {current.etag if current else 'none: it was deleted'})",
            "reload the pipeline (the current version is in `document`), apply your change again and "
            "send it with the new etag",
            current_etag=current.etag if current else None,
            document=current.data.decode("utf-8", "replace") if current else None,
        )


class PipelineStore:
    """Pipelines in one workspace folder."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def sweep_temp_files(self, older_than_seconds: float = 600) -> list[Path]:
        """Remove the temp files of saves killed mid-write (`kill -9`), once surely abandoned."""
        removed = []
        cutoff = time.time() - older_than_seconds
        for path in self.root.glob(".*" + SUFFIX + ".*.tmp") if self.root.is_dir() else ():
            with contextlib.suppress(OSError):
                if path.is_file() and path.stat().st_mtime <= cutoff:
                    path.unlink()
                    removed.append(path)
        return removed

    def path_of(self, pid: str) -> Path:
        return inside(self.root, pipeline_id(pid) + SUFFIX)

    def ids(self) -> list[str]:
        """Ids of the pipeline files (temp files and other names are not pipelines)."""
        if not self.root.is_dir():
            return []
        found = []
        for path in self.root.glob("*" + SUFFIX):
            pid = path.name.removesuffix(SUFFIX)
            if PIPELINE_ID.accepts(pid) and not WINDOWS_DEVICE.fullmatch(pid) and path.is_file():
                found.append(pid)
        return sorted(found)

    def read(self, pid: str) -> StoredPipeline:
        found = self._current(self.path_of(pid), pid)
        if found is None:
            raise ApiError(404, f"there is no pipeline {pid!r} in the workspace",
                           "see GET /api/pipelines for the ids, or create it with POST /api/pipelines")
        return found

    def create(self, pid: str, data: bytes) -> StoredPipeline:
        path = self.path_of(pid)
        with self._locked(pid):
            if path.exists():
                raise ApiError(409, f"pipeline {pid!r} exists already",
                               "choose another id, or change it with PUT /api/pipelines/{id}", id=pid)
            write_atomically(path, data)
            return self._current(path, pid)

    def replace(self, pid: str, data: bytes, if_match: str) -> StoredPipeline:
        """Write `data` if the file is still the version `if_match` names; else StaleVersion."""
        path = self.path_of(pid)
        with self._locked(pid):
            self._expect(path, pid, if_match)
            write_atomically(path, data)
            return self._current(path, pid)

    def delete(self, pid: str, if_match: str) -> None:
        path = self.path_of(pid)
        with self._locked(pid):
            self._expect(path, pid, if_match)
            path.unlink()

    def _expect(self, path: Path, pid: str, if_match: str) -> None:
        """404 unless the file exists, StaleVersion unless it is the version `if_match` names (call locked)."""
        current = self._current(path, pid)
        if current is None:
            raise ApiError(404, f"there is no pipeline {pid!r} in the workspace (deleted?)",
                           "create it again with POST /api/pipelines")
        if not etag_matches(if_match, current.etag):
            raise StaleVersion(current, if_match)

    @staticmethod
    def _current(path: Path, pid: str) -> StoredPipeline | None:
        try:
            with path.open("rb") as handle:
                data = handle.read()
                modified = os.fstat(handle.fileno()).st_mtime
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None
        return StoredPipeline(pid, data, etag_of(data), modified)

    @contextlib.contextmanager
    def _locked(self, pid: str) -> Iterator[None]:
        folder = self.root / LOCKS
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(inside(folder, pid + ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock


def etag_matches(if_match: str, etag: str) -> bool:
    """If-Match as RFC 9110 says: `*` or a list of strong etags (a weak one never matches)."""
    tags = [tag.strip() for tag in if_match.split(",")]
    return "*" in tags or etag in tags
