"""Published template versions: the same immutable, versioned store as components, another kind of folder."""

from __future__ import annotations

import os
from pathlib import Path

from jimu.errors import SpecError
from jimu.home import jimu_home
from jimu.registry.store import PublishError, StoreKind, VersionedStore
from jimu.template.folder import Template, load_template
from jimu.template.spec import PIPELINE_FILE, TEMPLATE_FILE

TEMPLATE_STORE_ENV = "JIMU_TEMPLATE_STORE"


def default_template_root() -> Path:
    if os.environ.get(TEMPLATE_STORE_ENV):
        return Path(os.environ[TEMPLATE_STORE_ENV]).absolute()
    return jimu_home() / "template_store"


def breaking_changes(old: Template, new: Template) -> list[str]:
    """What in `new`'s form refuses values `old`'s form took (a removed field, another type, tighter limits)."""
    changes = []
    for name, before in sorted(old.form.items()):
        after = new.form.get(name)
        if after is None:
            changes.append(f"form field {name!r} was removed")
            continue
        if before.get("type") != after.get("type"):
            changes.append(f"form field {name!r} changed type from {before.get('type')} to {after.get('type')}")
        if "enum" in after and not set(map(str, before.get("enum", after["enum"]))) <= set(map(str, after["enum"])):
            changes.append(f"form field {name!r} no longer offers every choice it offered")
        for bound, tighter in (("minimum", lambda a, b: a > b), ("maximum", lambda a, b: a < b)):
            if bound in after and (bound not in before or tighter(after[bound], before[bound])):
                changes.append(f"form field {name!r} has a tighter {bound} ({after[bound]})")
    return changes


def template_kind(catalog) -> StoreKind:
    """Templates as a store kind; `catalog` (components) checks each pipeline before it is published."""

    def check_folder(folder: Path, template: Template) -> None:
        from jimu.validate import validate_pipeline

        report = validate_pipeline(template.pipeline, catalog)
        errors = [i for i in report.issues if i.severity == "error"]
        if errors:
            raise SpecError(str(folder / PIPELINE_FILE), errors)
        untitled = sorted(name for name, schema in template.form.items() if not schema.get("title"))
        if untitled:
            raise PublishError(
                f"{folder / PIPELINE_FILE}: form field(s) {', '.join(untitled)} have no title; give each pipeline "
                "param a \"title\" in plain words: it is the label people who write no code read"
            )

    return StoreKind(noun="template", index_key="templates", spec_file=TEMPLATE_FILE, load=load_template,
                     check_folder=check_folder, breaking_changes=breaking_changes)


class TemplateStore(VersionedStore):
    """Published template versions on disk."""

    def __init__(self, catalog, root: Path | None = None):
        super().__init__(root or default_template_root(), template_kind(catalog))
