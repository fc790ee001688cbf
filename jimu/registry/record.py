"""`python -m jimu.registry.record`: add the current versions of the built-in components and the
shipped templates to their `published.json` (components/, templates/)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from jimu.files import write_atomically
from jimu.registry.digest import folder_digest


def shipped_kinds() -> list[tuple[list[Path], Callable[[Path], object], Path]]:
    """(folders, load(folder) -> spec with name/version/ref, record file) for each kind Jimu ships."""
    from jimu.catalog import builtin_components_dir, load_component
    from jimu.template.catalog import builtin_template_folders, builtin_templates_dir
    from jimu.template.folder import load_template

    components = builtin_components_dir()
    return [
        ([f.parent for f in sorted(components.glob("*/component.yaml"))], lambda f: load_component(f).spec,
         components / "published.json"),
        (builtin_template_folders(), load_template, builtin_templates_dir() / "published.json"),
    ]


def record(folders: list[Path], load, path: Path) -> int:
    recorded = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    for folder in folders:
        spec = load(folder)
        digest = folder_digest(folder)
        known = recorded.setdefault(spec.name, {}).get(spec.version)
        if known and known != digest:
            print(f"refused: {spec.ref} changed under the same version; bump its version in {folder}")
            return 1
        recorded[spec.name][spec.version] = digest
    write_atomically(path, json.dumps(recorded, indent=2, sort_keys=True) + "\n")
    print(f"recorded {sum(len(v) for v in recorded.values())} version(s) in {path}")
    return 0


def main() -> int:
    return max(record(*kind) for kind in shipped_kinds())


if __name__ == "__main__":
    raise SystemExit(main())
