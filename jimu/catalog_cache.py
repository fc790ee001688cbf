"""One catalog per long-lived process (the warm runner, the editor), read again only when it changed.

`ComponentCatalog.from_dirs` publishes the source folders and reads the store: ~100 ms that a
process serving many runs or requests should pay once, yet a component edited in a source
folder, or published by `jimu components publish` meanwhile, must show at the next use.
"""

from __future__ import annotations

import threading
from pathlib import Path

from jimu.catalog import ComponentCatalog, source_folders
from jimu.registry.store import INDEX_FILE, CatalogStore

_CATALOGS: dict = {}
_LOCK = threading.Lock()


def cached_catalog(dirs: list[Path] | tuple[Path, ...] = ()) -> ComponentCatalog:
    """ComponentCatalog.from_dirs(dirs), reused while no source file and not the store's index changed."""
    store = CatalogStore()
    folders = [Path(folder).resolve() for folder in source_folders(list(dirs))]
    key = (str(store.root), tuple(map(str, folders)))
    with _LOCK:
        stamp = [file_stamp(store.root / INDEX_FILE), *folder_stamps(folders)]
        cached = _CATALOGS.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        catalog = ComponentCatalog.from_dirs(list(dirs), store)
        stamp[0] = file_stamp(store.root / INDEX_FILE)  # publishing may have written it
        _CATALOGS[key] = (stamp, catalog)
        return catalog


def folder_stamps(folders: list[Path]) -> list:
    """A stamp of every file and folder below `folders`: any edit, addition or removal changes the list."""
    return [(str(path), file_stamp(path)) for folder in folders for path in sorted(folder.rglob("*"))]


def file_stamp(path: Path):
    """What changes when a file is rewritten or replaced (None when it is not there)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size
