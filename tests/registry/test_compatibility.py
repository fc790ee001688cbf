"""Publishing refuses a breaking change unless the version says it breaks.

The rule, stated here independently of jimu.registry.versions: compare with the nearest
lower published release x.y.z; a breaking change needs a larger major, or, when that release
is 0.y.z, a larger minor (0.2.0 -> 0.3.0 may break; 0.2.0 -> 0.2.1 may not; 1.4.0 -> 2.0.0 may).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jimu.registry.store import CatalogStore, PublishError
from tests.registry.helpers import make_component, read_spec, write_spec


def triple(text: str) -> tuple[int, int, int]:
    major, minor, patch = text.split(".")
    return int(major), int(minor), int(patch)


def expected_accepted(published: list[str], new: str, breaking: bool) -> bool:
    lower = [v for v in published if triple(v) < triple(new)]
    if not breaking or not lower:
        return True
    base = max(lower, key=triple)
    if triple(base)[0] == 0:
        return triple(new)[0] > 0 or triple(new)[1] > triple(base)[1]
    return triple(new)[0] > triple(base)[0]


def _params(spec: dict) -> dict:
    return spec["params"]["properties"]


# (what, breaking, change to the spec dict)
CHANGES = [
    ("param removed", True, lambda s: _params(s).pop("multiplier")),
    ("param narrowed", True, lambda s: _params(s)["multiplier"].update(type="integer")),
    ("required param without default", True,
     lambda s: (_params(s).update(mode={"type": "string"}), s["params"].update(required=["mode"]))),
    ("output retyped", True, lambda s: s["outputs"][0].update(type="metrics")),
    ("input port added, required", True, lambda s: s["inputs"].append({"name": "other", "type": "table"})),
    ("optional param added", False, lambda s: _params(s).update(note={"type": "string", "default": ""})),
    ("param widened", False, lambda s: _params(s)["multiplier"].update(type=["number", "string"])),
    ("description changed", False, lambda s: s.update(description="Better words.")),
    ("image changed", False, lambda s: s["runtime"].update(image="jimu/scale_rows:9.9.9")),
    ("output added", False, lambda s: s["outputs"].append({"name": "stats", "type": "metrics"})),
]

releases = st.builds("{}.{}.{}".format, st.integers(0, 3), st.integers(0, 3), st.integers(0, 2))


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return make_component(tmp_path_factory.mktemp("template"))


def publish_versions(store: CatalogStore, template: Path, work: Path, published: list[str]) -> Path:
    folder = work / "scale_rows"
    shutil.copytree(template, folder)
    for version in published:
        write_spec(folder, version=version)
        store.publish(folder)
    return folder


@settings(max_examples=80, deadline=None)
@given(published=st.lists(releases, min_size=1, max_size=3, unique=True), new=releases, change=st.sampled_from(CHANGES))
def test_breaking_changes_need_a_major_bump_or_a_minor_one_below_1(template, published, new, change):
    if new in published:
        return
    what, breaking, apply = change
    with tempfile.TemporaryDirectory() as work:
        store = CatalogStore(Path(work) / "catalog")
        folder = publish_versions(store, template, Path(work), published)
        spec = read_spec(folder)
        apply(spec)
        spec["version"] = new
        write_spec(folder, **spec)
        accepted = expected_accepted(published, new, breaking)
        if accepted:
            assert store.publish(folder).status == "published"
        else:
            with pytest.raises(PublishError) as caught:
                store.publish(folder)
            message = str(caught.value)
            base = max((v for v in published if triple(v) < triple(new)), key=triple)
            assert f"scale_rows@{new} breaks pipelines that use scale_rows@{base}: " in message
            assert "set `version: " in message and str(folder / "component.yaml") in message
            suggested = message.split("set `version: ")[1].split("`")[0]
            assert expected_accepted(published, suggested, True) and suggested not in published
            assert [v for _, v, _ in store.entries()] == sorted(published, key=triple)


@pytest.mark.parametrize(
    "old, new, accepted",
    [
        ("0.2.0", "0.3.0", True),
        ("0.2.0", "0.2.1", False),
        ("0.2.0", "1.0.0", True),
        ("1.0.0", "1.1.0", False),
        ("1.0.0", "1.0.1", False),
        ("1.4.2", "2.0.0", True),
        ("1.0.0", "2.0.0-rc.1", True),  # a pre-release of the next major
        ("1.0.0", "1.1.0-rc.1", False),  # a pre-release is held to the rule too
    ],
)
def test_the_rule_for_a_removed_param(tmp_path, template, old, new, accepted):
    store = CatalogStore(tmp_path / "catalog")
    folder = publish_versions(store, template, tmp_path, [old])
    spec = read_spec(folder)
    _params(spec).pop("multiplier")
    write_spec(folder, **{**spec, "version": new})
    if accepted:
        assert store.publish(folder).status == "published"
    else:
        with pytest.raises(PublishError, match=r"param 'multiplier' removed\. A breaking change needs a new major"):
            store.publish(folder)


def test_a_backport_is_compared_with_the_nearest_lower_release(tmp_path, template):
    store = CatalogStore(tmp_path / "catalog")
    folder = publish_versions(store, template, tmp_path, ["1.0.0", "1.1.0"])
    spec = read_spec(folder)
    _params(spec).pop("multiplier")
    write_spec(folder, **{**spec, "version": "2.0.0"})
    store.publish(folder)  # 2.0.0 drops the param
    # 1.0.1 is a fix for the 1.x line: compared with 1.0.0 (not 2.0.0), so dropping it is refused...
    write_spec(folder, version="1.0.1")
    with pytest.raises(PublishError, match=r"scale_rows@1.0.1 breaks pipelines that use scale_rows@1.0.0.*`version: 3.0.0`"):
        store.publish(folder)
    # ...and keeping it is fine, although 2.0.0 does not have it.
    write_spec(folder, **{**read_spec(template), "version": "1.0.1", "description": "a fix"})
    assert store.publish(folder).status == "published"


def test_pre_releases_are_never_the_baseline(tmp_path, template):
    store = CatalogStore(tmp_path / "catalog")
    folder = publish_versions(store, template, tmp_path, ["1.0.0"])
    spec = read_spec(folder)
    _params(spec).pop("multiplier")
    for version in ("2.0.0-rc.1", "2.0.0"):  # 2.0.0 is compared with 1.0.0, and may break it
        write_spec(folder, **{**spec, "version": version})
        assert store.publish(folder).status == "published"
