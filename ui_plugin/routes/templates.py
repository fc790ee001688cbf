"""/api/templates: the gallery's cards, a template's form and preview, and a pipeline made from a filled-in form."""

from __future__ import annotations

import json
from typing import Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from jimu.errors import JimuError, SpecError
from jimu.refs import COMPONENT_NAME, SEMVER
from jimu.registry.store import PublishError
from jimu.template.describe import describe, form_schema, preview
from jimu.template.instantiate import FormError, instantiate
from jimu.template.publish import parse_exposures, publish_template
from jimu.template.spec import CATEGORIES
from jimu.ui_plugin.documents import parse_body, pipeline_file_bytes
from jimu.ui_plugin.errors import ApiError, IssueBody, error_responses
from jimu.ui_plugin.ids import PIPELINE_ID_PATH, pipeline_id
from jimu.ui_plugin.services import EditorServices

LANG_QUERY = Query("en", description="language of titles, descriptions and messages")
NAME_PATH = Path(description="template name", pattern=COMPONENT_NAME.json_schema_pattern)
VERSION_QUERY = Query(None, description="a published version (default: the newest)", pattern=SEMVER.json_schema_pattern)


class TemplateCard(BaseModel):
    ref: str
    name: str
    version: str
    category: str
    title: str
    description: str
    tags: list[str]
    author: str
    fields: int = Field(description="how many fields its form has")
    preview: dict[str, Any] = Field(description="the pipeline's nodes (titles, positions) and edges, for its picture")


class TemplateDetail(TemplateCard):
    versions: list[str]
    form: dict[str, Any] = Field(description="the form as one JSON Schema object (rjsf draws it)")


class InstantiateRequest(BaseModel):
    id: str = Field(max_length=63, description="the new pipeline's id in the workspace")
    values: dict[str, Any] = Field(default_factory=dict, description="form field -> value; others keep defaults")
    version: str | None = Field(None, pattern=SEMVER.json_schema_pattern)
    lang: Literal["en", "zh"] = "en"
    schedule: str | None = Field(None, max_length=200, description="cron expression or @daily-style preset: the "
                                 "pipeline runs on it, unpaused, once deployed")
    alert_email: str | None = Field(None, max_length=254, description="an address told when a run fails "
                                    "(an email alert through the smtp_default connection)")


class FieldProblem(BaseModel):
    field: str
    message: str


class Instantiated(BaseModel):
    id: str
    template: str
    etag: str


class PublishRequest(BaseModel):
    """What "Publish as template" asks: the template's name, version and words, and which params make the form."""

    name: str = Field(pattern=COMPONENT_NAME.json_schema_pattern)
    version: str = Field(pattern=SEMVER.json_schema_pattern)
    title: str = Field(min_length=1, max_length=200)
    title_zh: str = Field("", max_length=200)
    description: str = Field("", max_length=4000)
    description_zh: str = Field("", max_length=4000)
    category: Literal[CATEGORIES] = "other"
    tags: list[str] = Field(default_factory=list, max_length=20)
    author: str = Field("", max_length=200)
    expose: list[str] = Field(default_factory=list, max_length=100,
                              description="node.param[=field] or the name of a pipeline param, one per form field")
    field_titles: dict[str, str] = Field(default_factory=dict, description="field -> its label in English")
    field_titles_zh: dict[str, str] = Field(default_factory=dict, description="field -> its label in Chinese")
    field_descriptions: dict[str, str] = Field(default_factory=dict, description="field -> its help text in English")
    field_descriptions_zh: dict[str, str] = Field(default_factory=dict,
                                                  description="field -> its help text in Chinese")


class Published(BaseModel):
    ref: str
    status: str = Field(description="published, or unchanged when this version holds the same content")
    form: list[str]


def templates_router(services: EditorServices, write_dependencies) -> APIRouter:
    router = APIRouter(tags=["templates"])

    def chosen(name: str, version: str | None):
        catalog = services.templates()
        try:
            return catalog.require(f"{name}@{version}" if version else name), catalog
        except JimuError as exc:
            raise ApiError(404, str(exc), "pick a template from GET /api/templates") from None

    def card(template, lang: str) -> TemplateCard:
        info = describe(template, lang)
        # The preview is read from the template already loaded: no extra file per card.
        return TemplateCard(**{k: v for k, v in info.items() if k != "form"}, fields=len(info["form"]),
                            preview=preview(template))

    @router.get("/templates", name="list_templates", responses=error_responses(422, 500))
    def list_templates(lang: Literal["en", "zh"] = LANG_QUERY) -> list[TemplateCard]:
        """The newest version of every template, as gallery cards."""
        return [card(t, lang) for t in services.templates().latest()]

    @router.get("/template-categories", name="list_template_categories", responses=error_responses(500))
    def list_categories() -> list[str]:
        """The categories a template may name (publish refuses any other)."""
        return list(CATEGORIES)

    @router.get("/templates/{name}", name="get_template", responses=error_responses(404, 422, 500))
    def get_template(name: str = NAME_PATH, version: str | None = VERSION_QUERY,
                     lang: Literal["en", "zh"] = LANG_QUERY) -> TemplateDetail:
        """A template's card, its form and a preview of its pipeline."""
        template, catalog = chosen(name, version)
        return TemplateDetail(**card(template, lang).model_dump(), versions=catalog.versions(template.name),
                              form=form_schema(template, lang))

    @router.post("/templates/{name}/instantiate", name="instantiate_template", status_code=201,
                 dependencies=list(write_dependencies), responses=error_responses(400, 404, 409, 422, 500))
    def instantiate_template(request: InstantiateRequest, name: str = NAME_PATH) -> Instantiated:
        """Save a pipeline made from the template and the values into the workspace; 422 lists each wrong value
        in plain words (`problems`), 409 if the id is taken."""
        template, _ = chosen(name, request.version)
        new_id = pipeline_id(request.id)
        try:
            raw = instantiate(template, request.values, new_id, request.lang, services.datasets.columns_of,
                              schedule=request.schedule, alert_email=request.alert_email)
        except FormError as exc:
            first = exc.problems[0].message
            raise ApiError(422, first if len(exc.problems) == 1 else f"{len(exc.problems)} values need fixing: {first}",
                           "correct the fields named in `problems`",
                           problems=[FieldProblem(field=p.field, message=p.message).model_dump() for p in exc.problems]
                           ) from None
        saved = services.store.create(new_id, pipeline_file_bytes(json.loads(json.dumps(raw)), new_id))
        return Instantiated(id=new_id, template=template.ref, etag=saved.etag)

    @router.post("/pipelines/{id}/publish-template", name="publish_template", status_code=201,
                 dependencies=list(write_dependencies), responses=error_responses(400, 404, 409, 422, 500))
    def publish(request: PublishRequest, id: str = PIPELINE_ID_PATH) -> Published:
        """Publish a saved pipeline as a template version: the exposed params become its form; 422 lists every
        problem, 409 when the version is published with other content or breaks the form of an earlier one."""
        raw = parse_body(services.store.read(pipeline_id(id)).data)
        about = request.model_dump(exclude={"expose", "field_titles", "field_titles_zh", "field_descriptions",
                                            "field_descriptions_zh"})
        try:
            result, pipeline = publish_template(
                raw, about, parse_exposures(request.expose), services.catalog(),
                titles=request.field_titles, titles_zh=request.field_titles_zh,
                descriptions=request.field_descriptions, descriptions_zh=request.field_descriptions_zh,
                source=f"pipeline {id}",
            )
        except SpecError as exc:
            raise ApiError(422, exc.issues[0].message, exc.issues[0].hint,
                           issues=[IssueBody.of(i).model_dump() for i in exc.issues]) from None
        except PublishError as exc:
            raise ApiError(409, str(exc), "bump the version (a breaking form change needs a new major version)",
                           field="version") from None
        except JimuError as exc:
            raise ApiError(422, str(exc), "fix the request as the message says") from None
        return Published(ref=f"{result.name}@{result.version}", status=result.status, form=list(pipeline["params"]))

    return router
