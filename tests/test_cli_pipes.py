"""Every printing `jimu` command piped into a reader that goes away: no traceback, exit 0 or 141."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
import yaml

from tests.conftest import EXAMPLE, REPO
from tests.registry.helpers import JIMU, run_jimu

COMMANDS = [
    ["--help"],
    ["components", "--help"],
    ["validate", str(EXAMPLE)],
    ["validate", str(EXAMPLE), "--json"],
    ["compile", str(EXAMPLE)],
    ["compile", str(EXAMPLE), "--profile", "local", "--out", "{tmp}/dags"],
    ["compile-all", "--out", "{tmp}/all"],
    ["components", "list"],
    ["components", "list", "--json"],
    ["components", "show", "sql"],
    ["components", "show", "sql@1.2.0"],
    ["components", "diff", "sql@1.2.0", "sql@1.2.0"],
    ["components", "new", "piped", "--dir", "{tmp}/new"],
    ["components", "publish", "{repo}/components/sql"],
    ["components", "env", "sql"],
    ["deployments", "list"],
    ["deployments", "list", "--json"],
    ["schema", "--out", "{tmp}/schemas"],
]


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    assert run_jimu("components", "list", home=home).returncode == 0  # publish the built-ins once
    return home


def into_closed_pipe(args: list[str], home, read_first: int) -> tuple[int, str]:
    """Run `jimu args` with stdout into a pipe whose reader takes `read_first` bytes, then closes it."""
    env = {**os.environ, "JIMU_HOME": str(home), "JIMU_CATALOG": str(home / "catalog")}
    env.pop("JIMU_COMPONENT_PATH", None)
    reader, writer = os.pipe()
    proc = subprocess.Popen([str(JIMU), *args], stdout=writer, stderr=subprocess.PIPE, env=env, cwd=home, text=True)
    os.close(writer)
    if read_first:
        os.read(reader, read_first)
    os.close(reader)
    _, stderr = proc.communicate(timeout=180)
    return proc.returncode, stderr


@pytest.mark.parametrize("read_first", [0, 1], ids=["closed-at-once", "closed-after-one-byte"])
@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:3]))
def test_a_closed_pipe_is_not_a_traceback(home, tmp_path, args, read_first):
    repo = EXAMPLE.parent.parent.parent
    args = [a.format(tmp=tmp_path, repo=repo) for a in args]
    code, stderr = into_closed_pipe(args, home, read_first)
    assert "Traceback" not in stderr and "Exception ignored" not in stderr and "BrokenPipe" not in stderr, stderr
    # 141 = 128 + SIGPIPE, as `cat` reports when its reader goes away; 0 when all was written first
    # (and for --help, which argparse writes and which ignores the closed pipe itself).
    if read_first == 0 and "--help" not in args:
        assert code == 141, (code, stderr)
    else:
        assert code in (0, 141), (code, stderr)


def test_show_prints_pure_json_with_the_folder(home):
    shown = run_jimu("components", "show", "sql", home=home)
    assert shown.returncode == 0, shown.stderr
    spec = json.loads(shown.stdout)
    version = yaml.safe_load((REPO / "components" / "sql" / "component.yaml").read_text())["version"]
    assert spec["name"] == "sql" and spec["version"] == version  # the latest, with no version asked
    assert spec["folder"] == str((home / "catalog" / "sql" / version).resolve())
