"""POST /api/validate and /api/compile: check or compile a spec body, saved or not."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from jimu.compile import compile_pipeline
from jimu.ui_plugin.errors import ApiError, IssueBody, error_responses
from jimu.ui_plugin.models import CompileResult, ValidationResult
from jimu.ui_plugin.routes.body import PIPELINE_BODY, raw_body
from jimu.ui_plugin.services import EditorServices
from jimu.validate import ValidationReport, validate_pipeline_json

PROFILE_QUERY = Query("kubernetes", max_length=63,
                      description="local, kubernetes, or the name of a profile YAML in the profiles folder")


def checks_router(services: EditorServices) -> APIRouter:
    router = APIRouter(tags=["checks"])

    @router.post("/validate", name="validate_pipeline", openapi_extra=PIPELINE_BODY,
                 responses=error_responses(413, 500))
    def validate(body: bytes = Depends(raw_body)) -> ValidationResult:
        """Every problem of a spec (any bytes at all): code, JSON path, node, field, message, hint."""
        report = validate_pipeline_json(body, services.catalog())
        return ValidationResult(ok=report.ok, issues=[IssueBody.of(i) for i in report.issues])

    @router.post("/compile", name="compile_pipeline", openapi_extra=PIPELINE_BODY,
                 responses=error_responses(400, 413, 422, 500))
    def compile_preview(body: bytes = Depends(raw_body), profile: str = PROFILE_QUERY) -> CompileResult:
        """The Airflow DAG file a spec compiles to (a preview: nothing is written); 422 with the issues."""
        chosen = services.profile(profile)
        report = validate_pipeline_json(body, services.catalog())
        spec = checked_spec(report)
        source = compile_pipeline(spec, services.catalog(), chosen, f"{spec.id}.json")
        return CompileResult(dag_id=chosen.dag_id(spec.id), profile=chosen.name, source=source)

    return router


def checked_spec(report: ValidationReport, status: int = 422):
    """The spec of a report without errors; else `status` listing them."""
    if not report.ok:
        errors = [i for i in report.issues if i.severity == "error"]
        raise ApiError(status, f"the pipeline does not validate: {len(errors)} problem(s), first {errors[0]}",
                       "fix every listed issue (POST /api/validate lists them too), then try again",
                       issues=[IssueBody.of(i).model_dump() for i in report.issues])
    return report.spec
