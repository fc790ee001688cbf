"""template.json: what a template says about itself besides its pipeline."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from jimu.refs import COMPONENT_NAME, SEMVER
from jimu.spec.base import SpecModel

TEMPLATE_FILE = "template.json"
PIPELINE_FILE = "pipeline.json"
LANGS = ("en", "zh")
CATEGORIES = ("etl", "classification", "regression", "clustering", "anomaly-detection", "scoring", "retraining",
              "other")


class FieldText(SpecModel):
    """A form field's label and help in one more language."""

    title: str = Field("", max_length=200)
    description: str = Field("", max_length=2000)


class TemplateSpec(SpecModel):
    name: str = Field(pattern=COMPONENT_NAME.json_schema_pattern, description="template name: " + COMPONENT_NAME.hint)
    version: str = Field(pattern=SEMVER.json_schema_pattern, description=SEMVER.hint)
    title: str = Field(min_length=1, max_length=200, description="what the gallery card says, in English")
    title_zh: str = Field("", max_length=200, description="the same in Chinese")
    description: str = Field("", max_length=4000)
    description_zh: str = Field("", max_length=4000)
    category: Literal[CATEGORIES] = "other"
    tags: tuple[str, ...] = ()
    author: str = Field("", max_length=200)
    form_zh: dict[str, FieldText] = Field(
        default_factory=dict, description="Chinese title and description of each form field (pipeline param)"
    )

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"
