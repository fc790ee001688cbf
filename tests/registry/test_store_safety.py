"""Nothing a component folder or index.json says can make the store write or delete outside its root.

Names and versions reach the store from component.yaml (folders named by --components or
$JIMU_COMPONENT_PATH) and from index.json (which a user or an older Jimu may have written).
Each test keeps a sentinel folder next to the catalog that must survive untouched.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jimu.catalog import ComponentCatalog
from jimu.errors import ComponentError, JimuError
from jimu.refs import COMPONENT_NAME, SEMVER
from jimu.registry.digest import folder_digest
from jimu.registry.store import (
    TEMP_PREFIX,
    CatalogStore,
    CatalogWarning,
    PublishError,
    _temp_prefix,
    abandoned_temp,
)
from tests.registry.helpers import make_component, run_jimu, write_spec

HOSTILE_VERSIONS = [
    "{outside}",  # an absolute path
    "../../../outside",
    "1.0.0/../../../../outside",
    "1.0.0/..",
    "1.0.0\n",
    "1.0.0 ",
    " 1.0.0",
    "..",
    ".",
    "",
    "1.0",
    "01.0.0",
    "1.0.0\x00",
    "1.0.0/x",
    "1.0.0\\..\\..",
]
HOSTILE_NAMES = ["../outside", "{outside}", "scale_rows\n", "..", "scale_rows/../x", "Scale", ""]


def hostile(template_strategy: st.SearchStrategy) -> st.SearchStrategy:
    """Known-bad texts, and random texts built from path and semver pieces."""
    pieces = st.sampled_from(["1.0.0", "..", "/", "\n", "0", ".", "outside", "-rc", "+b", " ", "\\", "\t"])
    return st.one_of(template_strategy, st.lists(pieces, min_size=1, max_size=6).map("".join), st.text(max_size=12))


def snapshot_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class Sandbox:
    """<base>/home/catalog (the store), <base>/src (component folders), <base>/outside (the sentinel)."""

    def __init__(self, base: Path):
        self.base = base
        self.root = base / "home" / "catalog"
        self.outside = base / "outside"
        (self.outside / "keep").mkdir(parents=True)
        (self.outside / "keep" / "data.txt").write_text("precious")
        self.before = snapshot_of(self.outside)
        self.src = base / "src"
        self.src.mkdir()
        self.folder = make_component(self.src)

    def fill(self, text: str) -> str:
        return text.replace("{outside}", str(self.outside))

    def intact(self) -> bool:
        """The sentinel is unchanged, and nothing appeared next to the catalog."""
        beside = {p.name for p in self.base.iterdir()} | {p.name for p in (self.base / "home").glob("*")}
        return self.outside.is_dir() and snapshot_of(self.outside) == self.before and beside <= {"home", "src", "outside", "catalog"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=hostile(st.sampled_from(HOSTILE_NAMES)) | st.just("scale_rows"),
    version=hostile(st.sampled_from(HOSTILE_VERSIONS)),
    via=st.sampled_from(["dirs", "env"]),
)
def test_hostile_names_and_versions_never_touch_anything_outside_the_root(name, version, via, monkeypatch):
    with tempfile.TemporaryDirectory() as base:
        box = Sandbox(Path(base))
        name, version = box.fill(name), box.fill(version)
        write_spec(box.folder, name=name, version=version)
        monkeypatch.setenv("JIMU_COMPONENT_PATH", str(box.src) if via == "env" else "")
        valid = COMPONENT_NAME.accepts(name) and SEMVER.accepts(version) and name == "scale_rows"
        try:
            catalog = ComponentCatalog.from_dirs([box.src] if via == "dirs" else [], store=CatalogStore(box.root))
        except JimuError as exc:
            assert not valid, exc
            assert "component.yaml" in str(exc)
        else:
            assert valid and catalog.get(f"{name}@{version}") is not None
        assert box.intact()
        # The catalog stays readable whatever happened.
        ComponentCatalog.from_store(CatalogStore(box.root))


@settings(max_examples=200, deadline=None)
@given(name=st.text(max_size=20) | st.sampled_from(HOSTILE_NAMES), version=st.text(max_size=20) | st.sampled_from(HOSTILE_VERSIONS))
def test_snapshot_paths_are_plain_names_inside_the_root(name, version):
    store = CatalogStore(Path("/tmp/jimu-never-created/catalog"))
    try:
        folder = store.snapshot(name, version.replace("{outside}", "/etc"))
    except ComponentError as exc:
        assert "index.json" in str(exc) and ("name" in str(exc) or "version" in str(exc))
    else:
        assert folder.parent.parent == store.root and folder.resolve().is_relative_to(store.root)


@pytest.mark.parametrize("version", ["{outside}", "../../../outside", "1.0.0/../../../../outside", "1.0.0\n"])
@pytest.mark.parametrize("via", ["--components", "JIMU_COMPONENT_PATH"])
def test_real_cli_refuses_hostile_versions_and_keeps_working(tmp_path, version, via):
    box = Sandbox(tmp_path)
    write_spec(box.folder, version=box.fill(version))
    args, env = (["--components", str(box.src)], {}) if via == "--components" else ([], {"JIMU_COMPONENT_PATH": str(box.src)})
    proc = run_jimu(*args, "components", "list", home=tmp_path / "home", env=env)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert str(box.folder / "component.yaml") in proc.stderr and "version" in proc.stderr
    assert box.intact()
    listed = run_jimu("components", "list", home=tmp_path / "home")
    assert listed.returncode == 0 and "sql@1.0.0" in listed.stdout, listed.stderr
    published = run_jimu("components", "publish", str(box.folder), home=tmp_path / "home")
    assert published.returncode == 1 and "Traceback" not in published.stderr and box.intact()


def test_a_name_folder_linked_outside_is_never_written_through(tmp_path):
    box = Sandbox(tmp_path)
    box.root.mkdir(parents=True)
    (box.root / "scale_rows").symlink_to(box.outside)
    with pytest.raises(PublishError, match=r"scale_rows is not a real folder \(a symbolic link to .*outside\).*move it away"):
        CatalogStore(box.root).publish(box.folder)
    assert box.intact() and not (box.outside / "0.1.0").exists()


def test_a_linked_lock_file_is_not_truncated(tmp_path):
    box = Sandbox(tmp_path)
    box.root.mkdir(parents=True)
    (box.root / ".lock").symlink_to(box.outside / "keep" / "data.txt")
    with pytest.raises(ComponentError, match=r"\.lock: cannot open the catalog lock .*remove it"):
        CatalogStore(box.root).publish(box.folder)
    assert box.intact()


def test_a_snapshot_linked_outside_is_moved_aside_not_followed(tmp_path):
    box = Sandbox(tmp_path)
    (box.root / "scale_rows").mkdir(parents=True)
    (box.root / "scale_rows" / "0.1.0").symlink_to(box.outside / "keep")
    with pytest.warns(CatalogWarning, match=r"held other content .* moved it to .*\.set-aside\.0\.1\.0\."):
        result = CatalogStore(box.root).publish(box.folder)
    assert result.status == "published" and not result.folder.is_symlink()
    assert folder_digest(result.folder) == result.digest and box.intact()
    [aside] = (box.root / "scale_rows").glob(".set-aside.*")
    assert aside.is_symlink()  # the link itself was moved; what it points at is untouched


def test_an_index_entry_pointing_outside_is_skipped_with_a_warning(tmp_path):
    box = Sandbox(tmp_path)
    store = CatalogStore(box.root)
    store.publish(box.folder)
    index = json.loads((box.root / "index.json").read_text())
    # What a user, or a Jimu that did not check versions, may have written.
    index["components"]["scale_rows"][str(box.outside / "keep")] = {"digest": "sha256:x"}
    index["components"]["scale_rows"]["../../../outside"] = {"digest": "sha256:x"}
    index["components"]["../outside"] = {"1.0.0": {"digest": "sha256:x"}}
    index["components"]["broken"] = ["not", "an", "object"]
    (box.root / "index.json").write_text(json.dumps(index))
    with pytest.warns(CatalogWarning) as caught:
        catalog = ComponentCatalog.from_store(store)
    messages = "\n".join(str(w.message) for w in caught)
    assert "'../../../outside': not a semantic version" in messages and "'../outside'" in messages and "'broken'" in messages
    assert "remove it from the file" in messages and str(box.root / "index.json") in messages
    assert [c.spec.ref for c in catalog] == ["scale_rows@0.1.0"]
    # Publishing keeps the entries it cannot use (no data loss) and never follows them.
    write_spec(box.folder, version="0.1.1")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CatalogWarning)
        assert store.publish(box.folder).status == "published"
    after = json.loads((box.root / "index.json").read_text())["components"]
    assert "../outside" in after and "../../../outside" in after["scale_rows"] and "0.1.1" in after["scale_rows"]
    assert box.intact()


def test_a_name_folder_linked_outside_is_not_read(tmp_path):
    box = Sandbox(tmp_path)
    store = CatalogStore(box.root)
    store.publish(box.folder)
    os.rename(box.root / "scale_rows", box.outside / "moved")
    (box.root / "scale_rows").symlink_to(box.outside / "moved")
    with pytest.warns(CatalogWarning, match=r"skipped scale_rows@0.1.0: .* outside the catalog .*publish it again"):
        assert len(ComponentCatalog.from_store(store)) == 0


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda root: (root / "index.json").write_text("{not json"), r"index.json: the catalog index is not valid JSON \(line 1"),
        (lambda root: (root / "index.json").write_text('{"format": 9, "components": {}}'), r"unknown catalog index format 9"),
        (lambda root: (root / "index.json").write_text("[]"), r"unknown catalog index format 'list'"),
        (lambda root: (root / "index.json").write_bytes(b"\xff\xfe"), r"index.json: cannot read the catalog index"),
        (lambda root: (root / "index.json").write_text('{"format": 1, "components": 3}'), r"'components' must be an object"),
    ],
)
def test_a_broken_index_is_a_clear_error_in_every_command(tmp_path, damage, message):
    home = tmp_path / "home"
    assert run_jimu("components", "list", home=home).returncode == 0
    damage(home / "catalog")
    for args in (["components", "list"], ["components", "show", "sql"], ["components", "publish", str(make_component(tmp_path))]):
        proc = run_jimu(*args, home=home)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
        import re

        assert re.search(message, proc.stderr), proc.stderr
        assert "move it aside" in proc.stderr


@pytest.mark.parametrize(
    "damage",
    [
        lambda snap: (snap / "component.yaml").unlink(),
        lambda snap: (snap / "component.yaml").write_text("name: [unclosed"),
        lambda snap: (snap / "component.yaml").write_bytes(b"\xff\xfe"),
        lambda snap: (snap / "component.yaml").write_text((snap / "component.yaml").read_text().replace("0.1.0", "0.9.0", 1)),
    ],
)
def test_a_damaged_snapshot_is_skipped_with_a_warning_and_restored_by_publishing(tmp_path, damage):
    home = tmp_path / "home"
    folder = make_component(tmp_path)
    assert run_jimu("components", "publish", str(folder), home=home).returncode == 0
    damage(home / "catalog" / "scale_rows" / "0.1.0")
    listed = run_jimu("components", "list", home=home)
    assert listed.returncode == 0 and "Traceback" not in listed.stderr
    assert "warning: skipped scale_rows@0.1.0" in listed.stderr and "publish it again" in listed.stderr
    assert "sql@1.0.0" in listed.stdout and "scale_rows" not in listed.stdout
    again = run_jimu("components", "publish", str(folder), home=home)
    assert again.returncode == 0 and again.stdout.startswith("restored   scale_rows@0.1.0"), again.stdout + again.stderr
    assert [p.name for p in (home / "catalog" / "scale_rows").glob(".set-aside.*")]  # the damaged copy is kept
    assert "scale_rows@0.1.0" in run_jimu("components", "list", home=home).stdout


@pytest.mark.parametrize(
    "text, message",
    [
        ("name: [unclosed", "cannot read component spec"),
        ("name: scale_rows\nname: scale_rows\n", "duplicate key 'name' at the top level (lines 1 and 2)"),
        (None, "cannot read component spec: 'utf-8' codec can't decode"),
        ("- a list\n", "component.yaml"),
    ],
)
def test_a_bad_component_folder_on_the_path_is_a_clear_error(tmp_path, text, message):
    folder = make_component(tmp_path / "src")
    if text is None:
        (folder / "component.yaml").write_bytes(b"name: \xff\n")
    else:
        (folder / "component.yaml").write_text(text)
    proc = run_jimu("components", "list", home=tmp_path / "home", env={"JIMU_COMPONENT_PATH": str(tmp_path / "src")})
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert str(folder / "component.yaml") in proc.stderr and message in proc.stderr, proc.stderr


# -- leftovers of interrupted publishes ------------------------------------------------------

SLOW_PUBLISH = """
import shutil, sys, time
from pathlib import Path
from jimu.registry.store import CatalogStore

copy = shutil.copy2
def slow_copy(src, dst, **kw):
    copy(src, dst, **kw)
    print("copied", dst, flush=True)
    time.sleep(0.2)
shutil.copy2 = slow_copy
CatalogStore(Path(sys.argv[1])).publish(Path(sys.argv[2]))
"""


def test_a_publish_killed_mid_copy_leaves_nothing_the_next_publish_does_not_clean(tmp_path):
    folder = make_component(tmp_path / "src")
    for i in range(30):
        (folder / f"data_{i:02d}.txt").write_text(f"row {i}\n" * 1000)
    root = tmp_path / "home" / "catalog"
    proc = subprocess.Popen([sys.executable, "-c", SLOW_PUBLISH, str(root), str(folder)], stdout=subprocess.PIPE, text=True)
    for _ in range(3):  # a few files in: the copy is under way
        assert proc.stdout.readline().startswith("copied")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    [temp] = (root / "scale_rows").iterdir()
    assert temp.name.startswith(TEMP_PREFIX) and abandoned_temp(temp.name)
    assert 3 <= len([p for p in temp.rglob("*") if p.is_file()]) < 30 + 4
    assert not (root / "scale_rows" / "0.1.0").exists()
    # Other folders that merely look similar are not the store's to delete.
    alive = root / "scale_rows" / f"{_temp_prefix()}keepme"  # this live process's
    alive.mkdir()
    foreign = [root / "scale_rows" / ".jimu-publish.mine", root / "scale_rows" / ".0.1.0.abc123"]
    for path in foreign:
        path.mkdir()

    published = run_jimu("components", "publish", str(folder), home=tmp_path / "home")
    assert published.returncode == 0 and published.stdout.startswith("published  scale_rows@0.1.0"), published.stderr
    left = sorted(p.name for p in (root / "scale_rows").iterdir())
    assert left == sorted(["0.1.0", alive.name, *(p.name for p in foreign)])
    assert folder_digest(root / "scale_rows" / "0.1.0") == folder_digest(folder)


def test_a_snapshot_left_before_the_index_update_is_adopted_or_moved_aside(tmp_path):
    folder = make_component(tmp_path / "src")
    store = CatalogStore(tmp_path / "catalog")
    first = store.publish(folder)
    # A publish killed after renaming its snapshot into place but before writing the index:
    (store.root / "index.json").write_text(json.dumps({"format": 1, "components": {}}))
    with warnings.catch_warnings():
        warnings.simplefilter("error", CatalogWarning)  # identical content: adopted silently
        assert store.publish(folder).status == "published"
    assert sorted(p.name for p in (store.root / "scale_rows").iterdir()) == ["0.1.0"]
    # A leftover with other content is kept, aside, and the user is told where.
    (store.root / "index.json").write_text(json.dumps({"format": 1, "components": {}}))
    (first.folder / "main.py").write_text("# edited by hand\n")
    with pytest.warns(CatalogWarning, match="moved it to"):
        assert store.publish(folder).status == "published"
    [aside] = (store.root / "scale_rows").glob(".set-aside.0.1.0.*")
    assert (aside / "main.py").read_text() == "# edited by hand\n"
    assert folder_digest(first.folder) == folder_digest(folder)


def test_temp_folders_are_readable_by_others(tmp_path):
    """Airflow may run as another user: snapshots get the normal folder mode, not mkdtemp's 0700."""
    old = os.umask(0o022)
    try:
        result = CatalogStore(tmp_path / "catalog").publish(make_component(tmp_path / "src"))
    finally:
        os.umask(old)
    assert result.folder.stat().st_mode & 0o777 == 0o755
