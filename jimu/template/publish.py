"""Publish a pipeline as a template: its exposed params become the form, the rest is fixed (see expose).

The one way both `jimu templates publish` and the editor's "Publish as template" publish.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from jimu.errors import JimuError, SpecError
from jimu.registry.store import PublishError, PublishResult
from jimu.spec.pydantic_issues import issues_from_validation_error
from jimu.template.expose import Exposure, template_pipeline
from jimu.template.spec import PIPELINE_FILE, TEMPLATE_FILE, TemplateSpec
from jimu.template.store import TemplateStore


def parse_exposures(texts: list[str]) -> list[Exposure]:
    exposures = []
    for text in texts:
        try:
            exposures.append(Exposure.parse(text))
        except ValueError as exc:
            raise JimuError(str(exc)) from None
    return exposures


def publish_template(raw_pipeline: dict[str, Any], about: dict[str, Any], exposures: list[Exposure], component_catalog,
                     *, titles: dict[str, str] | None = None, titles_zh: dict[str, str] | None = None,
                     descriptions: dict[str, str] | None = None, descriptions_zh: dict[str, str] | None = None,
                     store: TemplateStore | None = None, source: str = "template") -> tuple[PublishResult, dict]:
    """Publish `raw_pipeline` as the template `about` describes (name, version, title, ...); the result and the
    template's pipeline. SpecError lists every problem; PublishError when the version exists with other content.

    `titles`/`descriptions` label the form's fields in English, `titles_zh`/`descriptions_zh` in Chinese."""
    pipeline = template_pipeline(raw_pipeline, exposures, component_catalog, titles, descriptions)
    pipeline.pop("$schema", None)
    form_zh: dict[str, dict[str, str]] = {}
    for key, texts in (("title", titles_zh), ("description", descriptions_zh)):
        for name, text in (texts or {}).items():
            form_zh.setdefault(name, {})[key] = text
    fields = {**about, "form_zh": form_zh}
    try:
        spec = TemplateSpec.model_validate(fields)
    except ValidationError as exc:
        raise SpecError(source, issues_from_validation_error(exc, fields)) from None
    with tempfile.TemporaryDirectory(prefix="jimu-template-") as temp:
        folder = Path(temp) / spec.name
        folder.mkdir()
        (folder / TEMPLATE_FILE).write_text(spec.model_dump_json(indent=2, exclude_defaults=True) + "\n", encoding="utf-8")
        (folder / PIPELINE_FILE).write_text(json.dumps(pipeline, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        try:
            result = (store or TemplateStore(component_catalog)).publish(folder)
        except PublishError as exc:
            # The folder is this function's scratch copy: name what was published instead.
            text = str(exc)
            for scratch in (f" in {folder / TEMPLATE_FILE}", f"{folder / PIPELINE_FILE}: "):
                text = text.replace(scratch, "")
            raise PublishError(text.replace(str(folder), source)) from None
    return result, pipeline
