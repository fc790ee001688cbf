"""The exports folder of the Jimu home: where relative table paths of components point.

load_table reads a relative `uri` from here, as write_table writes one here, so a pipeline reads
what another exported and neither depends on the folder a command was started in.
"""

from __future__ import annotations

import os
from pathlib import PurePath

from jimu.home import jimu_home
from jimu.runtime.context import FatalError


def exports_folder():
    return jimu_home() / "exports"


def in_exports(uri: str, param: str = "uri") -> str:
    """Absolute paths and URIs as given; relative ones inside <Jimu home>/exports only."""
    if "://" in uri or os.path.isabs(uri):
        return uri
    if ".." in PurePath(uri).parts:
        raise FatalError(f"param {param!r}: {uri!r} climbs out of the exports folder; remove '..'")
    return str((exports_folder() / uri).absolute())
