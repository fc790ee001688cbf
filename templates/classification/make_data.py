"""Writes data/breast_cancer.csv: scikit-learn's Wisconsin diagnostic breast cancer data as a business user's CSV.

scikit-learn ships the data as a header-less block of numbers (breast_cancer.csv in
sklearn/datasets/data) whose label is 0/1; people bring files with a header row of readable
names and a label in words. So this writes the same 569 rows, every measurement exactly as
scikit-learn reads it, with columns named as `load_breast_cancer().feature_names` (spaces as
underscores) and the label `diagnosis` as "malignant" or "benign". The rows are shuffled with a
fixed seed: the original order starts with a long run of malignant cases, so a preview of the
first rows would show one class only. Run `python make_data.py` to write the same file again.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from sklearn.datasets import load_breast_cancer

SEED = 20261202
LABEL = "diagnosis"


def main() -> None:
    data = load_breast_cancer()
    columns = [name.replace(" ", "_") for name in data.feature_names] + [LABEL]
    rows = [[repr(float(v)) for v in features] + [str(data.target_names[target])]
            for features, target in zip(data.data, data.target, strict=True)]
    random.Random(SEED).shuffle(rows)
    path = Path(__file__).with_name("data") / "breast_cancer.csv"
    path.parent.mkdir(exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {path}")


if __name__ == "__main__":
    main()
