"""Built-in components follow the same rule as any other: a changed component needs a new version.

components/published.json records every built-in version ever released with its digest. A
built-in whose content changed under the same version fails here (bump its version); a new
version fails until it is recorded with `make published`.
"""

from __future__ import annotations

import json

from jimu.catalog import builtin_components_dir, load_component
from jimu.registry.digest import folder_digest

RECORD = builtin_components_dir() / "published.json"


def test_every_builtin_version_is_recorded_and_unchanged():
    recorded = json.loads(RECORD.read_text(encoding="utf-8"))
    for spec_file in sorted(builtin_components_dir().glob("*/component.yaml")):
        spec = load_component(spec_file.parent).spec
        digest = folder_digest(spec_file.parent)
        known = recorded.get(spec.name, {}).get(spec.version)
        assert known is not None, f"{spec.ref} is new: run `make published` and commit components/published.json"
        assert known == digest, (
            f"components/{spec.name} changed but is still version {spec.version}: "
            "bump `version` in its component.yaml (published versions are immutable)"
        )
