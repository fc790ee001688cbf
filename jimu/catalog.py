"""The component catalog: the published component versions a pipeline can pin.

Built-in components (components/), folders named with --components and $JIMU_COMPONENT_PATH
are published into the catalog store (jimu.registry.store) through the same path as any
user component; the catalog then reads every published version from the store.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from jimu.errors import ComponentError, JimuError
from jimu.registry.component_folder import Component, load_component
from jimu.registry.versions import version_key
from jimu.spec import ComponentRef

COMPONENT_PATH_ENV = "JIMU_COMPONENT_PATH"

__all__ = ["Component", "ComponentCatalog", "builtin_components_dir", "load_component", "source_folders"]


def builtin_components_dir() -> Path:
    # Editable and regular installs both map jimu.components onto the components/ folder.
    import jimu.components

    return Path(jimu.components.__file__).resolve().parent


def source_folders(dirs: list[Path] | None = None) -> list[Path]:
    """Component folders to publish: built-ins, then `dirs`, then $JIMU_COMPONENT_PATH."""
    roots = [builtin_components_dir(), *(dirs or [])]
    roots += [Path(p) for p in os.environ.get(COMPONENT_PATH_ENV, "").split(os.pathsep) if p]
    return [spec_file.parent for root in roots for spec_file in sorted(Path(root).glob("*/component.yaml"))]


class ComponentCatalog:
    """Components by name and version."""

    def __init__(self, components: list[Component]):
        self._by_ref: dict[ComponentRef, Component] = {}
        for comp in components:
            ref = ComponentRef(comp.spec.name, comp.spec.version)
            if ref in self._by_ref and self._by_ref[ref].folder != comp.folder:
                raise ComponentError(
                    f"component {ref} is defined twice: {self._by_ref[ref].folder} and "
                    f"{comp.folder}; bump the version of one of them"
                )
            self._by_ref[ref] = comp

    @classmethod
    def from_dirs(cls, dirs: list[Path] | None = None, store=None) -> ComponentCatalog:
        """Publish the built-ins, `dirs` and $JIMU_COMPONENT_PATH folders, then read the store."""
        from jimu.registry.store import CatalogStore

        store = store or CatalogStore()
        for folder in source_folders(dirs):
            store.publish(folder)
        return cls.from_store(store)

    @classmethod
    def from_store(cls, store) -> ComponentCatalog:
        """Every readable published version; an unreadable snapshot is skipped with a warning."""
        from jimu.registry.store import CatalogWarning

        components = []
        for name, version, _ in store.entries():
            try:
                folder = store.snapshot(name, version)
                comp = load_component(folder, check_folder_name=False)
                if comp.spec.ref != f"{name}@{version}":
                    raise ComponentError(f"{folder / 'component.yaml'} is {comp.spec.ref}, not {name}@{version}")
            except JimuError as exc:
                warnings.warn(CatalogWarning(
                    f"skipped {name}@{version}: {exc}; publish it again from its source folder "
                    f"(jimu components publish DIR) to restore the snapshot"
                ), stacklevel=2)
                continue
            components.append(comp)
        return cls(components)

    def get(self, ref: str | ComponentRef) -> Component | None:
        if isinstance(ref, str):
            try:
                ref = ComponentRef.parse(ref)
            except ValueError:
                return None
        return self._by_ref.get(ref)

    def require(self, ref: str) -> Component:
        comp = self.get(ref)
        if comp is None:
            known = ", ".join(sorted(str(r) for r in self._by_ref)) or "none"
            raise ComponentError(f"unknown component {ref!r}; known: {known}")
        return comp

    def versions(self, name: str) -> list[str]:
        return sorted((r.version for r in self._by_ref if r.name == name), key=version_key)

    def __iter__(self):
        return iter(sorted(self._by_ref.values(), key=lambda c: (c.spec.name, version_key(c.spec.version))))

    def __len__(self) -> int:
        return len(self._by_ref)
