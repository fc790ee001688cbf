"""JSON Schemas of the specs, exported to schemas/ so editors can autocomplete pipeline files."""

from __future__ import annotations

import json
from pathlib import Path

from jimu.files import write_atomically
from jimu.paths import SCHEMAS_DIR
from jimu.spec.component import ComponentSpec
from jimu.spec.pipeline import PipelineSpec

SCHEMAS = {
    "pipeline.schema.json": PipelineSpec,
    "component.schema.json": ComponentSpec,
}


def schema_text(model) -> str:
    schema = model.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def export_schemas(out: Path | None = None, check: bool = False) -> list[Path]:
    """Write the schemas; returns those that changed (with check: that would change)."""
    out = out or SCHEMAS_DIR
    changed = []
    for name, model in SCHEMAS.items():
        path = out / name
        text = schema_text(model)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        changed.append(path)
        if not check:
            write_atomically(path, text)
    return changed
