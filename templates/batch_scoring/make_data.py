"""Writes data/new_patients.csv: 60 "new" patients to score, made once from scikit-learn's breast cancer data.

The rows are measurements of the Wisconsin diagnostic data (load_breast_cancer) drawn with a fixed
seed, each value moved by a little seeded measurement noise (about 2%) so they are not rows a model
was trained on verbatim. They carry no diagnosis: scoring them is the point. The columns are what
the cancer_screening template's model reads: the 30 measurements (spaces as '_') and the two growth
features its SQL step derives (worst_area / mean_area, worst_concave_points - mean_concave_points),
after a patient_id. Run `python make_data.py` to write the same file again.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer

SEED = 20261202
PATIENTS = 60
NOISE = 0.02
OUT = Path(__file__).resolve().parent / "data" / "new_patients.csv"


def new_patients() -> tuple[list[str], list[list]]:
    data = load_breast_cancer()
    rng = np.random.default_rng(SEED)
    picked = rng.choice(len(data.data), size=PATIENTS, replace=False)
    values = data.data[picked] * rng.normal(1.0, NOISE, size=(PATIENTS, data.data.shape[1]))
    names = [name.replace(" ", "_") for name in data.feature_names]
    column = {name: values[:, i] for i, name in enumerate(names)}
    area_growth = column["worst_area"] / column["mean_area"]
    concavity_growth = column["worst_concave_points"] - column["mean_concave_points"]
    header = ["patient_id", *names, "area_growth", "concavity_growth"]
    rows = [[f"P{n + 1:04d}", *(round(float(v), 6) for v in (*values[n], area_growth[n], concavity_growth[n]))]
            for n in range(PATIENTS)]
    return header, rows


def main() -> None:
    header, rows = new_patients()
    OUT.parent.mkdir(exist_ok=True)
    with OUT.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {OUT}")


if __name__ == "__main__":
    main()
