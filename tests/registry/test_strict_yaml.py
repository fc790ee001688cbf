"""Component specs refuse duplicate keys (yaml.safe_load would keep the last one silently)."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from jimu.catalog import load_component
from jimu.errors import ComponentError
from jimu.strict_yaml import DuplicateKeyError, load_yaml
from tests.registry.helpers import make_component

keys = st.text(alphabet="abcxyz_", min_size=1, max_size=4)
values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=10,
)


@given(values)
def test_documents_without_duplicates_load_as_safe_load_does(value):
    for style in (False, True, None):
        text = yaml.safe_dump(value, default_flow_style=style)
        assert load_yaml(text) == yaml.safe_load(text) == value


def nest(path: list, lines: list[str]) -> list[str]:
    """`lines` (a block node) placed under each step of `path`: a key, or the first item of a list."""
    if not path:
        return lines
    inner = nest(path[1:], lines)
    if isinstance(path[0], int):
        return ["- " + inner[0]] + ["  " + line for line in inner[1:]]
    return [f"{path[0]}:"] + ["  " + line for line in inner]


@given(st.lists(keys | st.just(0), max_size=4), keys, st.booleans())
def test_a_duplicate_key_at_any_depth_is_refused_with_its_path(path, key, flow):
    body = [f"{{{key}: 1, other: 0, {key}: 2}}"] if flow else [f"{key}: 1", "other: 0", f"{key}: 2"]
    expected = ""
    for step in path:
        expected += "[0]" if isinstance(step, int) else (f".{step}" if expected else step)
    with pytest.raises(DuplicateKeyError) as caught:
        load_yaml("\n".join(nest(path, body)) + "\n")
    assert caught.value.key == key and caught.value.path == expected
    assert f"duplicate key {key!r}" in str(caught.value) and "keep only one of them" in str(caught.value)


def test_merge_keys_and_equal_looking_keys_are_not_duplicates():
    assert load_yaml("base: &b {x: 1}\nitem:\n  <<: *b\n  y: 2\n") == {"base": {"x": 1}, "item": {"x": 1, "y": 2}}
    assert load_yaml("1: a\n'1': b\n") == {1: "a", "1": "b"}


def test_component_yaml_with_a_duplicate_param_default_names_file_and_path(tmp_path):
    folder = make_component(tmp_path)
    spec = folder / "component.yaml"
    spec.write_text(spec.read_text().replace("      default: 1\n", "      default: 1\n      default: 5\n"))
    with pytest.raises(ComponentError) as caught:
        load_component(folder)
    message = str(caught.value)
    assert str(spec) in message
    assert "duplicate key 'default' in params.properties.multiplier (lines 20 and 21)" in message
