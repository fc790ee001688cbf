"""Atomic writes give the mode a plain write would: the umask for new files, the old mode otherwise.

Class of inputs: umasks 022, 027, 002, 077 and 0; new and existing files; new temp folders.
Each case runs in a fresh process so the umask set for it cannot leak into other tests.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

SCRIPT = """
import os, stat, sys
from pathlib import Path
from jimu.files import make_temp_dir, write_atomically
os.umask(int(sys.argv[2], 8))
folder = Path(sys.argv[1])
write_atomically(folder / "new.py", "x = 1\\n")
plain = folder / "plain.py"
with open(plain, "w") as handle:
    handle.write("x = 1\\n")
existing = folder / "existing.py"
existing.write_text("old")
os.chmod(existing, 0o640)
write_atomically(existing, "new")
temp = make_temp_dir(folder, ".snapshot.")
os.mkdir(folder / "plain_dir")
mode = lambda p: oct(stat.S_IMODE(p.stat().st_mode))
print(mode(folder / "new.py"), mode(plain), mode(existing), mode(temp), mode(folder / "plain_dir"))
"""


@pytest.mark.parametrize("umask", ["022", "027", "002", "077", "000"])
def test_atomic_writes_honour_the_umask(tmp_path, umask):
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path), umask], capture_output=True, text=True, check=True)
    new, plain, existing, temp, plain_dir = out.stdout.split()
    assert new == plain  # what open(path, "w") gives
    assert existing == "0o640"
    assert temp == plain_dir
    assert int(new, 8) == 0o666 & ~int(umask, 8)


def test_umask_is_read_without_changing_it(tmp_path):
    from jimu.files import current_umask

    before = os.umask(0o027)
    try:
        assert current_umask() == 0o027
        assert current_umask() == 0o027
    finally:
        os.umask(before)


def test_unchanged_content_is_not_rewritten(tmp_path):
    from jimu.files import write_atomically

    path = tmp_path / "a.txt"
    assert write_atomically(path, "same") is True
    inode = path.stat().st_ino
    assert write_atomically(path, "same") is False
    assert path.stat().st_ino == inode
    assert not [p for p in tmp_path.iterdir() if p.name != "a.txt"]  # no temp file left
    assert stat.S_ISREG(path.stat().st_mode)
