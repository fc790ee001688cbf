"""Every validator rule, driven by tests/fixtures/validate/<case>.json.

A case holds a `pipeline` (checked with validate_pipeline) or a `file_text` (read with
read_pipeline_file), and `expect`: the exact issues, as (code, path, node). An expected issue
may add `message_contains` / `message_excludes` / `hint_contains`: substrings its text must
(not) have.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from jimu.catalog import ComponentCatalog
from jimu.errors import Issue, SpecError
from jimu.validate import read_pipeline_file, validate_pipeline

TESTS = Path(__file__).resolve().parent.parent
CASES_DIR = TESTS / "fixtures" / "validate"
TEST_COMPONENTS = TESTS / "fixtures" / "components"
VALIDATE_SOURCES = TESTS.parent / "jimu" / "validate"
CASES = sorted(CASES_DIR.glob("*.json"))
# Codes checked by the direct tests at the bottom of this file instead of by a case file.
# outdated: tests/registry; asset-events-never-set (a warning): tests/validate/test_rules_assets.py
CODES_TESTED_DIRECTLY = {"unreadable-file", "outdated-component", "params-too-large-for-pod", "asset-events-never-set"}


@pytest.fixture(scope="module")
def test_catalog() -> ComponentCatalog:
    """The built-in components plus the test ones (train_model has non-table ports)."""
    return ComponentCatalog.from_dirs([TEST_COMPONENTS])


def load_case(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def reported_issues(case: dict, catalog: ComponentCatalog, tmp_path: Path) -> list[Issue]:
    if "file_text" in case:
        target = tmp_path / "pipeline.json"
        target.write_text(case["file_text"], encoding="utf-8")
        with pytest.raises(SpecError) as raised:
            read_pipeline_file(target)
        return raised.value.issues
    report = validate_pipeline(case["pipeline"], catalog)
    assert report.ok == (not case["expect"])
    return report.issues


def key(item: Issue | dict) -> tuple:
    if isinstance(item, Issue):
        return item.code, item.path, item.node
    return item["code"], item["path"], item["node"]


def describe(issues: list[Issue]) -> str:
    return "\n".join(f"  [{i.code}] {i}" for i in issues) or "  (none)"


@pytest.mark.parametrize("case_file", CASES, ids=lambda p: p.stem)
def test_case(case_file: Path, test_catalog, tmp_path):
    case = load_case(case_file)
    issues = reported_issues(case, test_catalog, tmp_path)

    assert Counter(map(key, issues)) == Counter(map(key, case["expect"])), describe(issues)
    for issue in issues:
        assert issue.hint.strip(), f"no hint: {issue}"
        assert issue.message.strip(), f"no message: {issue}"
        assert issue.severity == "error"
    by_key = {key(i): i for i in issues}
    for expected in case["expect"]:
        issue = by_key[key(expected)]
        for text in expected.get("message_contains", []):
            assert text in issue.message, issue
        for text in expected.get("message_excludes", []):
            assert text not in issue.message, issue
        for text in expected.get("hint_contains", []):
            assert text in issue.hint, issue


def test_there_are_cases():
    assert len(CASES) >= 40


def test_every_issue_code_has_a_case():
    """A new rule in jimu/validate needs a case file (or a direct test here)."""
    source = "\n".join(p.read_text(encoding="utf-8") for p in VALIDATE_SOURCES.glob("*.py"))
    emitted = set(re.findall(r'Issue\(\s*"([a-z-]+)"', source))
    assert {"cycle", "sql-syntax", "bad-json"} <= emitted  # the pattern still finds them
    covered = {item["code"] for case in map(load_case, CASES) for item in case["expect"]}
    assert emitted - covered - CODES_TESTED_DIRECTLY == set()


def test_case_files_are_sound():
    for case_file in CASES:
        case = load_case(case_file)
        assert case.get("why"), f"{case_file.name}: say what the case shows"
        assert ("pipeline" in case) != ("file_text" in case), case_file.name
        for item in case["expect"]:
            assert set(item) <= {"code", "path", "node", "message_contains", "message_excludes", "hint_contains"}


def test_valid_pipeline_files_read_back(tmp_path, test_catalog):
    """A case pipeline written to a file reads back as the same dict (read_pipeline_file's happy path)."""
    case = load_case(CASES_DIR / "valid-chain.json")
    target = tmp_path / "pipeline.json"
    target.write_text(json.dumps(case["pipeline"]), encoding="utf-8")
    assert read_pipeline_file(target) == case["pipeline"]
    assert validate_pipeline(read_pipeline_file(target), test_catalog).issues == []


def test_unreadable_file(tmp_path):
    with pytest.raises(SpecError) as raised:
        read_pipeline_file(tmp_path / "missing.json")
    [issue] = raised.value.issues
    assert (issue.code, issue.path) == ("unreadable-file", "$")
    assert issue.hint


def test_file_not_utf8(tmp_path):
    target = tmp_path / "pipeline.json"
    target.write_bytes(b'{"id": "caf\xe9"}')
    with pytest.raises(SpecError) as raised:
        read_pipeline_file(target)
    [issue] = raised.value.issues
    assert (issue.code, issue.path) == ("bad-json", "$")
    assert "UTF-8" in issue.message and issue.hint


def test_param_schema_ref_is_never_fetched(monkeypatch, catalog):
    """Validation runs on every edit: a "$ref" URL in a pipeline param must not reach the network."""
    fetched = []

    def no_network(*args, **kwargs):
        fetched.append(args)
        raise OSError("no network in tests")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    raw = {"id": "p", "params": {"p": {"$ref": "http://169.254.169.254/latest/meta-data", "default": 1}}}
    issues = validate_pipeline(raw, catalog).issues
    assert [i.code for i in issues] == ["bad-param-schema"]
    assert fetched == []


def test_spec_error_lists_every_issue(catalog, tmp_path):
    """load_pipeline raises one SpecError naming each problem with its path and fix."""
    from jimu.validate import load_pipeline

    case = load_case(CASES_DIR / "unknown-pipeline-param.json")
    target = tmp_path / "pipeline.json"
    target.write_text(json.dumps(case["pipeline"]), encoding="utf-8")
    with pytest.raises(SpecError) as raised:
        load_pipeline(target, catalog)
    text = str(raised.value)
    assert f"{len(case['expect'])} problem(s)" in text
    for expected in case["expect"]:
        assert expected["path"] in text
        assert f"node '{expected['node']}'" in text
    assert text.count("(fix: ") == len(case["expect"])


def nested(depth: int) -> dict:
    value: dict = {}
    for _ in range(depth):
        value = {"a": value}
    return value


def test_deeply_nested_values_are_issues_not_recursion_errors(catalog):
    """JSON allows ~1,000 levels; the recursive walkers over param values would overflow well before."""
    deep = nested(900)
    raw = {
        "id": "p",
        "params": {"deep": {"type": "object", "default": deep}},
        "nodes": [{"id": "f", "component": "python@1.0.0", "params": {"code": "x = 1", "args": deep}}],
    }
    issues = validate_pipeline(raw, catalog).issues
    assert [(i.code, i.path, i.node) for i in issues] == [
        ("bad-param-schema", "$.params.deep", None),
        ("bad-param-value", "$.nodes[0].params.args", "f"),
    ]
    shallow = nested(20)
    raw["params"]["deep"]["default"] = shallow
    raw["nodes"][0]["params"]["args"] = shallow
    assert validate_pipeline(raw, catalog).issues == []


def test_json_nested_too_deep_for_the_parser(tmp_path):
    target = tmp_path / "pipeline.json"
    target.write_text('{"id": "p", "x": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    with pytest.raises(SpecError) as raised:
        read_pipeline_file(target)
    [issue] = raised.value.issues
    assert issue.code == "bad-json" and issue.hint
