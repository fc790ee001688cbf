"""Check a pipeline against its components: every problem at once, each with path and fix."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from jimu.catalog import ComponentCatalog
from jimu.errors import Issue, SpecError
from jimu.spec import PipelineSpec
from jimu.spec.pydantic_issues import issues_from_validation_error
from jimu.validate.context import RuleContext
from jimu.validate.rules_graph import check_cycles, check_edges, check_inputs
from jimu.validate.rules_nodes import (
    check_component_refs,
    check_node_ids,
    check_outdated_components,
    check_pipeline_id,
)
from jimu.validate.rules_params import check_node_params, check_param_size, check_pipeline_params
from jimu.validate.rules_schedule import check_schedule
from jimu.validate.rules_sql import check_sql

# Order matters: check_edges records the sound edges that the later rules read.
RULES = (
    check_pipeline_id,
    check_node_ids,
    check_component_refs,
    check_outdated_components,
    check_edges,
    check_inputs,
    check_cycles,
    check_pipeline_params,
    check_node_params,
    check_param_size,
    check_schedule,
    check_sql,
)


@dataclass(frozen=True)
class ValidationReport:
    spec: PipelineSpec | None
    issues: list[Issue]

    @property
    def ok(self) -> bool:
        return not any(i.severity == "error" for i in self.issues)


def validate_pipeline(raw: dict[str, Any] | PipelineSpec, catalog: ComponentCatalog) -> ValidationReport:
    """Parse (when given a dict) and check a pipeline; never raises for user mistakes."""
    if isinstance(raw, PipelineSpec):
        spec = raw
    else:
        try:
            spec = PipelineSpec.model_validate(raw)
        except ValidationError as exc:
            return ValidationReport(None, issues_from_validation_error(exc, raw))
    ctx = RuleContext(spec, catalog)
    issues = [issue for rule in RULES for issue in rule(ctx)]
    return ValidationReport(spec, issues)


def read_pipeline_file(path: str | Path) -> dict[str, Any]:
    """The JSON of a pipeline file; a clear SpecError when it is not JSON."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(str(path), [Issue("unreadable-file", "$", str(exc), "check the path")]) from None
    except UnicodeDecodeError as exc:
        raise SpecError(str(path), [Issue("bad-json", "$", f"not UTF-8 text: {exc}", "save the file as UTF-8")]) from None
    try:
        raw = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
    except RecursionError:
        raise SpecError(str(path), [Issue("bad-json", "$", "nested too deeply", "flatten the JSON")]) from None
    except ValueError as exc:
        if not isinstance(exc, json.JSONDecodeError):
            raise SpecError(str(path), [Issue("bad-json", "$", str(exc), "use finite numbers")]) from None
        issue = Issue(
            "bad-json", "$", f"not valid JSON at line {exc.lineno}, col {exc.colno}: {exc.msg}",
            "fix the JSON syntax there",
        )
        raise SpecError(str(path), [issue]) from None
    if not isinstance(raw, dict):
        raise SpecError(str(path), [Issue("bad-json", "$", "a pipeline is a JSON object", "wrap it in {...}")])
    return raw


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON (and cannot reach a DAG file)")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400 parses as inf, which cannot reach a DAG file either
        raise ValueError(f"{text} is too large for a number")
    return value


def load_pipeline(path: str | Path, catalog: ComponentCatalog) -> PipelineSpec:
    """Read, parse and check a pipeline file; raise SpecError listing every problem."""
    report = validate_pipeline(read_pipeline_file(path), catalog)
    if not report.ok:
        raise SpecError(str(path), report.issues)
    return report.spec
