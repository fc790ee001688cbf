"""Writes data/diabetes.csv: scikit-learn's diabetes data (Efron et al., 2004) as one CSV with named columns.

scikit-learn ships the 442 patients' raw (unscaled) measurements and their target as two
header-less files, diabetes_data_raw.csv.gz (space-separated) and diabetes_target.csv.gz, in
sklearn/datasets/data. People bring one table with a header row of readable names, so this joins
them row by row, keeping every value as the files write it, under the names the dataset's
description gives (s1..s6 spelled out) and the target as `progression`: a measure of the
disease's progression one year after the baseline measurements. Run `python make_data.py` to
write the same file again.
"""

from __future__ import annotations

import csv
import gzip
from importlib.resources import files
from pathlib import Path

# In the order of the raw file's columns; sex is coded 1 or 2, as in the source.
FEATURES = ["age", "sex", "bmi", "blood_pressure", "total_cholesterol", "ldl", "hdl", "cholesterol_hdl_ratio",
            "log_triglycerides", "blood_sugar"]
TARGET = "progression"


def read_lines(name: str) -> list[str]:
    with gzip.open(files("sklearn.datasets") / "data" / name, "rt", encoding="utf-8") as source:
        return [line.strip() for line in source if line.strip()]


def main() -> None:
    measurements = [line.split() for line in read_lines("diabetes_data_raw.csv.gz")]
    # The target file writes integers as 1.510000000000000000e+02.
    targets = [f"{float(line):g}" for line in read_lines("diabetes_target.csv.gz")]
    if len(measurements) != len(targets) or any(len(row) != len(FEATURES) for row in measurements):
        raise SystemExit("sklearn's diabetes files do not have the expected shape; check the installed version")
    path = Path(__file__).with_name("data") / "diabetes.csv"
    path.parent.mkdir(exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([*FEATURES, TARGET])
        writer.writerows([*row, target] for row, target in zip(measurements, targets, strict=True))
    print(f"wrote {len(targets)} rows to {path}")


if __name__ == "__main__":
    main()
