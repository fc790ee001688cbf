"""`jimu backfill`: each logical date of the schedule runs in order, as a backfill run, through Airflow's
own backfill planning on the local Airflow; outputs checked against pandas, reprocessing and failures."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from jimu.cli import main

JIMU = Path(sys.executable).with_name("jimu")
SALES = pd.DataFrame({
    "day": ["2026-10-31", "2026-11-01", "2026-11-01", "2026-11-02", "2026-11-02", "2026-11-03", "2026-11-04"],
    "region": ["n", "n", "s", "n", "s", "s", "n"],
    "amount": [99.0, 1.5, 2.0, 4.0, 8.0, 16.0, 32.0],
})
# A negative amount is bad data: the SQL stops that day's run with an error naming the day.
QUERY = (
    "SELECT region, SUM(amount) AS total, :run_type AS run_type, "
    "CASE WHEN MIN(amount) < 0 THEN error('negative amount on ' || CAST(:ds AS VARCHAR)) ELSE 0 END AS bad "
    "FROM load WHERE CAST(day AS DATE) = :ds GROUP BY region ORDER BY region"
)


def daily_pipeline(pipeline_id: str, csv: Path, **extra) -> dict:
    """load_table -> sql WHERE day = :ds -> write_table to x/{ds}.csv (one export file per day)."""
    return {
        "id": pipeline_id,
        "schedule": "@daily",
        "start_date": "2026-10-01",
        "nodes": [
            {"id": "load", "component": "load_table@1.2.0", "params": {"uri": str(csv)}},
            {"id": "day_sales", "component": "sql@1.2.0", "params": {"query": QUERY}},
            {"id": "export", "component": "write_table@1.2.0", "params": {"uri": f"{pipeline_id}/{{ds}}.csv"}},
        ],
        "edges": [
            {"from": "load.table", "to": "day_sales.tables"},
            {"from": "day_sales.table", "to": "export.table"},
        ],
        **extra,
    }


def write_spec(tmp_path: Path, spec: dict, sales: pd.DataFrame = SALES) -> Path:
    csv = Path(spec["nodes"][0]["params"]["uri"])
    sales.to_csv(csv, index=False)
    spec_file = tmp_path / "pipeline.json"
    spec_file.write_text(json.dumps(spec), encoding="utf-8")
    return spec_file


def backfill(spec_file: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(JIMU), "backfill", str(spec_file), *args], capture_output=True, text=True,
                          env=os.environ.copy(), timeout=600)


def export_of(pipeline_id: str, day: str) -> Path:
    return Path(os.environ["JIMU_HOME"]) / "exports" / pipeline_id / f"{day}.csv"


def expected_for(sales: pd.DataFrame, day: str) -> pd.DataFrame:
    """The day's totals by pandas, independently of DuckDB and of the run values."""
    rows = sales[sales["day"] == day].groupby("region", as_index=False)["amount"].sum()
    return rows.rename(columns={"amount": "total"}).sort_values("region").reset_index(drop=True)


def assert_day_equals_pandas(pipeline_id: str, day: str, sales: pd.DataFrame = SALES) -> None:
    written = pd.read_csv(export_of(pipeline_id, day))
    assert written["run_type"].unique().tolist() == ["backfill"]
    got = written[["region", "total"]].sort_values("region").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected_for(sales, day), check_dtype=False)


def summary_states(stdout: str) -> dict[str, str]:
    """Date -> state, from the summary lines at the end of the output."""
    tail = stdout[stdout.rindex("\nbackfill of "):]
    return {line.split()[0]: line[14:22].strip() for line in tail.splitlines()[2:] if line.startswith("  2026-")}


@pytest.mark.slow
def test_three_days_run_in_order_as_backfill_runs_and_equal_pandas(tmp_path):
    spec_file = write_spec(tmp_path, daily_pipeline("backfill_days_test", tmp_path / "sales.csv"))
    proc = backfill(spec_file, "--start", "2026-11-01", "--end", "2026-11-03")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    days = ["2026-11-01", "2026-11-02", "2026-11-03"]
    for day in days:
        assert_day_equals_pandas("backfill_days_test", day)
    # One line as each run starts and ends, in date order, and one per node of each run.
    lines = proc.stdout.splitlines()
    starts = [line for line in lines if line.startswith("[") and " run backfill__" in line]
    assert starts == [f"[{i}/3] {day} run backfill__{day}T00:00:00+00:00" for i, day in enumerate(days, 1)]
    assert sum(1 for line in lines if line.split()[:2] == ["success", "day_sales"]) == 3
    assert summary_states(proc.stdout) == dict.fromkeys(days, "success")
    assert "backfill of backfill_days_test (backfill_days_test.local): 3 success" in proc.stdout


@pytest.mark.slow
def test_a_failing_day_is_reported_and_reprocess_failed_runs_only_it_again(tmp_path):
    bad = SALES.copy()
    bad.loc[bad["day"] == "2026-11-02", "amount"] = -1.0
    spec = daily_pipeline("backfill_reprocess_test", tmp_path / "sales.csv")
    spec_file = write_spec(tmp_path, spec, bad)
    proc = backfill(spec_file, "--start", "2026-11-01", "--end", "2026-11-03")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert summary_states(proc.stdout) == {"2026-11-01": "success", "2026-11-02": "failed", "2026-11-03": "success"}
    assert "[2/3] 2026-11-02 failed in" in proc.stdout
    assert "negative amount on 2026-11-02" in proc.stdout  # the node's error, under its failed line
    assert not export_of("backfill_reprocess_test", "2026-11-02").exists()

    # Without --reprocess every date keeps its run; the failed one is named with the flag that reruns it.
    proc = backfill(spec_file, "--start", "2026-11-01", "--end", "2026-11-03")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert summary_states(proc.stdout) == dict.fromkeys(["2026-11-01", "2026-11-02", "2026-11-03"], "skipped")
    assert "[2/3] 2026-11-02 skipped: its run already failed; --reprocess failed runs it again" in proc.stdout

    # The data is fixed: --reprocess failed runs 2026-11-02 alone, and its export now equals pandas.
    first_export = export_of("backfill_reprocess_test", "2026-11-01").stat().st_mtime_ns
    write_spec(tmp_path, spec)
    proc = backfill(spec_file, "--start", "2026-11-01", "--end", "2026-11-03", "--reprocess", "failed")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert summary_states(proc.stdout) == {"2026-11-01": "skipped", "2026-11-02": "success", "2026-11-03": "skipped"}
    assert_day_equals_pandas("backfill_reprocess_test", "2026-11-02")
    assert export_of("backfill_reprocess_test", "2026-11-01").stat().st_mtime_ns == first_export

    # --reprocess completed runs every date again, the succeeded ones too.
    proc = backfill(spec_file, "--start", "2026-11-03", "--end", "2026-11-04", "--reprocess", "completed")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert summary_states(proc.stdout) == {"2026-11-03": "success", "2026-11-04": "success"}
    assert_day_equals_pandas("backfill_reprocess_test", "2026-11-04")


@pytest.mark.slow
def test_a_failed_day_holds_back_later_days_that_depend_on_their_past(tmp_path):
    bad = SALES.copy()
    bad.loc[bad["day"] == "2026-11-02", "amount"] = -1.0
    spec = daily_pipeline("backfill_past_test", tmp_path / "sales.csv", defaults={"depends_on_past": True})
    spec_file = write_spec(tmp_path, spec, bad)

    # Airflow's rule: with depends_on_past a backfill must say what to do with dates that ran already.
    proc = backfill(spec_file, "--start", "2026-11-01", "--end", "2026-11-03")
    assert proc.returncode == 1 and "pass --reprocess failed" in proc.stderr, proc.stdout + proc.stderr

    proc = backfill(spec_file, "--start", "2026-11-01", "--end", "2026-11-03", "--reprocess", "failed")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert summary_states(proc.stdout) == {"2026-11-01": "success", "2026-11-02": "failed", "2026-11-03": "not run"}
    assert ("[3/3] 2026-11-03 not run: 2026-11-02 failed and day_sales, export, load depend on their past run "
            "(depends_on_past)") in proc.stdout
    assert not export_of("backfill_past_test", "2026-11-03").exists()


def run_cli(*args: str) -> int:
    return main(["backfill", *args])


def test_a_pipeline_without_a_schedule_is_refused(tmp_path, capsys):
    spec = daily_pipeline("backfill_unscheduled", tmp_path / "sales.csv")
    del spec["schedule"]
    code = run_cli(str(write_spec(tmp_path, spec)), "--start", "2026-11-01", "--end", "2026-11-03")
    err = capsys.readouterr().err
    assert code == 1
    assert "$.schedule: pipeline 'backfill_unscheduled' has schedule None: there are no intervals to backfill" in err
    assert "jimu run --logical-date" in err


def test_an_asset_scheduled_pipeline_is_refused(tmp_path, capsys):
    spec = daily_pipeline("backfill_on_assets", tmp_path / "sales.csv")
    spec.update(schedule={"any": [{"asset": "sales_daily"}, {"asset": "sales_eu"}]}, catchup=False)
    code = run_cli(str(write_spec(tmp_path, spec)), "--start", "2026-11-01", "--end", "2026-11-03")
    err = capsys.readouterr().err
    assert code == 1
    assert "pipeline 'backfill_on_assets' runs when its assets update: there are no intervals to backfill" in err
    assert "Traceback" not in err


def test_a_start_after_the_end_is_refused(tmp_path, capsys):
    spec_file = write_spec(tmp_path, daily_pipeline("backfill_dates", tmp_path / "sales.csv"))
    code = run_cli(str(spec_file), "--start", "2026-11-07", "--end", "2026-11-01")
    err = capsys.readouterr().err
    assert code == 1 and "--start: --start 2026-11-07 is after --end 2026-11-01 (fix: swap them" in err
    code = run_cli(str(spec_file), "--start", "1/11/2026", "--end", "2026-11-01")
    assert code == 1 and "--start: '1/11/2026' is not a date" in capsys.readouterr().err


def test_a_deployed_profile_is_pointed_at_airflow_backfill_create(tmp_path, capsys):
    spec_file = write_spec(tmp_path, daily_pipeline("backfill_k8s", tmp_path / "sales.csv"))
    code = run_cli(str(spec_file), "--start", "2026-11-01", "--end", "2026-11-07", "--profile", "kubernetes")
    assert code == 2
    assert ("airflow backfill create --dag-id backfill_k8s --from-date 2026-11-01 --to-date 2026-11-07"
            in capsys.readouterr().err)


def test_help_shows_an_example(capsys):
    assert run_cli("--help") == 0
    out = capsys.readouterr().out
    assert "jimu backfill daily_sales.json --start 2026-11-01 --end 2026-11-07" in out
    assert "--reprocess {none,failed,completed}" in out


SLOW_CODE = "def transform(tables, params):\n    import time\n    time.sleep(60)\n    return tables[0]\n"


@pytest.mark.slow
def test_sigterm_stops_the_running_date_and_cancels_the_rest(tmp_path):
    spec = daily_pipeline("backfill_stop_test", tmp_path / "sales.csv")
    spec["nodes"][1] = {"id": "day_sales", "component": "python@1.0.0", "params": {"code": SLOW_CODE}}
    spec_file = write_spec(tmp_path, spec)
    proc = subprocess.Popen([str(JIMU), "backfill", str(spec_file), "--start", "2026-11-01", "--end", "2026-11-03"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=os.environ.copy())
    lines = []
    for line in proc.stdout:  # until the first date's slow node is running
        lines.append(line)
        if line.split()[:2] == ["success", "load"]:
            break
    time.sleep(3)
    proc.send_signal(signal.SIGTERM)
    out = "".join(lines) + proc.stdout.read()
    assert proc.wait(timeout=60) == 128 + signal.SIGTERM, out
    assert summary_states(out) == {"2026-11-01": "failed", "2026-11-02": "not run", "2026-11-03": "not run"}
    assert "stopped by SIGTERM" in out

    # The cancelled dates count as failed, as after Airflow's "cancel backfill": --reprocess failed runs them.
    spec["nodes"][1] = daily_pipeline("x", tmp_path / "sales.csv")["nodes"][1]
    write_spec(tmp_path, spec)
    again = backfill(spec_file, "--start", "2026-11-02", "--end", "2026-11-03", "--reprocess", "failed")
    assert again.returncode == 0, again.stdout + again.stderr
    assert summary_states(again.stdout) == {"2026-11-02": "success", "2026-11-03": "success"}
