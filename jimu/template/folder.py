"""A template folder read from disk: its checked template.json and its pipeline.

The store (publishing), the catalog (reading snapshots) and the CLI all read folders this way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from jimu.errors import ComponentError, Issue, SpecError
from jimu.spec import PipelineSpec
from jimu.spec.pydantic_issues import issues_from_validation_error
from jimu.spec.strict_json import JsonTextError, parse_json_text
from jimu.template.spec import PIPELINE_FILE, TEMPLATE_FILE, TemplateSpec


@dataclass(frozen=True)
class Template:
    """A template's spec, its pipeline (parsed, not yet checked against a catalog) and its folder."""

    spec: TemplateSpec
    pipeline: PipelineSpec
    folder: Path

    # What the versioned store asks of every kind of folder.
    name = property(lambda self: self.spec.name)
    version = property(lambda self: self.spec.version)
    ref = property(lambda self: self.spec.ref)
    title = property(lambda self: self.spec.title)
    category = property(lambda self: self.spec.category)

    @property
    def form(self) -> dict[str, dict[str, Any]]:
        """The fields a user fills in: the pipeline's params, each a JSON Schema with a default."""
        return dict(self.pipeline.params)


def _read_json(path: Path) -> Any:
    try:
        return parse_json_text(path.read_bytes())
    except OSError as exc:
        raise ComponentError(f"{path}: cannot read: {exc.strerror}") from None
    except JsonTextError as exc:
        raise SpecError(str(path), exc.issues) from None


def load_template(folder: Path, check_folder_name: bool = True) -> Template:
    """Read and parse `folder/template.json` and `folder/pipeline.json` (snapshots live in version folders)."""
    folder = Path(folder)
    spec_file, pipeline_file = folder / TEMPLATE_FILE, folder / PIPELINE_FILE
    try:
        spec = TemplateSpec.model_validate(_read_json(spec_file))
    except ValidationError as exc:
        raise SpecError(str(spec_file), issues_from_validation_error(exc)) from None
    try:
        pipeline = PipelineSpec.model_validate(_read_json(pipeline_file))
    except ValidationError as exc:
        raise SpecError(str(pipeline_file), issues_from_validation_error(exc)) from None
    if check_folder_name and spec.name != folder.name:
        raise ComponentError(f"{spec_file}: name {spec.name!r} differs from its folder {folder.name!r}; "
                             "rename one so they match")
    unknown = sorted(set(spec.form_zh) - set(pipeline.params))
    if unknown:
        raise SpecError(str(spec_file), [Issue(
            "unknown-form-field", f"$.form_zh.{unknown[0]}",
            f"form_zh names {', '.join(map(repr, unknown))}, which {'is' if len(unknown) == 1 else 'are'} not a param of "
            f"{PIPELINE_FILE}", f"use one of: {', '.join(sorted(pipeline.params)) or 'none (the pipeline has no params)'}",
        )])
    return Template(spec, pipeline, folder.resolve())
