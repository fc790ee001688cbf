"""Segment rows with scikit-learn's KMeans; profile each segment and chart the segments (jimu.runtime.chart_specs)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler

from jimu.runtime import FatalError, chart_specs
from jimu.runtime.features import check_new_columns, complete_rows, feature_columns

SEGMENT_COLUMN = "segment"
PROFILE_HEAD = ["segment", "rows", "share"]
STARTS = 10  # KMeans n_init: the best of this many k-means++ starts
# The silhouette compares every pair of rows; beyond this many it is computed on a sample of them.
SILHOUETTE_SAMPLE = 2000
DARK_Z = 1.2  # |z| beyond which a heat map cell is dark


def fit_segments(x: np.ndarray, segments: int, scale: bool, seed: int) -> tuple[np.ndarray, np.ndarray, KMeans]:
    """(segment per row numbered 1.. by size, largest first; the clustered space; the fitted KMeans)."""
    space = StandardScaler().fit_transform(x) if scale else x
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # fewer distinct points than segments: said below
        model = KMeans(n_clusters=segments, n_init=STARTS, random_state=seed).fit(space)
    return number_by_size(model.labels_), space, model


def number_by_size(labels: np.ndarray) -> np.ndarray:
    """KMeans' labels are arbitrary; people read segment 1 as the biggest. Ties keep KMeans' order."""
    sizes = np.bincount(labels)
    order = np.argsort(-sizes, kind="stable")
    number = np.empty_like(order)
    number[order] = np.arange(1, len(order) + 1)
    return number[labels]


def segment_profile(rows: pd.DataFrame, segment: np.ndarray, features: list[str]) -> pd.DataFrame:
    """One row per segment: its size, its share of the segmented rows and the mean of each feature."""
    grouped = rows[features].astype(float).groupby(segment)
    profile = grouped.mean()
    profile.insert(0, "share", grouped.size() / len(rows))
    profile.insert(0, "rows", grouped.size())
    return profile.rename_axis("segment").reset_index()


def silhouette(space: np.ndarray, segment: np.ndarray, seed: int) -> float | str:
    """The silhouette score, or why there is none."""
    found = len(np.unique(segment))
    if not 2 <= found <= len(segment) - 1:
        return f"it needs 2 to {len(segment) - 1} segments with rows, and {found} have some"
    sample = SILHOUETTE_SAMPLE if len(segment) > SILHOUETTE_SAMPLE else None
    return float(silhouette_score(space, segment, sample_size=sample, random_state=seed))


def sizes_chart(profile: pd.DataFrame) -> dict[str, Any]:
    """Bars of rows per segment, with each segment's share."""
    values = [{"segment": int(row.segment), "rows": int(row.rows), "share": float(row.share)}
              for row in profile.itertuples()]
    return chart_specs.spec(
        "segment_sizes", "Segment sizes", values, mark="bar",
        encoding={"x": {"field": "segment", "type": "ordinal", "title": "Segment", "axis": {"labelAngle": 0}},
                  "y": {"field": "rows", "type": "quantitative", "title": "Rows"},
                  "tooltip": [{"field": "segment"}, {"field": "rows"},
                              {"field": "share", "type": "quantitative", "format": ".1%"}]},
    )


def profile_chart(profile: pd.DataFrame, rows: pd.DataFrame, features: list[str]) -> dict[str, Any]:
    """A heat map of each segment's mean of each feature as a z-score against all segmented rows.

    z = (segment mean - mean) / standard deviation (ddof=0, as StandardScaler), so features in
    different units share one colour scale; the cell's tooltip keeps the mean in the data's units.
    """
    overall = rows[features].astype(float)
    center, spread = overall.mean(), overall.std(ddof=0).replace(0, 1.0)
    values = [{"segment": int(row["segment"]), "feature": str(name), "mean": float(row[name]),
               "z": (float(row[name]) - float(center[name])) / float(spread[name])}
              for row in profile.to_dict("records") for name in features]
    return chart_specs.spec(
        "segment_profiles", "Segment profiles (z-scores of the means)", values,
        height=max(120, 24 * len(features)), meta={"features": [str(f) for f in features]},
        encoding={"x": {"field": "segment", "type": "ordinal", "title": "Segment", "axis": {"labelAngle": 0}},
                  "y": {"field": "feature", "type": "nominal", "sort": [str(f) for f in features],
                        "title": "Feature"}},
        layer=[
            {"mark": "rect",
             "encoding": {"color": {"field": "z", "type": "quantitative", "title": "z-score",
                                    "scale": {"scheme": "redblue", "reverse": True, "domainMid": 0}},
                          "tooltip": [{"field": "segment"}, {"field": "feature"},
                                      {"field": "mean", "type": "quantitative", "format": ".4~g"},
                                      {"field": "z", "type": "quantitative", "format": ".2f"}]}},
            {"mark": {"type": "text", "fontSize": 11},
             "encoding": {"text": {"field": "z", "type": "quantitative", "format": ".1f"},
                          # Light text on the dark cells at either end of the colour scale.
                          "color": {"condition": {"test": f"abs(datum.z) > {DARK_Z}", "value": "white"},
                                    "value": "black"}}},
        ],
    )


def run(ctx) -> None:
    frame = ctx.read_table("table")
    segments, scale, seed = ctx.params["segments"], ctx.params["scale"], ctx.params["seed"]
    check_new_columns(frame, [SEGMENT_COLUMN])
    features = feature_columns(frame, ctx.params)
    clash = [name for name in features if name in PROFILE_HEAD]
    if clash:
        raise FatalError(f"feature {clash[0]!r} has the name of a profile column ({', '.join(PROFILE_HEAD)}); "
                         "rename it first (sql) or leave it out of 'features'")
    complete = complete_rows(frame, features)
    rows = frame.loc[complete]
    if len(rows) < segments:
        raise FatalError(f"param 'segments': {segments} segments need at least as many rows with every feature, "
                         f"and the table has {len(rows)}; lower 'segments' or fill in the missing values (impute)")
    if not complete.all():
        ctx.warn(f"{int((~complete).sum())} row(s) miss a value of a feature ({', '.join(features)}) "
                 "and get no segment; fill them in first (impute) to segment them")
    segment, space, model = fit_segments(rows[features].to_numpy(dtype=float), segments, scale, seed)
    found = len(np.unique(segment))
    if found < segments:
        ctx.warn(f"only {found} of {segments} segments have rows: the rows take fewer distinct values; "
                 "lower param 'segments'")
    column = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    column[complete] = segment
    ctx.write_table("table", frame.assign(**{SEGMENT_COLUMN: column}))
    profile = segment_profile(rows, segment, features)
    ctx.write_table("profile", profile)
    ctx.write_chart("profile", "segment_sizes", sizes_chart(profile))
    ctx.write_chart("profile", "segment_profiles", profile_chart(profile, rows, features))
    metrics: dict[str, Any] = {"segments": found, "rows": len(frame), "rows_segmented": len(rows),
                               "inertia": float(model.inertia_), "features": [str(f) for f in features]}
    score = silhouette(space, segment, seed)
    if isinstance(score, float):
        metrics["silhouette"] = score
    else:
        ctx.log(f"silhouette left out: {score}")
    ctx.write_metrics("metrics", metrics)
    ctx.log(f"{len(rows)} row(s) in {found} segment(s) of {', '.join(map(str, features))}; "
            f"sizes {', '.join(str(n) for n in profile['rows'])}")
