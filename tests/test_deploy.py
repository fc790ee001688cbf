"""`jimu deploy`: DAG files into a dags folder, what changed said file by file, nothing written twice."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from jimu.compile import load_profile
from jimu.deploy import deploy, summary
from jimu.errors import SpecError
from tests.conftest import EXAMPLE, REPO
from tests.test_cli import jimu

TEMPLATES = sorted((REPO / "templates").glob("*/pipeline.json"))


def kinds(changes) -> dict[str, str]:
    return {change.path.name: change.kind for change in changes}


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and modification time: a rewrite changes one of them."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.iterdir()}


def test_first_deploy_adds_and_a_second_writes_nothing(tmp_path, catalog):
    profile = load_profile("local")
    first = deploy(TEMPLATES, catalog, profile, tmp_path)
    assert kinds(first) == {f"{json.loads(p.read_text())['id']}.local.py": "added" for p in TEMPLATES}
    before = stamps(tmp_path)
    second = deploy(TEMPLATES, catalog, profile, tmp_path)
    assert set(kinds(second).values()) == {"unchanged"}
    assert stamps(tmp_path) == before  # Airflow sees no new DAG version
    assert summary(second) == f"0 added, 0 updated, {len(TEMPLATES)} unchanged, 0 removed"


def test_a_changed_spec_updates_its_file_only(tmp_path, catalog):
    profile = load_profile("local")
    spec = tmp_path / "wine.json"
    raw = json.loads(EXAMPLE.read_text())
    spec.write_text(json.dumps(raw))
    dags = tmp_path / "dags"
    deploy([spec, TEMPLATES[0]], catalog, profile, dags)
    raw["title"] = "Wine features, reviewed"
    spec.write_text(json.dumps(raw))
    changes = kinds(deploy([spec, TEMPLATES[0]], catalog, profile, dags))
    assert changes[f"{raw['id']}.local.py"] == "updated"
    assert list(changes.values()).count("unchanged") == 1
    assert "Wine features, reviewed" in (dags / f"{raw['id']}.local.py").read_text()


def test_prune_removes_only_this_profiles_files_for_pipelines_not_deployed(tmp_path, catalog):
    local, kubernetes = load_profile("local"), load_profile("kubernetes")
    deploy(TEMPLATES, catalog, local, tmp_path)
    deploy(TEMPLATES, catalog, kubernetes, tmp_path)
    hand_written = tmp_path / "my_own_dag.py"
    hand_written.write_text("# a DAG someone wrote by hand\n")
    kept, dropped = TEMPLATES[0], TEMPLATES[1:]

    changes = deploy([kept], catalog, local, tmp_path, prune=True)
    removed = {c.path.name for c in changes if c.kind == "removed"}
    assert removed == {f"{json.loads(p.read_text())['id']}.local.py" for p in dropped}
    assert hand_written.is_file()
    for spec in TEMPLATES:  # the kubernetes profile's files stay
        assert (tmp_path / f"{json.loads(spec.read_text())['id']}.py").is_file()
    assert not any(c.kind == "removed" for c in deploy([kept], catalog, local, tmp_path))  # no prune: none


def test_nothing_is_written_unless_every_spec_validates(tmp_path, catalog):
    bad = tmp_path / "bad.json"
    raw = json.loads(EXAMPLE.read_text())
    raw["id"] = "bad_one"
    raw["nodes"][0]["component"] = "no_such_component@1.0.0"
    bad.write_text(json.dumps(raw))
    dags = tmp_path / "dags"
    with pytest.raises(SpecError):
        deploy([EXAMPLE, bad], catalog, load_profile("local"), dags)
    assert not dags.exists() or not any(dags.iterdir())


def test_a_dag_id_another_file_defines_is_refused(tmp_path, catalog):
    deploy([EXAMPLE], catalog, load_profile("local"), tmp_path)
    (tmp_path / "wine_quality.local.py").rename(tmp_path / "copy_of_wine.py")  # same dag id, other file
    with pytest.raises(SpecError, match="duplicate-dag-id|defined by 2 files"):
        deploy([EXAMPLE], catalog, load_profile("local"), tmp_path)


def test_the_deployed_folder_loads_in_a_real_dagbag(tmp_path, catalog):
    from airflow.dag_processing.dagbag import DagBag

    deploy(TEMPLATES, catalog, load_profile("local"), tmp_path)
    bag = DagBag(dag_folder=str(tmp_path))
    assert bag.import_errors == {}
    assert sorted(bag.dag_ids) == sorted(f"{json.loads(p.read_text())['id']}.local" for p in TEMPLATES)


def test_the_command_prints_each_change_and_uses_the_profiles_dags_folder(tmp_path):
    dags = tmp_path / "dags"
    profile = tmp_path / "here.yaml"
    profile.write_text(f"name: here\nkind: local\ndags_folder: {dags}\n")
    first = jimu("deploy", str(EXAMPLE), "--profile", str(profile))
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [f"added     {dags / 'wine_quality.py'}  (dag wine_quality)",
                                         f"{dags}: 1 added, 0 updated, 0 unchanged, 0 removed"]
    again = jimu("deploy", str(EXAMPLE), "--profile", str(profile))
    assert again.stdout.splitlines()[0].startswith("unchanged ")


def test_the_command_without_a_dags_folder_says_how_to_give_one(tmp_path):
    result = jimu("deploy", str(EXAMPLE), "--profile", "local")
    assert result.returncode == 2
    assert "--dags-folder" in result.stderr and "dags_folder" in result.stderr
    assert os.listdir(tmp_path) == []
