"""Reading the charts a component run wrote, and checking them against Vega-Lite's own JSON schema."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import jsonschema

from jimu.runtime.charts import read_charts
from tests.conftest import REPO

# The schema the pinned vega-lite npm package ships (make setup installs it with the editor's front end).
VEGA_LITE_SCHEMA = REPO / "ui_plugin" / "frontend" / "node_modules" / "vega-lite" / "build" / "vega-lite-schema.json"


@functools.cache
def vega_lite_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(VEGA_LITE_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.validators.validator_for(schema)(schema)


def vega_lite_errors(spec: dict) -> list[str]:
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message[:300]}"
            for error in vega_lite_validator().iter_errors(spec)]


def charts_of(run, port: str) -> dict[str, dict]:
    """name -> spec of the charts stored under an output port of a run, each valid Vega-Lite."""
    charts = {chart["name"]: chart["spec"] for chart in read_charts(Path(run.outputs[port]))}
    for name, spec in charts.items():
        assert not vega_lite_errors(spec), (name, vega_lite_errors(spec))
    return charts


def values(spec: dict) -> list[dict]:
    return spec["data"]["values"]
