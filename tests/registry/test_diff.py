from __future__ import annotations

from jimu.registry.diff import diff_components
from jimu.spec import ComponentSpec

BASE = {
    "name": "c", "version": "1.0.0", "title": "C", "runtime": {"image": "jimu/c:1.0.0"},
    "inputs": [{"name": "table", "type": "table"}, {"name": "extra", "type": "table", "required": False, "multiple": True}],
    "outputs": [{"name": "table", "type": "table"}, {"name": "metrics", "type": "metrics"}],
    "params": {
        "type": "object",
        "properties": {
            "n": {"type": "number", "minimum": 0, "maximum": 10},
            "mode": {"type": "string", "enum": ["a", "b"]},
            "gone": {"type": "string"},
        },
    },
}


def spec(**changes) -> ComponentSpec:
    return ComponentSpec.model_validate({**BASE, **changes})


def breaking(old, new) -> list[str]:
    return [c.what for c in diff_components(old, new) if c.breaking]


def test_same_spec_has_no_changes():
    assert diff_components(spec(), spec()) == []


def test_removed_and_retyped_ports_break():
    new = spec(outputs=[{"name": "table", "type": "model"}], inputs=[{"name": "table", "type": "table"}])
    assert breaking(spec(), new) == ["input port 'extra' removed", "output port 'metrics' removed", "output port 'table' retyped: table -> model"]


def test_narrowed_params_break_and_widened_do_not():
    narrowed = {
        "type": "object",
        "required": ["must"],
        "properties": {
            "n": {"type": "integer", "minimum": 1, "maximum": 10},
            "mode": {"type": "string", "enum": ["a"]},
            "must": {"type": "string"},
        },
    }
    found = breaking(spec(), spec(params=narrowed))
    assert "param 'gone' removed" in found
    assert "param 'must' added (required, no default)" in found
    assert any(f.startswith("param 'n' type narrowed") for f in found)
    assert any(f.startswith("param 'n' minimum tightened") for f in found)
    assert any(f.startswith("param 'mode' allows fewer values") for f in found)
    widened = {
        "type": "object",
        "properties": {
            "n": {"type": ["number", "string"], "minimum": 0, "maximum": 100},
            "mode": {"type": "string", "enum": ["a", "b", "c"]},
            "gone": {"type": "string"},
            "new": {"type": "string", "default": "x"},
        },
    }
    assert breaking(spec(), spec(params=widened)) == []
