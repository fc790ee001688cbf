"""What writing charts adds to an evaluate node: evaluate 1.1.0 (metrics + charts) vs 1.0.0 (metrics only).

Both versions run the same `run(ctx)` path in this process (`jimu.testing.run_component`, the
entry's main) on the same stored model and held-out rows, interleaved. 1.0.0 is taken from git:
the last commit whose components/evaluate folder has the digest components/published.json
records for it, so the baseline is exactly the published previous version.

Cases: breast cancer (random forest, 100 trees; confusion matrix, ROC curve, feature importance),
diabetes (linear regression; predicted vs actual, residuals, |coef|), and 100,000 synthetic
regression rows (the scatter charts thinned to chart_specs.MAX_POINTS points).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    REPO,
    Row,
    interleaved,
    isolated_home,
    machine_summary,
    median,
    parse_args,
    print_table,
    section,
    spread,
)

EVALUATE = "components/evaluate"


def git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(REPO), *args], check=True, capture_output=True, text=True).stdout


def published_folder(version: str, into: Path) -> Path:
    """The evaluate folder as it was published at `version`, checked out of git and checked by digest."""
    from jimu.registry.digest import folder_digest

    wanted = json.loads((REPO / "components" / "published.json").read_text())["evaluate"][version]
    for commit in git("log", "--format=%H", "--", EVALUATE).split():
        folder = into / commit[:12] / "evaluate"
        folder.mkdir(parents=True)
        for path in git("ls-tree", "-r", "--name-only", commit, "--", EVALUATE).split():
            (folder / Path(path).relative_to(EVALUATE)).write_bytes(
                subprocess.run(["git", "-C", str(REPO), "show", f"{commit}:{path}"], check=True,
                               capture_output=True).stdout)
        if folder_digest(folder) == wanted:
            return folder
    raise SystemExit(f"no commit holds evaluate {version} as published ({wanted}); is this a full clone?")


def case_inputs(root: Path, name: str, frame, estimator, task: str) -> dict[str, str]:
    """A model fitted on 70% of the rows and stored as train stores it, and the other 30% as a table."""
    import pyarrow as pa
    from sklearn.model_selection import train_test_split

    from jimu.runtime import storage
    from jimu.runtime.models import write_model

    features = [c for c in frame.columns if c != "target"]
    train, test = train_test_split(frame, test_size=0.3, random_state=0)
    estimator.fit(train[features], train["target"])
    card = {"task": task, "features": features, "label": "target", "algorithm": "bench", "trained_rows": len(train)}
    if task == "classification":
        card["classes"] = estimator.classes_.tolist()
    model, table = str(root / name / "model"), str(root / name / "table")
    write_model(model, estimator, card)
    storage.write_table(table, pa.Table.from_pandas(test.reset_index(drop=True), preserve_index=False))
    return {"model": model, "table": table}


def cases(root: Path, quick: bool) -> dict[str, dict[str, str]]:
    import numpy as np
    import pandas as pd
    from sklearn.datasets import load_breast_cancer, load_diabetes, make_regression
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LinearRegression

    x, y = make_regression(n_samples=30_000 if quick else 330_000, n_features=10, noise=5.0, random_state=0)
    synthetic = pd.DataFrame(x, columns=[f"f{i}" for i in range(10)]).assign(target=y)
    return {
        "breast cancer, random forest (171 rows)": case_inputs(
            root, "cancer", load_breast_cancer(as_frame=True).frame,
            RandomForestClassifier(n_estimators=100, random_state=0), "classification"),
        "diabetes, linear regression (133 rows)": case_inputs(
            root, "diabetes", load_diabetes(as_frame=True).frame, LinearRegression(), "regression"),
        f"synthetic, linear regression ({int(len(synthetic) * 0.3 + 0.5):,} rows)": case_inputs(
            root, "synthetic", synthetic.astype(np.float64), LinearRegression(), "regression"),
    }


def main() -> int:
    args = parse_args(__doc__.splitlines()[0])
    root = isolated_home("evaluate_charts", keep=args.keep)
    from jimu.testing import run_component

    repeat = args.repeat or (3 if args.quick else 15)
    old = published_folder("1.0.0", Path(tempfile.mkdtemp(dir=root)))
    new = REPO / EVALUATE
    print(f"machine: {machine_summary()}")
    section(f"evaluate 1.1.0 (charts) vs 1.0.0 (from git {old.parent.name}), {repeat} interleaved rounds")
    rows, failures = [], []

    def runner(folder: Path, inputs: dict[str, str], workdir: Path):
        def run() -> None:
            result = run_component(folder, {}, inputs, workdir=workdir)
            if result.exit_code != 0:
                failures.append(f"{folder.parent.name}: exit {result.exit_code}")
        return run

    for index, (case, inputs) in enumerate(cases(root, args.quick).items()):
        work = root / f"case-{index}"
        times = interleaved({"1.1.0": runner(new, inputs, work / "new"), "1.0.0": runner(old, inputs, work / "old")},
                            repeat=repeat)
        print(f"   {case}: 1.1.0 {spread(times['1.1.0'])}; 1.0.0 {spread(times['1.0.0'])}")
        charts = sorted(p.name.removesuffix(".vl.json") for p in (work / "new" / "out" / "metrics" / "charts").iterdir())
        added = median(times["1.1.0"]) - median(times["1.0.0"])
        rows.append(Row("evaluate_charts", case, median(times["1.1.0"]), median(times["1.0.0"]),
                        baseline_name="evaluate 1.0.0", goal="< 50 ms added", ok=added < 0.05,
                        note=f"added {added * 1e3:.1f} ms for {len(charts)} charts: {', '.join(charts)}"))
    if failures:
        rows.append(Row("evaluate_charts", "failed runs", None, ok=False, note="FAILED: " + "; ".join(failures[:3])))
    print_table("evaluate: charts written vs not", rows)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
