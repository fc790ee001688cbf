"""What a template says about itself to a person, in their language: the gallery card, the form, the preview."""

from __future__ import annotations

from typing import Any

from jimu.template.folder import Template
from jimu.template.form import field_title


def describe(template: Template, lang: str = "en") -> dict[str, Any]:
    """Card fields and the form (field -> JSON Schema with title and description in `lang`), in the form's order."""
    spec = template.spec
    zh = lang == "zh"
    form = {}
    for name, schema in template.form.items():
        own = spec.form_zh.get(name)
        description = (own.description if zh and own is not None and own.description else "") or schema.get("description", "")
        form[name] = {**schema, "title": field_title(name, schema, spec.form_zh, lang), "description": description}
    return {
        "ref": template.ref, "name": spec.name, "version": spec.version, "category": spec.category,
        "title": (zh and spec.title_zh) or spec.title, "description": (zh and spec.description_zh) or spec.description,
        "tags": list(spec.tags), "author": spec.author, "form": form,
    }


def form_schema(template: Template, lang: str = "en") -> dict[str, Any]:
    """The form as one JSON Schema object, for a form library (rjsf) to draw."""
    return {"type": "object", "properties": describe(template, lang)["form"], "additionalProperties": False}


def preview(template: Template) -> dict[str, Any]:
    """The pipeline's shape for a picture of it: nodes with titles and positions, and edges between nodes."""
    pipeline = template.pipeline
    positions = pipeline.editor.positions if pipeline.editor else {}
    nodes = [{"id": n.id, "title": n.title or n.id, "component": n.component,
              "x": positions[n.id].x if n.id in positions else None, "y": positions[n.id].y if n.id in positions else None}
             for n in pipeline.nodes]
    edges = [{"from": e.source.partition(".")[0], "to": e.target.partition(".")[0]} for e in pipeline.edges]
    return {"nodes": nodes, "edges": edges}
