"""The daily ETL template run for logical dates as `jimu run --logical-date` runs it: each day's export
equals pandas on the raw CSV; a day without sales exports an empty file with a warning, and succeeds."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from jimu.catalog import builtin_components_dir
from tests.conftest import REPO
from tests.templates.cli import jimu
from tests.templates.sales import (
    DAILY_SALES,
    RAW,
    TOTALS,
    assert_same_totals,
    daily_totals_by_pandas,
    read_export,
)


def exported_day(day: str) -> Path:
    return Path(os.environ["JIMU_HOME"]) / "exports" / "sales_daily" / f"{day}.parquet"


@pytest.mark.slow
@pytest.mark.parametrize("day", ["2026-11-02", "2026-11-07"])  # a Monday and a Saturday
def test_each_logical_date_exports_that_days_totals_as_pandas_computes_them(day):
    proc = jimu("run", str(DAILY_SALES), "--logical-date", day)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    expected = daily_totals_by_pandas(day)
    assert len(expected) == 4  # every store sold something: the comparison covers them all
    assert_same_totals(read_export(exported_day(day)), expected)


@pytest.mark.slow
def test_a_day_without_sales_exports_an_empty_file_with_a_warning():
    day = "2026-10-01"  # National Day: every store closed, no line in the extract
    assert daily_totals_by_pandas(day).empty
    proc = jimu("run", str(DAILY_SALES), "--logical-date", day)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    export_line = next(line for line in proc.stdout.splitlines() if " export_day " in line)
    assert export_line.split()[0] == "success"
    assert f"warning: wrote 0 rows to {exported_day(day)}: the input table is empty" in export_line
    empty = pd.read_parquet(exported_day(day))
    assert empty.empty and list(empty.columns) == TOTALS


# --- the bundled extract ships with the package and load_table finds it, in either kind of install ---



SALES_URI = "package://jimu.templates.daily_sales/data/sales.csv"
# Loads load_table's main.py in a fresh process, optionally with only a normal install of jimu visible.
RESOLVE = """
import importlib.util, sys
target = sys.argv[3]
if target:
    sys.meta_path[:] = [finder for finder in sys.meta_path if "editable" not in repr(finder).lower()]
    sys.path.insert(0, target)
spec = importlib.util.spec_from_file_location("load_table_main", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
print(module.package_file(sys.argv[2]))
"""


def resolve_sales_uri(target: str = "") -> str:
    main = builtin_components_dir() / "load_table" / "main.py"
    return subprocess.run([sys.executable, "-c", RESOLVE, str(main), SALES_URI, target], capture_output=True,
                          text=True, check=True, timeout=60, cwd="/").stdout.strip()


def test_the_bundled_extract_is_found_in_the_editable_install():
    assert resolve_sales_uri() == str(RAW)


@pytest.mark.slow
def test_the_bundled_extract_ships_in_a_normal_install(tmp_path):
    # From a copy: a build writes build/ and *.egg-info/ next to the sources.
    source, target = tmp_path / "source", tmp_path / "site"
    source.mkdir()
    for name in ("setup.cfg", "pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    for folder in ("jimu", "operators", "components", "templates", "plugins", "ui_plugin"):
        shutil.copytree(REPO / folder, source / folder,
                        ignore=shutil.ignore_patterns("node_modules", "__pycache__", "*.egg-info"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(source)], check=True, capture_output=True, timeout=300)
    found = Path(resolve_sales_uri(str(target)))
    assert found == target / "jimu" / "templates" / "daily_sales" / "data" / "sales.csv"
    assert found.read_bytes() == RAW.read_bytes()


def test_the_bundled_extract_is_what_make_data_writes(tmp_path):
    script = tmp_path / "make_data.py"
    script.write_bytes((RAW.parent.parent / "make_data.py").read_bytes())
    subprocess.run([sys.executable, str(script)], check=True, capture_output=True, timeout=60)
    assert (tmp_path / "data" / "sales.csv").read_bytes() == RAW.read_bytes()
