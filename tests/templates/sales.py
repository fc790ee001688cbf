"""The daily_sales template's clean and aggregate steps, computed apart with pandas on the raw CSV;
shared by the template and real-scheduler tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.conftest import REPO

DAILY_SALES = REPO / "templates" / "daily_sales" / "pipeline.json"
SALES_RETRAINING = REPO / "templates" / "sales_retraining" / "pipeline.json"
RAW = REPO / "templates" / "daily_sales" / "data" / "sales.csv"
TOTALS = ["sale_date", "store", "orders", "units_sold", "units_returned", "revenue", "promo_share"]


def clean_by_pandas(raw_csv: Path = RAW) -> pd.DataFrame:
    raw = pd.read_csv(raw_csv, keep_default_na=False, na_values=[""], dtype={"store": str, "product": str})
    raw["store"] = raw["store"].str.strip().str.lower()
    raw["product"] = raw["product"].str.strip().str.lower()
    raw = raw.dropna(subset=["sale_date", "store", "product", "quantity", "unit_price"])
    raw = raw[(raw["store"] != "") & (raw["product"] != "") & (raw["quantity"] != 0)]
    return raw.drop_duplicates()


def daily_totals_by_pandas(day: str, raw_csv: Path = RAW) -> pd.DataFrame:
    """Per store on `day`: distinct orders, units sold and returned, net revenue, promo share of sale lines."""
    rows = clean_by_pandas(raw_csv)
    rows = rows[rows["sale_date"] == day]
    sold, returned = rows[rows["quantity"] > 0], rows[rows["quantity"] < 0]
    stores = sorted(rows["store"].unique())
    totals = pd.DataFrame({
        "sale_date": [pd.Timestamp(day).date()] * len(stores),
        "store": stores,
        "orders": sold.groupby("store")["order_id"].nunique().reindex(stores, fill_value=0).to_numpy(),
        "units_sold": sold.groupby("store")["quantity"].sum().reindex(stores, fill_value=0).to_numpy(),
        "units_returned": (-returned.groupby("store")["quantity"].sum()).reindex(stores, fill_value=0).to_numpy(),
        "revenue": (rows["quantity"] * rows["unit_price"]).groupby(rows["store"]).sum()
        .reindex(stores).round(2).to_numpy(),
        "promo_share": sold.groupby("store")["promo"].mean().reindex(stores).round(4).to_numpy(),
    })
    return totals


def read_export(path: Path) -> pd.DataFrame:
    frame = pd.read_parquet(path)
    frame["sale_date"] = pd.to_datetime(frame["sale_date"]).dt.date
    return frame


def assert_same_totals(exported: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(exported.columns) == TOTALS
    exported, expected = exported.reset_index(drop=True), expected.reset_index(drop=True)
    others = [c for c in TOTALS if c != "revenue"]
    pd.testing.assert_frame_equal(exported[others], expected[others], check_dtype=False, atol=1e-4)
    # Each side rounds its own floating-point sum to cents: they may differ by one cent at a .005.
    pd.testing.assert_series_equal(exported["revenue"], expected["revenue"], check_dtype=False, atol=0.0101)
