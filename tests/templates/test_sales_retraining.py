"""The retraining template on the daily ETL's exports: the ETL runs for several days, the retraining
reads every day written so far as one table, and its held-out R² equals scikit-learn's on features
built apart with pandas from the raw CSV. Its champion/challenger gate serves the first model, holds
back one that does not beat the model in service on the same held-out days, and replaces a worse one."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import uuid
from pathlib import Path

import httpx
import pandas as pd
import pytest
from sklearn.dummy import DummyRegressor
from sklearn.ensemble import RandomForestRegressor
from sklearn.metrics import r2_score

from jimu.runtime.models import write_model
from tests.templates.cli import jimu
from tests.templates.sales import DAILY_SALES, SALES_RETRAINING, daily_totals_by_pandas

DAYS = [f"2026-11-{day:02d}" for day in range(2, 10)]  # Monday to the next Monday
FEATURES = ["day_of_week", "weekend", "promo_share", "store_avg_orders"]
TREES = 50
# Four weeks the daily ETL would have exported (7 of them held out): enough rows for scores that mean something.
WEEKS = [str(dt.date(2026, 9, 1) + dt.timedelta(days=n)) for n in range(28)]


def features_by_pandas(days: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The template's features from the raw CSV, as (training days, held-out days): every fourth day is held out."""
    history = pd.concat([daily_totals_by_pandas(day) for day in sorted(days)], ignore_index=True)
    rows = history[history["orders"] > 0].copy()
    rows["day_of_week"] = [day.isoweekday() for day in rows["sale_date"]]
    rows["weekend"] = (rows["day_of_week"] >= 6).astype(int)
    rows["promo_share"] = rows["promo_share"].fillna(0)
    rows["store_avg_orders"] = rows.groupby("store")["orders"].transform("mean")
    rows = rows.sort_values(["sale_date", "store"]).reset_index(drop=True)
    held_out = [(day - dt.date(2000, 1, 1)).days % 4 == 0 for day in rows["sale_date"]]
    return rows[[not held for held in held_out]], rows[held_out]


def retrained_by_sklearn(days: list[str]) -> tuple[RandomForestRegressor, pd.DataFrame, float]:
    """The template's model and its held-out R², with scikit-learn."""
    train, test = features_by_pandas(days)
    model = RandomForestRegressor(n_estimators=TREES, max_depth=6, random_state=7)
    model.fit(train[FEATURES], train["revenue"])
    return model, test, float(r2_score(test["revenue"], model.predict(test[FEATURES])))


def metrics_of(stdout: str, node: str) -> dict:
    data = Path(re.search(r"step data: (\S+)", stdout).group(1))
    return json.loads((data / node / "metrics" / "metrics.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_retraining_on_the_daily_exports_scores_as_sklearn_does(endpoint_name):
    history = f"tests/history_{uuid.uuid4().hex[:8]}"
    for day in DAYS:
        etl = jimu("run", str(DAILY_SALES), "--logical-date", day, "--param", f"daily_export={history}/{{ds}}.parquet")
        assert etl.returncode == 0, etl.stdout + etl.stderr
    run = jimu("run", str(SALES_RETRAINING), "--param", f"history={history}", "--param", f"trees={TREES}",
               "--param", f"endpoint_name={endpoint_name}")
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"table: {4 * len(DAYS)} rows" in next(line for line in run.stdout.splitlines() if " load_history " in line)

    model, test, r2 = retrained_by_sklearn(DAYS)
    metrics = metrics_of(run.stdout, "evaluate")
    assert metrics["rows"] == len(test)
    assert metrics["r2"] == pytest.approx(r2, abs=1e-9)
    assert r2 >= 0.5  # the bundled data tells a story a forest learns: the gate opens
    url = re.search(r"exported by serve: (http://127\.0\.0\.1:\d+)", run.stdout).group(1)
    rows = json.loads(test[FEATURES].to_json(orient="records"))
    answer = httpx.post(f"{url}/predict", json={"rows": rows}, timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.json()["predictions"] == pytest.approx(model.predict(test[FEATURES]).tolist(), abs=1e-9)


@pytest.fixture(scope="module")
def four_weeks() -> str:
    """WEEKS' daily totals (computed apart from the raw CSV), written where the daily ETL writes its exports."""
    folder = f"tests/history_{uuid.uuid4().hex[:8]}"
    root = Path(os.environ["JIMU_HOME"]) / "exports" / folder
    root.mkdir(parents=True)
    for day in WEEKS:
        daily_totals_by_pandas(day).to_parquet(root / f"{day}.parquet", index=False)
    return folder


def retrain(history: str, endpoint_name: str) -> subprocess.CompletedProcess:
    run = jimu("run", str(SALES_RETRAINING), "--param", f"history={history}", "--param", f"trees={TREES}",
               "--param", f"endpoint_name={endpoint_name}")
    assert run.returncode == 0, run.stdout + run.stderr
    return run


def served_model(endpoint_name: str) -> str:
    """The model_uri `jimu deployments list` shows for the name."""
    listed = json.loads(jimu("deployments", "list", "--json").stdout)
    return next(d["model_uri"] for d in listed if d["name"] == endpoint_name)


def state_of(stdout: str, node: str) -> str:
    return next(line.split()[0] for line in stdout.splitlines() if line.split()[1:2] == [node])


def serve_yourself(endpoint_name: str, folder: Path, model) -> str:
    """Serve a model of the template's features as `endpoint_name`, the way the deploy component does."""
    from jimu.serving import manager

    uri = str(folder)
    write_model(uri, model, {"task": "regression", "features": FEATURES, "label": "revenue"})
    manager.deploy(endpoint_name, uri)
    return uri


@pytest.mark.slow
def test_champion_challenger_serves_first_holds_back_the_worse_and_replaces_the_beaten(
        four_weeks, endpoint_name, tmp_path):
    train, test = features_by_pandas(WEEKS)
    challenger = RandomForestRegressor(n_estimators=TREES, max_depth=6, random_state=7)
    challenger.fit(train[FEATURES], train["revenue"])
    challenger_r2 = r2_score(test["revenue"], challenger.predict(test[FEATURES]))

    # Nothing is served under the name yet: the first model is served.
    first = retrain(four_weeks, endpoint_name)
    gate = metrics_of(first.stdout, "champion_gate")
    assert gate["challenger"] == pytest.approx(challenger_r2, abs=1e-9) and "champion" not in gate
    assert gate["rows"] == len(test) > 6 * 4  # 7 held-out days, a store closed on one
    assert state_of(first.stdout, "serve") == "success"
    data = Path(re.search(r"step data: (\S+)", first.stdout).group(1))
    assert served_model(endpoint_name) == str(data / "champion_gate" / "model")

    # A champion that has seen the held-out days too scores better on them: the challenger is held back.
    everything = pd.concat([train, test])
    seer = RandomForestRegressor(n_estimators=100, random_state=0).fit(everything[FEATURES], everything["revenue"])
    seer_uri = serve_yourself(endpoint_name, tmp_path / "seer", seer)
    seer_r2 = r2_score(test["revenue"], seer.predict(test[FEATURES]))
    assert seer_r2 > challenger_r2
    second = retrain(four_weeks, endpoint_name)
    line = next(line for line in second.stdout.splitlines() if line.split()[1:2] == ["champion_gate"])
    assert line.split()[0] == "skipped"
    assert f"{challenger_r2:.6g}" in line and f"{seer_r2:.6g}" in line, line
    assert state_of(second.stdout, "serve") == "skipped"
    assert served_model(endpoint_name) == seer_uri

    # A champion that always says the training days' mean is beaten: the challenger replaces it.
    serve_yourself(endpoint_name, tmp_path / "mean", DummyRegressor().fit(train[FEATURES], train["revenue"]))
    third = retrain(four_weeks, endpoint_name)
    gate = metrics_of(third.stdout, "champion_gate")
    assert gate["champion"] == pytest.approx(r2_score(test["revenue"], [train["revenue"].mean()] * len(test)))
    assert gate["challenger"] == pytest.approx(challenger_r2, abs=1e-9)
    data = Path(re.search(r"step data: (\S+)", third.stdout).group(1))
    assert served_model(endpoint_name) == str(data / "champion_gate" / "model")
    url = re.search(r"exported by serve: (http://127\.0\.0\.1:\d+)", third.stdout).group(1)
    answer = httpx.post(f"{url}/predict", json={"rows": json.loads(test[FEATURES].to_json(orient="records"))},
                        timeout=30)
    assert answer.json()["predictions"] == pytest.approx(challenger.predict(test[FEATURES]).tolist(), abs=1e-9)
