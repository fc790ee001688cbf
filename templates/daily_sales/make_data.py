"""Writes data/sales.csv: a SYNTHETIC retail sales extract, generated once with a fixed seed.

No installed package ships dated sales data, so the daily_sales template bundles this small one:
2026-09-01 .. 2026-11-15 (76 days), four stores, six products, one row per order line. It carries
the dirt a real extract has, on purpose, for the template's clean step to deal with:
- about 2% of rows repeated (the extract job ran twice over a page);
- missing quantity, unit_price or store in a few rows;
- negative quantities: returns of an earlier sale, booked on the day of the return;
- store names with stray spaces and mixed case (" shanghai", "BEIJING ");
- no rows at all on 2026-10-01 (National Day: every store closed).
Sales follow a simple story a model can learn: each store has its own size, weekends sell more,
and promotion days sell more. Run `python make_data.py` to write the same file again.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

SEED = 20261201
FIRST_DAY = dt.date(2026, 9, 1)
DAYS = 76
CLOSED = {dt.date(2026, 10, 1)}
# store -> mean orders per ordinary weekday
STORES = {"shanghai": 14, "beijing": 11, "shenzhen": 8, "hangzhou": 5}
# product -> unit price (CNY)
PRODUCTS = {"green_tea": 18.5, "oolong": 32.0, "jasmine": 24.0, "pu_erh": 58.0, "tea_set": 199.0, "mug": 45.0}
WEEKEND_LIFT = 1.5
PROMO_LIFT = 1.4
PROMO_DISCOUNT = 0.85
COLUMNS = ["order_id", "sale_date", "store", "product", "quantity", "unit_price", "promo"]


def messy_store(rng: random.Random, store: str) -> str:
    """How a till types the store name: mostly clean, sometimes with stray spaces or in capitals."""
    roll = rng.random()
    if roll < 0.10:
        return f" {store}"
    if roll < 0.18:
        return f"{store.upper()} "
    if roll < 0.24:
        return store.capitalize()
    return store


def order_lines(rng: random.Random, order_id: int, day: dt.date, store: str, promo_day: bool) -> list[list]:
    lines = []
    for product in rng.sample(sorted(PRODUCTS), rng.randint(1, 3)):
        promo = int(promo_day and rng.random() < 0.8)
        price = round(PRODUCTS[product] * (PROMO_DISCOUNT if promo else 1.0), 2)
        quantity = rng.randint(1, 4 if product != "tea_set" else 1)
        lines.append([f"O{order_id:06d}", day.isoformat(), messy_store(rng, store), product, quantity, price, promo])
    return lines


def make_rows(rng: random.Random) -> list[list]:
    rows: list[list] = []
    order_id = 0
    for offset in range(DAYS):
        day = FIRST_DAY + dt.timedelta(days=offset)
        if day in CLOSED:
            continue
        for store, base in STORES.items():
            promo_day = rng.random() < 0.25
            mean = base * (WEEKEND_LIFT if day.weekday() >= 5 else 1.0) * (PROMO_LIFT if promo_day else 1.0)
            for _ in range(max(0, round(rng.gauss(mean, mean ** 0.5)))):
                order_id += 1
                rows.extend(order_lines(rng, order_id, day, store, promo_day))
            if rng.random() < 0.3:  # a return of something bought earlier, booked today
                order_id += 1
                product = rng.choice(sorted(PRODUCTS))
                rows.append([f"R{order_id:06d}", day.isoformat(), messy_store(rng, store), product,
                             -rng.randint(1, 2), PRODUCTS[product], 0])
    return rows


def add_dirt(rng: random.Random, rows: list[list]) -> list[list]:
    dirty = []
    for row in rows:
        row = list(row)
        roll = rng.random()
        if roll < 0.01:
            row[4] = ""  # quantity missing
        elif roll < 0.02:
            row[5] = ""  # unit_price missing
        elif roll < 0.025:
            row[2] = ""  # store missing
        dirty.append(row)
        if rng.random() < 0.02:
            dirty.append(list(row))  # the same line twice
    return dirty


def main() -> None:
    rng = random.Random(SEED)
    rows = add_dirt(rng, make_rows(rng))
    path = Path(__file__).with_name("data") / "sales.csv"
    path.parent.mkdir(exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {path}")


if __name__ == "__main__":
    main()
