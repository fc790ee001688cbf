"""The shipped derived files (dags/, schemas/) are up to date, and DAG files are written atomically.

The two --check tests run the installed `jimu` command; the write tests call the same CLI entry
point in process (each subprocess costs seconds of imports).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from jimu.cli import main as jimu_main
from jimu.files import write_atomically
from tests.golden.regenerate import REPO_ROOT

JIMU = Path(sys.executable).with_name("jimu")
SHIPPED_DAGS = sorted((REPO_ROOT / "dags").glob("*.py"))
OLD_MTIME_NS = 1_600_000_000 * 10**9  # 2020-09-13: any rewrite would move the mtime to now


def run_jimu(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ}
    env.pop("JIMU_COMPONENT_PATH", None)
    return subprocess.run(
        [str(JIMU), *args], cwd=REPO_ROOT, env=env, check=False, capture_output=True, text=True, timeout=120
    )


def jimu_in_process(capsys, *args: str) -> tuple[int, str]:
    """`jimu ARGS` through the CLI's main(); returns (exit code, stdout + stderr)."""
    code = jimu_main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def leftovers(folder: Path) -> list[str]:
    """Anything in folder that is not a finished DAG file (temp files are `.<name>.<random>.tmp`)."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or p.suffix != ".py")


def test_shipped_dags_are_up_to_date():
    proc = run_jimu("compile-all", "--check")
    assert proc.returncode == 0, (
        f"dags/ is stale: run `make dags` and review the diff\n{proc.stdout}{proc.stderr}"
    )


def test_exported_schemas_are_up_to_date():
    proc = run_jimu("schema", "--check")
    assert proc.returncode == 0, (
        f"schemas/ is stale: run `make schemas` and review the diff\n{proc.stdout}{proc.stderr}"
    )


def test_compile_all_writes_atomically_and_only_what_changed(tmp_path, capsys):
    out = tmp_path / "dags"
    code, output = jimu_in_process(capsys, "compile-all", "--out", str(out))
    assert code == 0, output
    assert sorted(p.name for p in out.iterdir()) == [p.name for p in SHIPPED_DAGS]
    for shipped in SHIPPED_DAGS:
        assert (out / shipped.name).read_bytes() == shipped.read_bytes()

    target = out / SHIPPED_DAGS[0].name
    os.utime(target, ns=(OLD_MTIME_NS, OLD_MTIME_NS))
    inode = target.stat().st_ino
    code, output = jimu_in_process(capsys, "compile-all", "--out", str(out))
    assert code == 0, output
    assert output == "", f"unchanged files must not be rewritten: {output}"
    assert target.stat().st_mtime_ns == OLD_MTIME_NS
    assert target.stat().st_ino == inode
    assert leftovers(out) == []

    target.write_text("# edited by hand\n", encoding="utf-8")
    code, output = jimu_in_process(capsys, "compile-all", "--out", str(out), "--check")
    assert code == 1 and f"stale: {target}" in output
    assert target.read_text(encoding="utf-8") == "# edited by hand\n", "--check must not write"

    code, output = jimu_in_process(capsys, "compile-all", "--out", str(out))
    assert code == 0, output
    assert f"wrote {target}" in output
    assert target.read_bytes() == SHIPPED_DAGS[0].read_bytes()
    assert target.stat().st_ino != inode, "the new content must arrive by rename, not by rewriting in place"
    assert leftovers(out) == []


def test_compile_into_a_folder_keeps_unchanged_files(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(REPO_ROOT)  # the header names the spec relative to the working directory
    spec = "tests/golden/diamond.json"
    code, output = jimu_in_process(capsys, "compile", spec, "--out", str(tmp_path))
    assert code == 0, output
    target = tmp_path / "orders_diamond.py"
    assert output == f"wrote {target}\n"
    assert target.read_bytes() == (REPO_ROOT / "tests" / "golden" / "diamond.py").read_bytes()
    os.utime(target, ns=(OLD_MTIME_NS, OLD_MTIME_NS))
    code, output = jimu_in_process(capsys, "compile", spec, "--out", str(tmp_path))
    assert code == 0, output
    assert output == f"unchanged {target}\n"
    assert target.stat().st_mtime_ns == OLD_MTIME_NS
    assert leftovers(tmp_path) == []


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "pipeline.py"
    target.write_text("old = 1\n", encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_atomically(target, "new = 2\n")
    assert target.read_text(encoding="utf-8") == "old = 1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipeline.py"]
