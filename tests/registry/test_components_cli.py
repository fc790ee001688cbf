"""An algorithm engineer's loop with the real CLI: new -> test -> publish -> change -> diff."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

JIMU = Path(sys.executable).with_name("jimu")


def jimu(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "JIMU_CATALOG": str(tmp_path / "catalog")}
    return subprocess.run([str(JIMU), *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)


def test_new_test_publish_change_diff(tmp_path):
    made = jimu(tmp_path, "components", "new", "scale_rows")
    assert made.returncode == 0, made.stderr
    folder = tmp_path / "scale_rows"
    assert {p.name for p in folder.iterdir()} == {"component.yaml", "main.py", "Dockerfile", "test_scale_rows.py"}

    own_test = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder)],
                              capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert own_test.returncode == 0, own_test.stdout + own_test.stderr

    published = jimu(tmp_path, "components", "publish", str(folder))
    assert published.returncode == 0 and "published  scale_rows@0.1.0" in published.stdout
    assert "unchanged  scale_rows@0.1.0" in jimu(tmp_path, "components", "publish", str(folder)).stdout
    assert "scale_rows@0.1.0" in jimu(tmp_path, "components", "list").stdout

    spec = folder / "component.yaml"
    spec.write_text(spec.read_text().replace("default: 1\n", "default: 2\n"))
    refused = jimu(tmp_path, "components", "publish", str(folder))
    assert refused.returncode == 1 and "bump `version`" in refused.stderr

    text = spec.read_text().replace("version: 0.1.0", "version: 0.2.0").replace("type: number", "type: integer")
    spec.write_text(text)
    assert jimu(tmp_path, "components", "publish", str(folder)).returncode == 0
    diff = jimu(tmp_path, "components", "diff", "scale_rows@0.1.0", "scale_rows@0.2.0")
    assert diff.returncode == 1
    assert "BREAKING: param 'multiplier' type narrowed: number -> integer" in diff.stdout
    assert "1 breaking" in diff.stdout
    shown = jimu(tmp_path, "components", "show", "scale_rows")
    assert '"version": "0.2.0"' in shown.stdout


def test_new_refuses_bad_names_and_existing_folders(tmp_path):
    bad = jimu(tmp_path, "components", "new", "Bad Name")
    assert bad.returncode == 1 and "use lowercase letters" in bad.stderr
    (tmp_path / "taken").mkdir()
    taken = jimu(tmp_path, "components", "new", "taken")
    assert taken.returncode == 1 and "already exists" in taken.stderr
