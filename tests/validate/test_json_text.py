"""Raw JSON text in, every problem out: a repeated key does not hide the rest of the document.

Class of inputs: documents with a repeated key plus independent problems elsewhere; bounds
errors whose hint must name the bound.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from jimu.validate import validate_pipeline, validate_pipeline_json
from tests.conftest import EXAMPLE

JIMU = Path(sys.executable).with_name("jimu")


def with_repeated_title_and_a_bad_schedule() -> str:
    raw = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    raw["schedule"] = "0 25 * * *"
    text = json.dumps(raw, indent=1)
    return text.replace('"title": ', '"title": "first", "title": ', 1)


def test_a_repeated_key_is_reported_and_the_rest_still_checked(catalog):
    report = validate_pipeline_json(with_repeated_title_and_a_bad_schedule().encode(), catalog)
    codes = [(i.code, i.path) for i in report.issues]
    assert codes == [("duplicate-json-key", "$.title"), ("bad-schedule", "$.schedule")], codes
    assert report.spec is None and not report.ok


def test_jimu_validate_lists_both(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(with_repeated_title_and_a_bad_schedule(), encoding="utf-8")
    proc = subprocess.run([str(JIMU), "validate", str(path), "--json"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert [i["code"] for i in json.loads(proc.stdout)["issues"]] == ["duplicate-json-key", "bad-schedule"]


def test_bound_errors_name_the_bound(catalog):
    raw = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    raw["nodes"][0]["retries"] = -3
    raw["nodes"][1]["retries"] = 99
    hints = {i.path: i.hint for i in validate_pipeline(raw, catalog).issues}
    assert hints["$.nodes[0].retries"] == "use a number of at least 0"
    assert hints["$.nodes[1].retries"] == "use a number of at most 20"
