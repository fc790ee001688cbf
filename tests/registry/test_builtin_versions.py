"""Built-in components and shipped templates follow the same rule as any other: a change needs a new version.

components/published.json and templates/published.json record every shipped version ever
released with its digest. A folder whose content changed under the same version fails here
(bump its version); a new version fails until it is recorded with `make published`.
"""

from __future__ import annotations

import json

import pytest

from jimu.registry.digest import folder_digest
from jimu.registry.record import shipped_kinds

KINDS = shipped_kinds()


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind[2].parent.name)
def test_every_shipped_version_is_recorded_and_unchanged(kind):
    folders, load, record = kind
    recorded = json.loads(record.read_text(encoding="utf-8"))
    assert folders
    for folder in folders:
        spec = load(folder)
        known = recorded.get(spec.name, {}).get(spec.version)
        assert known is not None, f"{spec.ref} is new: run `make published` and commit {record.parent.name}/published.json"
        assert known == folder_digest(folder), (
            f"{record.parent.name}/{spec.name} changed but is still version {spec.version}: "
            "bump its version (published versions are immutable)"
        )
