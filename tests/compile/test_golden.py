"""The compiler's output for each tests/golden/<case>.json is exactly tests/golden/<case>.py."""

from __future__ import annotations

import difflib
import json

import pytest

from tests.conftest import EXAMPLE
from tests.golden.regenerate import (
    GOLDEN_DIR,
    REPO_ROOT,
    case_profile,
    compile_case,
    golden_cases,
    profile_name,
)

CASES = golden_cases()
NOT_GOLDEN = {"__init__.py", "regenerate.py"}


def short_diff(expected: str, actual: str, name: str, limit: int = 60) -> str:
    lines = list(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            f"{name} (golden)",
            f"{name} (compiled)",
        )
    )
    more = f"... {len(lines) - limit} more diff lines\n" if len(lines) > limit else ""
    return "".join(lines[:limit]) + more


@pytest.mark.parametrize("case", CASES)
def test_compiled_output_matches_golden_file(case, catalog):
    golden = GOLDEN_DIR / f"{case}.py"
    assert golden.exists(), f"tests/golden/{case}.py is missing: run `make golden` and review the new file"
    expected = golden.read_text(encoding="utf-8")
    actual = compile_case(case, catalog)
    assert actual == expected, (
        f"the compiler output for tests/golden/{case}.json differs from tests/golden/{case}.py.\n"
        "If the change is intended, run `make golden` and review the diff (`git diff tests/golden`) "
        "before committing; otherwise fix the compiler.\n" + short_diff(expected, actual, f"{case}.py")
    )


def test_there_are_golden_cases():
    assert len(CASES) >= 8, CASES


def test_every_golden_dag_file_has_its_spec():
    orphans = sorted(
        path.name
        for path in GOLDEN_DIR.glob("*.py")
        if path.name not in NOT_GOLDEN and path.stem not in CASES
    )
    assert not orphans, f"golden DAG files without a .json spec (delete them or add the spec): {orphans}"


def test_every_profile_sidecar_belongs_to_a_case_and_loads():
    for sidecar in sorted(GOLDEN_DIR.glob("*.profile")):
        assert sidecar.stem in CASES, f"{sidecar.name} names the profile of a case that does not exist"
        profile = case_profile(sidecar.stem)
        assert profile.name, profile


def test_profiles_used_by_the_cases():
    """The cases exercise both profile kinds and the custom profile fixture.

    The built-in local profile takes the home of whoever compiles, so its golden case uses a
    fixture that is the built-in one with a fixed home.
    """
    from jimu.compile.profile import BUILTIN_PROFILES

    used = {profile_name(case) for case in CASES}
    local = "tests/fixtures/compile/profile_local.yaml"
    assert {"kubernetes", local, "tests/fixtures/compile/profile_prod.yaml"} <= used, used
    fixture = case_profile("wine_quality_local")
    assert fixture.kind == "local" and fixture.home == "/srv/jimu"
    assert fixture.model_dump(exclude={"home", "catalog"}) == BUILTIN_PROFILES["local"].model_dump(exclude={"home", "catalog"})


@pytest.mark.parametrize("case", ["wine_quality", "wine_quality_local"])
def test_wine_golden_specs_are_the_shipped_example(case):
    golden = json.loads((GOLDEN_DIR / f"{case}.json").read_text(encoding="utf-8"))
    shipped = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert golden == shipped, (
        f"tests/golden/{case}.json no longer matches {EXAMPLE.relative_to(REPO_ROOT)}: copy the template over "
        "it, run `make golden` and review the diff"
    )
