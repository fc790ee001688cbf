"""Writes data/store_days.csv: each store's totals of each day of the daily_sales template's synthetic extract.

No installed package ships business data over time, so the anomaly_detection template looks for
unusual days in the bundled extract (../daily_sales/data/sales.csv, itself SYNTHETIC: see its
make_data.py), summed per store and day as the daily_sales template sums them: orders, units sold,
units returned, net revenue (CNY, returns taken off) and the promotion share of the lines sold
(0 on a day with returns only).
The extract is cleaned as that template cleans it (store names trimmed and lower-cased, repeated
lines and lines missing a store, quantity or price dropped). Nothing random: run
`python make_data.py` to write the same file again.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
SALES = HERE.parent / "daily_sales" / "data" / "sales.csv"


def clean_lines() -> pd.DataFrame:
    lines = pd.read_csv(SALES, dtype={"store": str}).drop_duplicates()
    lines["store"] = lines["store"].str.strip().str.lower().replace("", None)
    return lines.dropna(subset=["store", "quantity", "unit_price"]).query("quantity != 0")


def store_days(lines: pd.DataFrame) -> pd.DataFrame:
    sold = lines["quantity"] > 0
    lines = lines.assign(
        sold_order=lines["order_id"].where(sold), units_sold=lines["quantity"].where(sold, 0),
        units_returned=(-lines["quantity"]).where(~sold, 0), net=lines["quantity"] * lines["unit_price"],
        sold_promo=lines["promo"].where(sold),
    )
    grouped = lines.groupby(["sale_date", "store"], sort=True)
    table = grouped.agg(orders=("sold_order", "nunique"), units_sold=("units_sold", "sum"),
                        units_returned=("units_returned", "sum"), revenue=("net", "sum"),
                        promo_share=("sold_promo", "mean")).reset_index()
    for name in ("units_sold", "units_returned"):
        table[name] = table[name].astype(int)
    # A day with returns only sold nothing on promotion: 0, not missing, so every day can be scored.
    return table.assign(revenue=table["revenue"].round(2), promo_share=table["promo_share"].fillna(0).round(4))


def main() -> None:
    table = store_days(clean_lines())
    path = HERE / "data" / "store_days.csv"
    path.parent.mkdir(exist_ok=True)
    table.to_csv(path, index=False, lineterminator="\n")
    print(f"wrote {len(table)} store-days to {path}")


if __name__ == "__main__":
    main()
