"""jimu.testing.run_component checks params as a pipeline run does: same schema, defaults and text.

For random params of built-in components, the problems run_component refuses with are exactly
the param problems `jimu validate` reports for a one-node pipeline with those params.
"""

from __future__ import annotations

import json
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jimu.errors import SpecError
from jimu.testing import run_component
from jimu.validate import validate_pipeline

PARAM_CODES = {"unknown-param", "bad-param-value", "missing-param", "unknown-pipeline-param"}
# Cheap to run when the params are fine: each fails fast without inputs or files.
COMPONENTS = ["gate", "load_table", "sql", "split", "impute", "one_hot", "standardize"]
WORDS = st.text(alphabet=string.ascii_letters + string.digits + " _", max_size=12)
VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(-2, 2, allow_nan=False), WORDS),
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(WORDS, children, max_size=2)),
    max_leaves=5,
)


def current(catalog, name: str):
    return catalog.require(f"{name}@{catalog.versions(name)[-1]}")


@st.composite
def node_params(draw, catalog):
    component = current(catalog, draw(st.sampled_from(COMPONENTS)))
    names = sorted(component.spec.params.get("properties", {})) + ["not_a_param"]
    keys = draw(st.lists(st.sampled_from(names), unique=True, max_size=4))
    params = {key: draw(VALUES) for key in keys}
    if keys and draw(st.booleans()):
        params[keys[0]] = {"$param": draw(st.sampled_from(["known", "unknown"]))}
    return component, params


def validator_problems(catalog, component, params: dict, pipeline_params: dict) -> list[str]:
    raw = {
        "id": "one_node",
        "params": {name: {"default": value} for name, value in pipeline_params.items()},
        "nodes": [{"id": "node", "component": component.spec.ref, "params": params}],
    }
    report = validate_pipeline(raw, catalog)
    return [str(issue) for issue in report.issues if issue.code in PARAM_CODES]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_run_component_refuses_exactly_what_the_validator_reports(catalog, tmp_path_factory, capfd, data):
    component, params = data.draw(node_params(catalog))
    pipeline_params = {"known": data.draw(VALUES)}
    expected = validator_problems(catalog, component, params, pipeline_params)
    workdir = tmp_path_factory.mktemp("params")
    try:
        run = run_component(component.folder, params, pipeline_params=pipeline_params, workdir=workdir)
    except SpecError as exc:
        assert [str(issue) for issue in exc.issues] == expected
        assert str(exc).startswith(f"params of {component.spec.ref}: {len(expected)} problem(s):")
        assert not (workdir / "invocation.json").exists()  # nothing ran
    else:
        assert expected == []
        assert run.exit_code != 0  # ran, and failed on its missing inputs or files
    capfd.readouterr()


def test_the_error_names_the_param_and_the_fix(catalog, tmp_path):
    with pytest.raises(SpecError) as raised:
        run_component(current(catalog, "gate").folder, {"metric": "accuracy", "threshold": "high", "op": "~"},
                      workdir=tmp_path)
    assert [str(issue) for issue in raised.value.issues] == [
        "$.nodes[0].params.op: node 'node': '~' is not one of ['>=', '>', '<=', '<', '=='] "
        "(fix: give a value that fits: type string, one of '>=', '>', '<=', '<', '==')",
        "$.nodes[0].params.threshold: node 'node': 'high' is not of type 'number' (fix: give a value that fits: type number)",
    ]


def test_param_references_take_the_pipeline_params_and_defaults_fill_in(catalog, tmp_path):
    """As in a run: {"$param": name} resolved, then the schema's defaults for what is not set."""
    sql = current(catalog, "sql")
    run = run_component(sql.folder, {"query": {"$param": "q"}}, pipeline_params={"q": "SELECT 41 + 1 AS answer"},
                        workdir=tmp_path)
    assert run.exit_code == 0 and run.table()["answer"].tolist() == [42]
    invocation = json.loads((tmp_path / "invocation.json").read_text(encoding="utf-8"))
    assert invocation["params"] == {"query": "SELECT 41 + 1 AS answer"}
