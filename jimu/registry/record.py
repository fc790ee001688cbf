"""`python -m jimu.registry.record`: add the built-ins' current versions to components/published.json."""

from __future__ import annotations

import json

from jimu.catalog import builtin_components_dir, load_component
from jimu.files import write_atomically
from jimu.registry.digest import folder_digest


def main() -> int:
    path = builtin_components_dir() / "published.json"
    recorded = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    for spec_file in sorted(builtin_components_dir().glob("*/component.yaml")):
        spec = load_component(spec_file.parent).spec
        digest = folder_digest(spec_file.parent)
        known = recorded.setdefault(spec.name, {}).get(spec.version)
        if known and known != digest:
            print(f"refused: {spec.ref} changed under the same version; bump it in {spec_file}")
            return 1
        recorded[spec.name][spec.version] = digest
    write_atomically(path, json.dumps(recorded, indent=2, sort_keys=True) + "\n")
    print(f"recorded {sum(len(v) for v in recorded.values())} built-in version(s) in {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
