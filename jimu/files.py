"""Atomic file writes: a reader (Airflow's DAG processor, the editor) never sees half a file.

mkstemp creates files owner-only (0600); a DAG file that Airflow, running as another user,
cannot read is no better than a missing one. Files written here get the mode a plain
`open(path, "w")` would give them: an existing file keeps its mode, a new one 0666 minus the
umask (0644 under umask 022).
"""

from __future__ import annotations

import os
import stat
import tempfile
import threading
from pathlib import Path

_UMASK_LOCK = threading.Lock()


def current_umask() -> int:
    """The process umask, read without changing it where Linux allows (os.umask can only set)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    with _UMASK_LOCK:  # fallback: set and restore (other threads could see 0o077 in between)
        mask = os.umask(0o077)
        os.umask(mask)
    return mask


def new_file_mode() -> int:
    return 0o666 & ~current_umask()


def new_dir_mode() -> int:
    return 0o777 & ~current_umask()


def write_atomically(path: Path, text: str | bytes) -> bool:
    """Write to path via a temp file and rename; returns False when the content was already there."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mode = new_file_mode()
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)
    return True


def make_temp_dir(parent: Path, prefix: str) -> Path:
    """A fresh folder in parent with the mode a plain mkdir would give (mkdtemp's is 0700)."""
    folder = Path(tempfile.mkdtemp(dir=parent, prefix=prefix))
    os.chmod(folder, new_dir_mode())
    return folder


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable: after a crash the file is the old or the new one."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
