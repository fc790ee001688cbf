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
    ],
)
def test_bad_profiles_name_the_field(tmp_path, body, field):
    path = tmp_path / "p.yaml"
    path.write_text(f"name: p\nkind: kubernetes\n{body}\n")
    with pytest.raises(SpecError) as err:
        load_profile(path)
    assert any(issue.path.startswith(f"$.{field}") for issue in err.value.issues), err.value
