"""A component folder read from disk: its checked spec and where its code lives.

Both the catalog (which reads published snapshots) and the store (which publishes source
folders) need it; it lives below both so neither imports the other to get it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from jimu.errors import ComponentError, SpecError
from jimu.spec import ComponentSpec
from jimu.spec.pydantic_issues import issues_from_validation_error
from jimu.strict_yaml import load_yaml


@dataclass(frozen=True)
class Component:
    """A component spec and the folder its code lives in."""

    spec: ComponentSpec
    folder: Path


def load_component(folder: Path, check_folder_name: bool = True) -> Component:
    """Read and check `folder/component.yaml` (snapshots live in version-named folders)."""
    spec_file = folder / "component.yaml"
    try:
        raw = load_yaml(spec_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ComponentError(f"{spec_file}: cannot read component spec: {exc}") from None
    try:
        spec = ComponentSpec.model_validate(raw)
    except ValidationError as exc:
        raise SpecError(str(spec_file), issues_from_validation_error(exc)) from None
    if check_folder_name and spec.name != folder.name:
        raise ComponentError(
            f"{spec_file}: name {spec.name!r} differs from its folder {folder.name!r}; "
            "rename one so they match"
        )
    return Component(spec, folder.resolve())
