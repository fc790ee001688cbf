"""GET /api/components, /api/components/{name}/{version}, /api/schema/pipeline."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter

from jimu.spec import PipelineSpec
from jimu.spec.schema_export import schema_text
from jimu.ui_plugin.errors import ApiError, error_responses
from jimu.ui_plugin.ids import COMPONENT_NAME_PATH, VERSION_PATH, component_name, component_version
from jimu.ui_plugin.models import ComponentInfo
from jimu.ui_plugin.services import EditorServices


def component_info(comp) -> ComponentInfo:
    spec = comp.spec
    dumped = spec.model_dump(mode="json", by_alias=True)
    return ComponentInfo(
        name=spec.name, version=spec.version, ref=spec.ref, title=spec.title, description=spec.description,
        category=spec.category, inputs=dumped["inputs"], outputs=dumped["outputs"], params=dumped["params"],
        spec=dumped,
    )


def components_router(services: EditorServices) -> APIRouter:
    router = APIRouter(tags=["components"])

    @router.get("/components", name="list_components", responses=error_responses(500))
    def list_components() -> list[ComponentInfo]:
        """Every published component version, oldest version of each name first."""
        return [component_info(c) for c in services.catalog()]

    @router.get("/components/{name}/{version}", name="get_component", responses=error_responses(400, 404, 422, 500))
    def get_component(name: str = COMPONENT_NAME_PATH, version: str = VERSION_PATH) -> ComponentInfo:
        comp = services.catalog().get(f"{component_name(name)}@{component_version(version)}")
        if comp is None:
            versions = services.catalog().versions(name)
            raise ApiError(404, f"there is no component {name}@{version}",
                           f"published versions of {name!r}: {', '.join(versions)}" if versions
                           else "see GET /api/components for the published components")
        return component_info(comp)

    @router.get("/schema/pipeline", name="pipeline_schema", responses=error_responses(500))
    def pipeline_schema() -> dict[str, Any]:
        """The pipeline JSON Schema, as `jimu schema` writes it to schemas/pipeline.schema.json."""
        return json.loads(_PIPELINE_SCHEMA)

    return router


_PIPELINE_SCHEMA = schema_text(PipelineSpec)
