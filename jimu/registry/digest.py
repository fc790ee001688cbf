"""Content digests of component folders: what "the same version" means."""

from __future__ import annotations

import hashlib
from pathlib import Path

# Build and editor leftovers never count as content.
IGNORED_DIRS = frozenset({"__pycache__", ".pytest_cache", ".ipynb_checkpoints", ".git"})
# A top-level wheels/ holds a Jimu wheel for `docker build` (README, "Publishing a component"):
# an input of the image, not part of the component.
BUILD_INPUT_DIR = "wheels"
IGNORED_SUFFIXES = (".pyc", ".pyo", ".tmp")
IGNORED_NAMES = frozenset({".DS_Store"})


def component_files(folder: Path) -> list[Path]:
    """The files that make up a component, sorted by their path inside the folder."""
    files = []
    for path in folder.rglob("*"):
        rel = path.relative_to(folder)
        if any(part in IGNORED_DIRS for part in rel.parts[:-1]) or (len(rel.parts) > 1 and rel.parts[0] == BUILD_INPUT_DIR) or path.is_dir():
            continue
        if path.name in IGNORED_NAMES or path.name.endswith(IGNORED_SUFFIXES) or path.is_symlink():
            continue
        files.append(path)
    return sorted(files, key=lambda p: p.relative_to(folder).as_posix())


def folder_digest(folder: Path) -> str:
    """sha256 over every file's relative path and bytes, independent of mtimes and order."""
    outer = hashlib.sha256()
    for path in component_files(folder):
        outer.update(path.relative_to(folder).as_posix().encode())
        outer.update(b"\0")
        outer.update(hashlib.sha256(path.read_bytes()).digest())
    return "sha256:" + outer.hexdigest()
