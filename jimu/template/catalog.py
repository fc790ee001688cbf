"""The template catalog: every published template version, the shipped ones included."""

from __future__ import annotations

import warnings
from pathlib import Path

from jimu.errors import ComponentError, JimuError
from jimu.registry.store import CatalogWarning
from jimu.registry.versions import version_key
from jimu.template.folder import Template, load_template
from jimu.template.spec import TEMPLATE_FILE
from jimu.template.store import TemplateStore


def builtin_templates_dir() -> Path:
    # Editable and regular installs both map jimu.templates onto the templates/ folder.
    import jimu.templates

    return Path(jimu.templates.__file__).resolve().parent


def builtin_template_folders() -> list[Path]:
    return [spec.parent for spec in sorted(builtin_templates_dir().glob(f"*/{TEMPLATE_FILE}"))]


class TemplateCatalog:
    """Templates by name and version."""

    def __init__(self, templates: list[Template]):
        self._by_ref = {t.ref: t for t in templates}

    @classmethod
    def from_dirs(cls, component_catalog, store: TemplateStore | None = None) -> TemplateCatalog:
        """Publish the shipped templates (a no-op once done), then read the store."""
        store = store or TemplateStore(component_catalog)
        for folder in builtin_template_folders():
            store.publish(folder)
        return cls.from_store(store)

    @classmethod
    def from_store(cls, store: TemplateStore) -> TemplateCatalog:
        """Every readable published version; an unreadable snapshot is skipped with a warning."""
        templates = []
        for name, version, _ in store.entries():
            try:
                template = load_template(store.snapshot(name, version), check_folder_name=False)
                if template.ref != f"{name}@{version}":
                    raise ComponentError(f"{template.folder / TEMPLATE_FILE} is {template.ref}, not {name}@{version}")
            except JimuError as exc:
                warnings.warn(CatalogWarning(f"skipped template {name}@{version}: {exc}; publish it again"), stacklevel=2)
                continue
            templates.append(template)
        return cls(templates)

    def versions(self, name: str) -> list[str]:
        return sorted((t.version for t in self._by_ref.values() if t.name == name), key=version_key)

    def get(self, ref: str) -> Template | None:
        """`name@version`, or `name` for its newest version."""
        name, _, version = ref.partition("@")
        if not version:
            versions = self.versions(name)
            version = versions[-1] if versions else ""
        return self._by_ref.get(f"{name}@{version}")

    def require(self, ref: str) -> Template:
        template = self.get(ref)
        if template is None:
            name = ref.partition("@")[0]
            versions = self.versions(name)
            hint = (f"published versions of {name}: {', '.join(versions)}" if versions else
                    f"known templates: {', '.join(sorted({t.name for t in self})) or 'none'} (see `jimu templates list`)")
            raise ComponentError(f"no template {ref!r}; {hint}")
        return template

    def latest(self) -> list[Template]:
        """The newest version of each template, by name."""
        return [t for t in self if t.version == self.versions(t.name)[-1]]

    def __iter__(self):
        return iter(sorted(self._by_ref.values(), key=lambda t: (t.name, version_key(t.version))))

    def __len__(self) -> int:
        return len(self._by_ref)
