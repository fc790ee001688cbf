"""The asset rules' warning: a reference to the triggering asset events where there can be none."""

from __future__ import annotations

from jimu.validate import validate_pipeline

CODE = "def transform(tables, params):\n    import pandas as pd\n    return pd.DataFrame(params['events'])\n"


def pipeline(schedule) -> dict:
    return {"id": "p", "schedule": schedule, "nodes": [
        {"id": "seen", "component": "python@1.0.0",
         "params": {"code": CODE, "args": {"events": {"$run": "triggering_asset_events"}}}},
    ]}


def test_asset_events_outside_an_asset_schedule_are_a_warning(catalog):
    report = validate_pipeline(pipeline("@daily"), catalog)
    assert report.ok  # a warning does not stop a run or a deploy
    [issue] = report.issues
    assert (issue.code, issue.path, issue.node, issue.severity) == (
        "asset-events-never-set", "$.nodes[0].params.args.events", "seen", "warning")
    assert "empty list" in issue.message and "schedule the pipeline on assets" in issue.hint


def test_asset_events_under_an_asset_schedule_are_fine(catalog):
    assert validate_pipeline(pipeline({"asset": "sales_daily"}), catalog).issues == []
