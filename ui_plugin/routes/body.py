"""Request bodies read as raw bytes: strict JSON checks (repeated keys) need the text itself."""

from __future__ import annotations

from fastapi import Request

PIPELINE_SCHEMA_REF = "#/components/schemas/PipelineSpec"


async def raw_body(request: Request) -> bytes:
    """The body, counted against the size limit as it arrives (BodyLimitMiddleware)."""
    return await request.body()


def json_body(schema: dict, description: str) -> dict:
    """`openapi_extra` documenting a JSON body read with raw_body."""
    return {"requestBody": {"required": True, "description": description,
                            "content": {"application/json": {"schema": schema}}}}


PIPELINE_BODY = json_body({"$ref": PIPELINE_SCHEMA_REF}, "a pipeline spec (it may not validate yet)")
