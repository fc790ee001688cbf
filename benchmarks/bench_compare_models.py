"""What the champion costs a compare_models node: scoring the challenger and the served champion vs the challenger alone.

The same node (`jimu.testing.run_component`, the entry's main, in this process) on the same stored
challenger and held-out rows, interleaved: once with a champion served under the deployment name
(its record in $JIMU_HOME/deployments, as jimu.serving.manager writes it; no server needed to look
it up), once with nothing served (a first deployment: only the challenger is scored). The champion
is a model of the same kind fitted on the same rows with their labels shuffled: as costly to load and
score, and always beaten, so both sides end alike (the challenger copied on). The ratio is what a
second model's load and scoring add.

Cases: breast cancer (random forests of 100 trees of depth at most 6, so fitting noise does not grow
the champion's trees; accuracy), diabetes (linear regressions, rmse), and 99,000 synthetic regression
rows (linear regressions, rmse).
"""

from __future__ import annotations

import json
import sys
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

COMPONENT = REPO / "components" / "compare_models"
SERVED, NOTHING_SERVED = "champion", "nothing_served"


def case_inputs(root: Path, name: str, frame, make_estimator, task: str) -> dict[str, str]:
    """A challenger fitted on 70% of the rows, a champion on them with shuffled labels; the other 30% as a table."""
    import pyarrow as pa
    from sklearn.model_selection import train_test_split

    from jimu.runtime import storage
    from jimu.runtime.models import write_model

    features = [c for c in frame.columns if c != "target"]
    train, test = train_test_split(frame, test_size=0.3, random_state=0)
    uris = {}
    shuffled = train["target"].sample(frac=1, random_state=0).to_numpy()
    for who, labels in (("challenger", train["target"]), ("champion", shuffled)):
        estimator = make_estimator().fit(train[features], labels)
        uris[who] = str(root / name / who)
        write_model(uris[who], estimator, {"task": task, "features": features, "label": "target"})
    table = str(root / name / "table")
    storage.write_table(table, pa.Table.from_pandas(test.reset_index(drop=True), preserve_index=False))
    return {"model": uris["challenger"], "table": table, "champion": uris["champion"]}


def cases(root: Path, quick: bool) -> dict[str, tuple[str, dict[str, str]]]:
    import numpy as np
    import pandas as pd
    from sklearn.datasets import load_breast_cancer, load_diabetes, make_regression
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LinearRegression

    x, y = make_regression(n_samples=30_000 if quick else 330_000, n_features=10, noise=5.0, random_state=0)
    synthetic = pd.DataFrame(x, columns=[f"f{i}" for i in range(10)]).assign(target=y).astype(np.float64)
    return {
        "breast cancer, random forests (100 trees, depth 6), accuracy (171 rows)": ("accuracy", case_inputs(
            root, "cancer", load_breast_cancer(as_frame=True).frame,
            lambda: RandomForestClassifier(n_estimators=100, max_depth=6, random_state=0), "classification")),
        "diabetes, linear regressions, rmse (133 rows)": ("rmse", case_inputs(
            root, "diabetes", load_diabetes(as_frame=True).frame, LinearRegression, "regression")),
        f"synthetic, linear regressions, rmse ({int(len(synthetic) * 0.3 + 0.5):,} rows)": ("rmse", case_inputs(
            root, "synthetic", synthetic, LinearRegression, "regression")),
    }


def serve_record(home: Path, deployment: str, model_uri: str) -> None:
    folder = home / "deployments" / deployment
    folder.mkdir(parents=True)
    (folder / "state.json").write_text(json.dumps({"name": deployment, "model_uri": model_uri}), encoding="utf-8")


def main() -> int:
    args = parse_args(__doc__.splitlines()[0])
    home = isolated_home("compare_models", keep=args.keep) / "home"
    from jimu.testing import run_component

    repeat = args.repeat or (3 if args.quick else 15)
    print(f"machine: {machine_summary()}")
    section(f"compare_models with a champion served vs nothing served, {repeat} interleaved rounds")
    rows, failures = [], []

    def runner(deployment: str, metric: str, inputs: dict[str, str], workdir: Path):
        def run() -> None:
            result = run_component(COMPONENT, {"deployment": deployment, "metric": metric},
                                   {"model": inputs["model"], "table": inputs["table"]}, workdir=workdir)
            if result.exit_code != 0:  # the champion always loses: both sides pass the challenger on
                failures.append(f"{deployment}: exit {result.exit_code}")
        return run

    for index, (case, (metric, inputs)) in enumerate(cases(home.parent, args.quick).items()):
        deployment = f"{SERVED}_{index}"
        serve_record(home, deployment, inputs["champion"])
        work = home.parent / f"case-{index}"
        times = interleaved({
            "two": runner(deployment, metric, inputs, work / "two"),
            "one": runner(f"{NOTHING_SERVED}_{index}", metric, inputs, work / "one"),
        }, repeat=repeat)
        print(f"   {case}: champion served {spread(times['two'])}; nothing served {spread(times['one'])}")
        added = median(times["two"]) - median(times["one"])
        ratio = median(times["two"]) / median(times["one"])
        rows.append(Row("compare_models", case, median(times["two"]), median(times["one"]),
                        baseline_name="challenger alone", goal="< 2x", ok=ratio < 2,
                        note=f"the champion added {added * 1e3:.1f} ms"))
    if failures:
        rows.append(Row("compare_models", "failed runs", None, ok=False, note="FAILED: " + "; ".join(failures[:3])))
    print_table("compare_models: two models scored vs one", rows)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
