"""`jimu run --logical-date`: the run's values reach SQL binds and path placeholders in a real local run;
an asset-scheduled pipeline runs as a manual run with no asset events."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jimu.errors import SpecError
from jimu.run.local import refuse_date_before_start
from jimu.spec import PipelineSpec

JIMU = Path(sys.executable).with_name("jimu")
SALES = pd.DataFrame({
    "day": ["2026-11-28", "2026-11-29", "2026-11-29", "2026-11-30", "2026-11-30", "2026-11-30"],
    "region": ["n", "n", "s", "n", "s", "s"],
    "amount": [1.5, 2.0, 4.0, 8.0, 16.0, 32.0],
})


def daily_pipeline(csv: Path, out: str) -> dict:
    return {
        "id": "run_values_test",
        "schedule": "@daily",
        "start_date": "2026-11-01",
        "nodes": [
            {"id": "load", "component": "load_table@1.2.0", "params": {"uri": str(csv)}},
            {"id": "day_sales", "component": "sql@1.2.0", "params": {"query": (
                "SELECT region, SUM(amount) AS total, :ds AS ds, :run_type AS run_type FROM load "
                "WHERE CAST(day AS DATE) = :ds GROUP BY region ORDER BY region"
            )}},
            {"id": "export", "component": "write_table@1.2.0", "params": {"uri": out}},
        ],
        "edges": [
            {"from": "load.table", "to": "day_sales.tables"},
            {"from": "day_sales.table", "to": "export.table"},
        ],
    }


def jimu_run(spec_file: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{JIMU.parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        [str(JIMU), "run", str(spec_file), "--cold", *args], capture_output=True, text=True, env=env, timeout=300
    )


def expected_for(day: str) -> pd.DataFrame:
    """The same aggregation by pandas, independently of DuckDB and of the run values."""
    rows = SALES[SALES["day"] == day].groupby("region", as_index=False)["amount"].sum()
    return rows.rename(columns={"amount": "total"}).sort_values("region").reset_index(drop=True)


@pytest.mark.slow
def test_each_logical_date_selects_its_own_day(tmp_path):
    csv = tmp_path / "sales.csv"
    SALES.to_csv(csv, index=False)
    spec_file = tmp_path / "pipeline.json"
    # One export per day: the {ds_nodash} placeholder keeps the days from overwriting each other.
    spec_file.write_text(json.dumps(daily_pipeline(csv, f"{tmp_path}/daily/{{ds_nodash}}.csv")), encoding="utf-8")
    results = {}
    for day in ("2026-11-29", "2026-11-30"):
        proc = jimu_run(spec_file, "--logical-date", day)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "(run manual__" in proc.stdout
        written = pd.read_csv(tmp_path / "daily" / f"{day.replace('-', '')}.csv")
        assert written["ds"].astype(str).str[:10].unique().tolist() == [day]
        assert written["run_type"].unique().tolist() == ["manual"]
        got = written[["region", "total"]].sort_values("region").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected_for(day), check_dtype=False)
        results[day] = got
    assert not results["2026-11-29"].equals(results["2026-11-30"])
    assert sorted(p.name for p in (tmp_path / "daily").iterdir()) == ["20261129.csv", "20261130.csv"]


@pytest.mark.slow
def test_a_bad_logical_date_is_refused_before_running(tmp_path):
    spec_file = tmp_path / "pipeline.json"
    spec_file.write_text(json.dumps(daily_pipeline(tmp_path / "x.csv", f"{tmp_path}/y.csv")), encoding="utf-8")
    proc = jimu_run(spec_file, "--logical-date", "29/11/2026")
    assert proc.returncode != 0
    assert "--logical-date" in proc.stdout + proc.stderr and "2026-11-29" in proc.stdout + proc.stderr


@pytest.mark.slow
def test_a_logical_date_before_start_date_is_refused_and_runs_nothing(tmp_path):
    spec_file = tmp_path / "pipeline.json"
    csv = tmp_path / "sales.csv"
    SALES.to_csv(csv, index=False)
    spec_file.write_text(json.dumps(daily_pipeline(csv, f"{tmp_path}/out.csv")), encoding="utf-8")
    proc = jimu_run(spec_file, "--logical-date", "2026-10-31")
    assert proc.returncode != 0
    said = proc.stdout + proc.stderr
    assert "before the pipeline's start_date 2026-11-01" in said and "on or after 2026-11-01" in said
    assert not (tmp_path / "out.csv").exists()


@given(day=st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 1, 1)),
       start=st.one_of(st.none(), st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 1, 1))),
       hour=st.integers(0, 23), offset=st.integers(-12, 14))
def test_exactly_the_dates_before_the_dags_start_are_refused(day, start, hour, offset):
    """As Airflow counts: the DAG starts at midnight UTC of start_date (2025-01-01 when unset)."""
    spec = PipelineSpec.model_validate({**daily_pipeline(Path("x.csv"), "y.csv"), "start_date": start})
    zone = datetime.timezone(datetime.timedelta(hours=offset))
    when = datetime.datetime.combine(day, datetime.time(hour), zone)
    starts = datetime.datetime(*(start or datetime.date(2025, 1, 1)).timetuple()[:3], tzinfo=datetime.UTC)
    if when < starts:
        with pytest.raises(SpecError, match="before the pipeline's start_date"):
            refuse_date_before_start(spec, when)
    else:
        refuse_date_before_start(spec, when)


@pytest.mark.slow
def test_an_asset_scheduled_pipeline_runs_locally_as_a_manual_run_without_events(tmp_path):
    """`jimu run` has no scheduler to wait for assets: it runs the pipeline once, as a manual run,
    and the node sees an empty list of triggering asset events."""
    from jimu.runtime import storage

    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "assets" / "retraining.json"
    proc = jimu_run(fixture)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    line = next(line for line in proc.stdout.splitlines() if line.strip().startswith("output seen.table"))
    [row] = storage.read_table(line.split(" in ", 1)[1].strip()).to_pylist()
    assert row["run_type"] == "manual" and row["run_id"].startswith("manual__")
    assert row["name"] is None and row["source_dag_id"] is None  # no event: the fixture's one empty row
