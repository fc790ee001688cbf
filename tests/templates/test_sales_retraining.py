"""The retraining template on the daily ETL's exports: the ETL runs for several days, the retraining
reads every day written so far as one table, and its held-out R² equals scikit-learn's on features
built apart with pandas from the raw CSV."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import httpx
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestRegressor
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split

from tests.templates.cli import jimu
from tests.templates.sales import DAILY_SALES, SALES_RETRAINING, daily_totals_by_pandas

DAYS = [f"2026-11-{day:02d}" for day in range(2, 10)]  # Monday to the next Monday
FEATURES = ["day_of_week", "weekend", "promo_share", "store_avg_orders"]
TREES = 50


def retrained_by_sklearn(days: list[str]) -> tuple[RandomForestRegressor, pd.DataFrame, float]:
    """The template's features, split, model and R², from the raw CSV with pandas and scikit-learn."""
    history = pd.concat([daily_totals_by_pandas(day) for day in sorted(days)], ignore_index=True)
    rows = history[history["orders"] > 0].copy()
    rows["day_of_week"] = [day.isoweekday() for day in rows["sale_date"]]
    rows["weekend"] = (rows["day_of_week"] >= 6).astype(int)
    rows["promo_share"] = rows["promo_share"].fillna(0)
    rows["store_avg_orders"] = rows.groupby("store")["orders"].transform("mean")
    rows = rows.sort_values(["sale_date", "store"]).reset_index(drop=True)
    train, test = train_test_split(rows, test_size=0.25, random_state=7)
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
