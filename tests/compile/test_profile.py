from __future__ import annotations

import pytest

from jimu.compile.profile import BUILTIN_PROFILES, load_profile
from jimu.errors import SpecError


def test_builtin_and_file_profiles(tmp_path):
    assert load_profile("local").kind == "local"
    assert load_profile("kubernetes").storage_secret == "jimu-storage"
    path = tmp_path / "p.yaml"
    path.write_text("name: p\nkind: kubernetes\nnamespace: team-a\nlabels: {team: a}\n")
    assert load_profile(path).namespace == "team-a"
    assert BUILTIN_PROFILES["kubernetes"].image("jimu/sql:1.0.0") == "jimu/sql:1.0.0"


@pytest.mark.parametrize(
    "body, field",
    [
        ("namespace: Bad_NS", "namespace"),
        ("labels: {team: '{{ x }}'}", "labels"),
        ("labels: {'bad key!': a}", "labels"),
        ("storage_secret: 'a b'", "storage_secret"),
        ("image_registry: 'reg/{{x}}'", "image_registry"),
        ("surprise: 1", "surprise"),
        ("airflow_url: 'javascript:alert(1)'", "airflow_url"),
        ("airflow_url: 'https://airflow.example.com/ ui'", "airflow_url"),
    ],
)
def test_bad_profiles_name_the_field(tmp_path, body, field):
    path = tmp_path / "p.yaml"
    path.write_text(f"name: p\nkind: kubernetes\n{body}\n")
    with pytest.raises(SpecError) as err:
        load_profile(path)
    assert any(issue.path.startswith(f"$.{field}") for issue in err.value.issues), err.value


@pytest.mark.parametrize(
    "key, value",
    [
        ("team", "a\n"),
        ("team\n", "a"),
        ("Example.com/team", "a"),  # prefix must be a lowercase DNS subdomain
        ("/team", "a"),
        ("a/b/team", "a"),
        ("example.com/", "a"),
        ("team", "x" * 64),
        ("x" * 64, "a"),
        ("team", "-a"),
        ("team", "a b"),
    ],
)
def test_profile_labels_follow_the_kubernetes_rules(tmp_path, key, value):
    """Class: label keys and values the API server refuses (prefixes, lengths, edges, line ends)."""
    import json

    path = tmp_path / "p.yaml"
    path.write_text(f"name: p\nkind: kubernetes\nlabels: {{{json.dumps(key)}: {json.dumps(value)}}}\n")
    with pytest.raises(SpecError) as err:
        load_profile(path)
    assert any(issue.path.startswith("$.labels") for issue in err.value.issues), err.value


def test_profile_labels_that_kubernetes_takes(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("name: p\nkind: kubernetes\nlabels: {example.com/team: data-1, cost_center: '', a.b: A.b_c}\n")
    assert load_profile(path).labels == {"example.com/team": "data-1", "cost_center": "", "a.b": "A.b_c"}


@pytest.mark.parametrize(
    "text",
    ["name: p\nkind: local\nname: q\n", "name: [unclosed\n", "- a list\n", "", "labels: {a: 1, a: 2}\nname: p\nkind: kubernetes\n"],
)
def test_unreadable_profiles_get_a_clear_error(tmp_path, text):
    """Class: duplicate keys (top level and nested), YAML syntax errors, non-mappings, empty files, bad bytes."""
    path = tmp_path / "p.yaml"
    path.write_text(text)
    with pytest.raises(SpecError) as err:
        load_profile(path)
    assert err.value.issues and all(issue.hint for issue in err.value.issues)
    path.write_bytes(b"name: \xff\n")
    with pytest.raises(SpecError):
        load_profile(path)
