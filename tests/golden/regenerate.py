"""Rewrite the compiler golden files: `python -m tests.golden.regenerate` (or `make golden`).

Each case is `tests/golden/<case>.json` (a pipeline spec) compiled to `<case>.py`. A case is
compiled with the built-in kubernetes profile unless `<case>.profile` names another one: a
built-in name (`local`, `kubernetes`) or a profile YAML path relative to the repository root.
Every spec is validated before anything is written; the diff of each changed file is printed
so it can be reviewed before committing.
"""

from __future__ import annotations

import difflib
import os
import sys
from pathlib import Path

GOLDEN_DIR = Path(__file__).resolve().parent
REPO_ROOT = GOLDEN_DIR.parent.parent
DEFAULT_PROFILE = "kubernetes"


def golden_cases() -> list[str]:
    """Case names, sorted: every `<case>.json` in tests/golden."""
    return sorted(path.stem for path in GOLDEN_DIR.glob("*.json"))


def spec_path(case: str) -> Path:
    return GOLDEN_DIR / f"{case}.json"


def golden_path(case: str) -> Path:
    return GOLDEN_DIR / f"{case}.py"


def profile_name(case: str) -> str:
    """The profile a case compiles with: the first non-comment line of `<case>.profile`."""
    sidecar = GOLDEN_DIR / f"{case}.profile"
    if not sidecar.exists():
        return DEFAULT_PROFILE
    lines = [line.strip() for line in sidecar.read_text(encoding="utf-8").splitlines()]
    return next((line for line in lines if line and not line.startswith("#")), DEFAULT_PROFILE)


def case_profile(case: str):
    """The DeploymentProfile of a case (profile files are resolved from the repository root)."""
    from jimu.compile import load_profile
    from jimu.compile.profile import BUILTIN_PROFILES

    name = profile_name(case)
    return load_profile(name if name in BUILTIN_PROFILES else REPO_ROOT / name)


def load_case(case: str, catalog):
    """The validated PipelineSpec of a case; SpecError lists every problem."""
    from jimu.validate import load_pipeline

    return load_pipeline(spec_path(case), catalog)


def compile_case(case: str, catalog) -> str:
    """The DAG source a case compiles to today."""
    from jimu.compile import compile_pipeline

    spec = load_case(case, catalog)
    source = spec_path(case).relative_to(REPO_ROOT).as_posix()
    return compile_pipeline(spec, catalog, case_profile(case), source)


def main() -> int:
    # Golden output must not depend on extra component folders of whoever runs this.
    os.environ.pop("JIMU_COMPONENT_PATH", None)
    from jimu.catalog import ComponentCatalog
    from jimu.errors import JimuError
    from jimu.files import write_atomically

    catalog = ComponentCatalog.from_dirs()
    compiled = {}
    failed = False
    for case in golden_cases():
        try:
            compiled[case] = compile_case(case, catalog)
        except JimuError as exc:
            print(f"error: {case}: {exc}", file=sys.stderr)
            failed = True
    if failed:
        print("nothing written: fix the specs above first", file=sys.stderr)
        return 1
    changed = 0
    for case, source in compiled.items():
        target = golden_path(case)
        old = target.read_text(encoding="utf-8") if target.exists() else ""
        if old == source:
            continue
        changed += 1
        name = target.relative_to(REPO_ROOT).as_posix()
        sys.stdout.writelines(
            difflib.unified_diff(
                old.splitlines(keepends=True), source.splitlines(keepends=True), f"a/{name}", f"b/{name}"
            )
        )
        write_atomically(target, source)
        print(f"{'updated' if old else 'created'} {name}")
    print(f"{len(compiled)} golden case(s), {changed} changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
