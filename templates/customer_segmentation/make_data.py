"""Writes data/orders.csv: one row per order of the daily_sales template's synthetic sales extract.

No installed package ships customer data (scikit-learn's datasets are flowers, wines, tumours,
digits, diabetes and exercise), so the customer_segmentation template segments what the bundled
extract (../daily_sales/data/sales.csv, itself SYNTHETIC: see its make_data.py) can say about a
shopper: each order stands in for one customer's visit. The extract is cleaned as the daily_sales
template cleans it (store names trimmed and lower-cased, repeated lines and lines missing a store,
quantity or price dropped); returns are left out. Per order:
- products: how many different products; units: how many items; spend: what was paid (CNY);
- avg_price: spend per unit; promo_share: share of its lines bought on promotion;
- teaware_share: share of its spend on tea ware (tea_set, mug) rather than tea.
Nothing random: run `python make_data.py` to write the same file again.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
SALES = HERE.parent / "daily_sales" / "data" / "sales.csv"
TEA_WARE = {"tea_set", "mug"}


def sold_lines() -> pd.DataFrame:
    lines = pd.read_csv(SALES, dtype={"store": str}).drop_duplicates()
    lines["store"] = lines["store"].str.strip().str.lower().replace("", None)
    lines = lines.dropna(subset=["store", "quantity", "unit_price"])
    return lines[lines["quantity"] > 0].assign(paid=lambda d: d["quantity"] * d["unit_price"])


def orders(lines: pd.DataFrame) -> pd.DataFrame:
    lines = lines.assign(teaware_paid=lines["paid"].where(lines["product"].isin(TEA_WARE), 0.0))
    grouped = lines.groupby(["order_id", "sale_date", "store"], sort=True)
    table = grouped.agg(products=("product", "nunique"), units=("quantity", "sum"), spend=("paid", "sum"),
                        promo_share=("promo", "mean"), teaware_paid=("teaware_paid", "sum")).reset_index()
    table["units"] = table["units"].astype(int)
    table["avg_price"] = (table["spend"] / table["units"]).round(2)
    table["teaware_share"] = (table.pop("teaware_paid") / table["spend"]).round(4)
    table["spend"] = table["spend"].round(2)
    table["promo_share"] = table["promo_share"].round(4)
    return table[["order_id", "sale_date", "store", "products", "units", "spend", "avg_price", "promo_share",
                  "teaware_share"]]


def main() -> None:
    table = orders(sold_lines())
    path = HERE / "data" / "orders.csv"
    path.parent.mkdir(exist_ok=True)
    table.to_csv(path, index=False, lineterminator="\n")
    print(f"wrote {len(table)} orders to {path}")


if __name__ == "__main__":
    main()
