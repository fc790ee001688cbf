from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from jimu.runtime.exit_codes import FATAL_EXIT_CODE

FRAME = pd.DataFrame({"x": [3, 1, 2], "label": ["c", "a", "b"]})


def test_python_function_gets_tables_and_args(run_component):
    code = "def transform(tables, params):\n    df = tables['up']\n    return df.sort_values('x').assign(y=df['x'] * params['k'])\n"
    run = run_component("python", {"code": code, "args": {"k": 10}}, inputs={"tables": {"up": FRAME}})
    assert run.exit_code == 0
    expected = FRAME.sort_values("x").assign(y=FRAME.sort_values("x")["x"] * 10).reset_index(drop=True)
    pd.testing.assert_frame_equal(run.table(), expected)


def test_python_must_return_a_dataframe(run_component, capfd):
    run = run_component("python", {"code": "def transform(tables, params):\n    return 42\n"}, inputs={"tables": {"up": FRAME}})
    assert run.exit_code == 1
    assert "returned int, not a pandas DataFrame" in capfd.readouterr().err


def test_write_csv_relative_to_exports(run_component, jimu_home):
    run = run_component("write_table", {"uri": "out/x.csv"}, inputs={"table": FRAME})
    assert run.exit_code == 0
    target = jimu_home / "exports" / "out" / "x.csv"
    pd.testing.assert_frame_equal(pd.read_csv(target), FRAME)
    assert run.result["exports"] == [str(target)]
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]


def test_write_parquet_absolute(tmp_path, run_component):
    target = tmp_path / "exported.parquet"
    run = run_component("write_table", {"uri": str(target)}, inputs={"table": FRAME})
    assert run.exit_code == 0
    pd.testing.assert_frame_equal(pd.read_parquet(target), FRAME)


def test_write_refuses_to_climb_out_of_exports(run_component, jimu_home, capfd):
    run = run_component("write_table", {"uri": "../../escaped.csv"}, inputs={"table": FRAME})
    assert run.exit_code == FATAL_EXIT_CODE  # a bad param: retrying will not help
    assert "param 'uri': '../../escaped.csv' climbs out of the exports folder" in capfd.readouterr().err
    assert not Path(os.path.normpath(jimu_home / "exports" / "../../escaped.csv")).exists()


def test_relative_exports_go_to_the_jimu_home_found_from_any_folder(run_component, tmp_path, monkeypatch):
    """Not under the current folder: the project's .jimu/ above it, as every other command finds it."""
    project = tmp_path / "project"
    (project / ".jimu").mkdir(parents=True)
    (project / "sub" / "dir").mkdir(parents=True)
    monkeypatch.delenv("JIMU_HOME", raising=False)
    monkeypatch.chdir(project / "sub" / "dir")
    run = run_component("write_table", {"uri": "out/rows.csv"}, inputs={"table": FRAME})
    assert run.exit_code == 0
    target = project / ".jimu" / "exports" / "out" / "rows.csv"
    assert run.result["exports"] == [str(target)]
    pd.testing.assert_frame_equal(pd.read_csv(target), FRAME)
    assert not (project / "sub" / "dir" / ".jimu").exists()


def test_writing_zero_rows_succeeds_with_a_warning_and_keeps_the_columns(run_component, jimu_home):
    """A day without sales is no failure: the empty file says so downstream, the warning says so to people."""
    empty = FRAME.iloc[0:0]
    run = run_component("write_table", {"uri": "daily/2026-10-01.parquet"}, inputs={"table": empty})
    assert run.exit_code == 0
    target = jimu_home / "exports" / "daily" / "2026-10-01.parquet"
    assert run.result["warnings"] == [f"wrote 0 rows to {target}: the input table is empty; "
                                      "check the upstream nodes if rows were expected"]
    written = pd.read_parquet(target)
    assert written.empty and list(written.columns) == list(FRAME.columns)
    assert "warnings" not in run_component("write_table", {"uri": "daily/x.csv"}, inputs={"table": FRAME}).result
