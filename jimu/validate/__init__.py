"""Check a pipeline against its components: every problem at once, each with path and fix."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from jimu.catalog import ComponentCatalog
from jimu.errors import Issue, SpecError
from jimu.spec import PipelineSpec
from jimu.spec.pydantic_issues import issues_from_validation_error
from jimu.spec.strict_json import JsonTextError, parse_json_text
from jimu.validate.context import RuleContext
from jimu.validate.document import best_effort_spec, check_text, under
from jimu.validate.rules_airflow import check_airflow_limits
from jimu.validate.rules_assets import check_asset_events_use, check_asset_schedule, check_node_assets
from jimu.validate.rules_failure_handling import check_failure_handling
from jimu.validate.rules_graph import check_cycles, check_edges, check_inputs
from jimu.validate.rules_nodes import (
    check_component_refs,
    check_node_ids,
    check_outdated_components,
    check_pipeline_id,
)
from jimu.validate.rules_notifications import check_run_deadline_is_the_pipelines
from jimu.validate.rules_params import check_node_params, check_param_size, check_pipeline_params
from jimu.validate.rules_pod import check_pod_fields
from jimu.validate.rules_schedule import check_schedule
from jimu.validate.rules_sql import check_sql
from jimu.validate.rules_values import check_export_paths, check_python_code

# Order matters: check_edges records the edges that the later rules read.
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
    check_asset_schedule,
    check_node_assets,
    check_asset_events_use,
    check_failure_handling,
    check_run_deadline_is_the_pipelines,
    check_sql,
    check_python_code,
    check_export_paths,
    check_pod_fields,
    check_airflow_limits,
)


@dataclass(frozen=True)
class ValidationReport:
    # None unless the document parsed as it is (a best-effort repair is never handed out).
    spec: PipelineSpec | None
    issues: list[Issue]

    @property
    def ok(self) -> bool:
        return not any(i.severity == "error" for i in self.issues)


def validate_pipeline(raw: dict[str, Any] | PipelineSpec, catalog: ComponentCatalog) -> ValidationReport:
    """Parse (when given a dict) and check a pipeline; never raises for user mistakes.

    Every problem is reported at once: when part of the document does not parse, the rules
    still check the rest (see jimu.validate.document).
    """
    if isinstance(raw, PipelineSpec):
        return ValidationReport(raw, run_rules(RuleContext(raw, catalog)))
    if not isinstance(raw, dict):
        try:
            PipelineSpec.model_validate(raw)
        except ValidationError as exc:
            return ValidationReport(None, issues_from_validation_error(exc, raw))
    issues, raw, broken = check_text(raw)
    try:
        spec = PipelineSpec.model_validate(raw)
    except ValidationError as exc:
        issues += issues_from_validation_error(exc, raw)
        repair = best_effort_spec(raw, exc)
        if repair is None:
            return ValidationReport(None, issues)
        spec, broken = repair.spec, broken + repair.broken
        placeholders, untrusted = repair.placeholder_ids, repair.untrusted_codes
    else:
        placeholders, untrusted = set(), set()
    for issue in run_rules(RuleContext(spec, catalog)):
        if under(issue.path, broken) or issue.code in untrusted:
            continue  # about a part that was repaired: its own issue says what is wrong
        issues.append(replace(issue, node=None) if issue.node in placeholders else issue)
    return ValidationReport(None if broken else spec, issues)


def run_rules(ctx: RuleContext) -> list[Issue]:
    return [issue for rule in RULES for issue in rule(ctx)]


def read_pipeline_bytes(path: str | Path) -> bytes:
    """A pipeline file's bytes; a SpecError naming the file when it cannot be read."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise SpecError(str(path), [Issue("unreadable-file", "$", str(exc), "check the path")]) from None


def read_pipeline_file(path: str | Path) -> dict[str, Any]:
    """The JSON of a pipeline file; a SpecError when it is not strict JSON (duplicate keys included)."""
    return parse_pipeline_json(read_pipeline_bytes(path), source=str(path))


def parse_pipeline_json(data: bytes | str, source: str = "<request>") -> dict[str, Any]:
    """A pipeline document from JSON text (a file's or a request body's raw bytes).

    Raises SpecError (every issue with its JSON path) for text that is not UTF-8, not JSON,
    repeats a key, holds NaN/Infinity or overflowing numbers, or is not an object.
    """
    try:
        raw = parse_json_text(data)
    except JsonTextError as exc:  # the cause keeps the last-wins document of a repeated key
        raise SpecError(source, exc.issues) from exc
    if not isinstance(raw, dict):
        raise SpecError(source, [Issue("bad-json", "$", "a pipeline is a JSON object", "wrap it in {...}")])
    return raw


def validate_pipeline_json(data: bytes | str, catalog: ComponentCatalog) -> ValidationReport:
    """What the editor (and `jimu validate`) calls on raw bytes: a report for any bytes at all, never an exception.

    A key repeated in an object is reported with its path, and the rest of the document is still
    checked (with the last value, as JSON readers take it), so no problem waits for the next try.
    """
    try:
        raw = parse_pipeline_json(data)
    except SpecError as exc:
        repeated = getattr(exc.__cause__, "value", None)
        if not isinstance(repeated, dict):
            return ValidationReport(None, exc.issues)
        return ValidationReport(None, exc.issues + validate_pipeline(repeated, catalog).issues)
    return validate_pipeline(raw, catalog)


def load_pipeline(path: str | Path, catalog: ComponentCatalog) -> PipelineSpec:
    """Read, parse and check a pipeline file; raise SpecError listing every problem."""
    report = validate_pipeline_json(read_pipeline_bytes(path), catalog)  # every problem, also after a repeated key
    if not report.ok:
        raise SpecError(str(path), report.issues)
    return report.spec
