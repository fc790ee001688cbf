"""Score how unusual each row is with scikit-learn's IsolationForest, flag the most unusual share, chart the scores."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.ensemble import IsolationForest

from jimu.runtime import chart_specs
from jimu.runtime.features import check_new_columns, complete_rows, feature_columns

SCORE_COLUMN, FLAG_COLUMN = "anomaly_score", "anomaly"
BINS = 30


def score_rows(x: np.ndarray, share: float, trees: int, seed: int) -> tuple[np.ndarray, np.ndarray, float]:
    """(score per row, higher is more unusual; flagged per row; the score above which a row is flagged)."""
    forest = IsolationForest(n_estimators=trees, contamination=share, random_state=seed).fit(x)
    # score_samples is the opposite of the paper's anomaly score; offset_ is where contamination cuts.
    score = -forest.score_samples(x)
    return score, forest.predict(x) == -1, float(-forest.offset_)


def scores_chart(score: np.ndarray, flagged: np.ndarray, threshold: float) -> dict[str, Any]:
    """Bars of rows per score bin, flagged and not flagged stacked, with the threshold as a line."""
    edges = np.histogram_bin_edges(score, bins=BINS)
    values = []
    for label, rows in (("usual", score[~flagged]), ("flagged", score[flagged])):
        counts, _ = np.histogram(rows, bins=edges)
        values += [{"bin_start": float(edges[i]), "bin_end": float(edges[i + 1]), "rows": int(c), "group": label}
                   for i, c in enumerate(counts)]
    return chart_specs.spec(
        "anomaly_scores", "Anomaly scores", values, meta={"threshold": threshold, "flagged": int(flagged.sum())},
        layer=[
            {"mark": "bar",
             "encoding": {"x": {"field": "bin_start", "type": "quantitative", "bin": {"binned": True},
                                "title": "Anomaly score"},
                          "x2": {"field": "bin_end"},
                          "y": {"field": "rows", "type": "quantitative", "title": "Rows", "stack": True},
                          "color": {"field": "group", "type": "nominal", "title": "",
                                    "scale": {"domain": ["usual", "flagged"], "range": ["#9ecae1", "#d62728"]}}}},
            {"mark": {"type": "rule", "color": "black", "strokeDash": [4, 4]}, "data": {"values": [{}]},
             "encoding": {"x": {"datum": threshold}}},
        ],
    )


def run(ctx) -> None:
    frame = ctx.read_table("table")
    share, trees, seed = ctx.params["share"], ctx.params["trees"], ctx.params["seed"]
    check_new_columns(frame, [SCORE_COLUMN, FLAG_COLUMN])
    features = feature_columns(frame, ctx.params)
    complete = complete_rows(frame, features)
    if not complete.any():
        ctx.fail(f"no row has a value in every feature ({', '.join(map(str, features))}); "
                 "fill in the missing values first (impute) or choose other features")
    if not complete.all():
        ctx.warn(f"{int((~complete).sum())} row(s) miss a value of a feature ({', '.join(map(str, features))}) "
                 "and are not scored; fill them in first (impute) to score them")
    score, flagged, threshold = score_rows(frame.loc[complete, features].to_numpy(dtype=float), share, trees, seed)
    scores = pd.Series(np.nan, index=frame.index)
    scores[complete] = score
    flags = pd.Series(pd.NA, index=frame.index, dtype="boolean")
    flags[complete] = flagged
    ctx.write_table("table", frame.assign(**{SCORE_COLUMN: scores, FLAG_COLUMN: flags}))
    ctx.write_metrics("metrics", {
        "rows": len(frame), "rows_scored": int(complete.sum()), "flagged": int(flagged.sum()),
        "flagged_share": float(flagged.mean()), "threshold": threshold, "features": [str(f) for f in features],
    })
    ctx.write_chart("metrics", "anomaly_scores", scores_chart(score, flagged, threshold))
    ctx.log(f"flagged {int(flagged.sum())} of {int(complete.sum())} row(s) scored on {', '.join(map(str, features))}")
