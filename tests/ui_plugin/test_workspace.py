"""The pipeline store itself: compare-and-swap, ids, and a writer killed mid-save."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from jimu.ui_plugin.errors import ApiError
from jimu.ui_plugin.workspace import PipelineStore, StaleVersion, etag_of


def test_replace_is_compare_and_swap(tmp_path):
    store = PipelineStore(tmp_path)
    first = store.create("orders", b'{"id": "orders"}\n')
    assert first.etag == etag_of(b'{"id": "orders"}\n')
    second = store.replace("orders", b'{"id": "orders", "title": "b"}\n', first.etag)
    with pytest.raises(StaleVersion) as stale:
        store.replace("orders", b"lost", first.etag)
    assert stale.value.extra["current_etag"] == second.etag
    assert (tmp_path / "orders.json").read_bytes() == b'{"id": "orders", "title": "b"}\n'
    with pytest.raises(ApiError) as exists:
        store.create("orders", b"{}")
    assert exists.value.status == 409
    store.delete("orders", second.etag)
    assert store.ids() == []


def test_only_pipeline_files_are_listed(tmp_path):
    store = PipelineStore(tmp_path)
    store.create("a", b"{}")
    for name in (".a.json.x1y2.tmp", "Upper.json", "con.json", "notes.txt"):
        (tmp_path / name).write_text("x")
    (tmp_path / "folder.json").mkdir()
    assert store.ids() == ["a"]
    assert store.sweep_temp_files() == []  # a fresh temp file may be a save in progress
    assert (tmp_path / ".a.json.x1y2.tmp").exists()


# A writer that saves large documents through the store in a loop, as the API does; it prints
# the number of each save it completes so the test knows the candidates for the file's content.
WRITER = textwrap.dedent("""
    import json, sys
    from jimu.ui_plugin.workspace import PipelineStore
    store = PipelineStore(sys.argv[1])
    n = 0
    while True:
        n += 1
        current = store.read("big")
        doc = {"id": "big", "title": f"save {n}", "description": "%d" % n * 200_000}
        store.replace("big", (json.dumps(doc, indent=2) + "\\n").encode(), current.etag)
        print(n, flush=True)
""")


def test_kill_9_mid_save_leaves_the_old_or_the_new_file(tmp_path):
    store = PipelineStore(tmp_path)
    store.create("big", (json.dumps({"id": "big", "title": "save 0", "description": ""}) + "\n").encode())
    rng = random.Random(8)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for _ in range(6):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE,
                                  text=True, env=env)
        first = writer.stdout.readline()  # started: the kill lands among saves, not during imports
        time.sleep(rng.random() * 0.5)
        os.kill(writer.pid, signal.SIGKILL)
        out, _ = writer.communicate()
        done = [int(line) for line in (first + out).split()]
        # Intact and parseable, and either the last save it reported or the one it was in.
        doc = json.loads((tmp_path / "big.json").read_text())
        allowed = {f"save {done[-1]}", f"save {done[-1] + 1}"}
        assert doc["title"] in allowed
        assert doc["description"] == doc["title"].split()[1] * 200_000
        assert store.ids() == ["big"]  # leftover temp files are hidden, never listed as pipelines
    leftovers = [p for p in tmp_path.iterdir() if p.name not in ("big.json", ".locks")]
    assert all(p.name.startswith(".big.json.") and p.name.endswith(".tmp") for p in leftovers)
    # The editor removes abandoned temp files when it starts (here: whatever their age).
    assert sorted(store.sweep_temp_files(older_than_seconds=-1)) == sorted(leftovers)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".locks", "big.json"]
