"""Data files shipped inside a template, read as datasets.

A template's dataset field needs a default that works on a fresh machine: a file in the template's
own folder, written `package://jimu.templates.<template>/data/<file>` (the URI load_table reads).
Only Jimu's own templates are looked in: the editor never opens another package's files for a
user who typed a URI.
"""

from __future__ import annotations

import importlib.resources
import re
from functools import lru_cache
from pathlib import Path, PurePosixPath

import pyarrow as pa

from jimu.datasets.read_upload import read_upload

PACKAGE_SCHEME = "package://"
TEMPLATE_PACKAGE = re.compile(r"jimu\.templates\.[a-z][a-z0-9_]*")


def bundled_path(uri: object) -> Path | None:
    """The file a `package://jimu.templates.<name>/<file>` URI names, None if it is no such existing file."""
    if not isinstance(uri, str) or not uri.startswith(PACKAGE_SCHEME):
        return None
    package, _, inner = uri[len(PACKAGE_SCHEME):].partition("/")
    inner_path = PurePosixPath(inner)
    if (not TEMPLATE_PACKAGE.fullmatch(package) or not inner or inner_path.is_absolute()
            or ".." in inner_path.parts or any(char in inner for char in "\\\0")):
        return None
    try:
        folder = Path(str(importlib.resources.files(package)))
    except (ModuleNotFoundError, TypeError):  # no such template, or a template folder without __init__.py
        return None
    path = folder / inner
    if not path.is_file() or not path.resolve().is_relative_to(folder.resolve()):
        return None
    return path


def bundled_table(path: Path) -> pa.Table:
    """The bundled file's rows, read as an upload would be (DatasetError if it is no table)."""
    stat = path.stat()
    return _read(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _read(path: Path, mtime_ns: int, size: int) -> pa.Table:  # keyed on the file's change time: an edit is read anew
    return read_upload(path.read_bytes(), path.name)
