"""profile: its table and the numbers in its charts equal pandas and numpy on the same real data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_wine

from tests.components.charts import charts_of, values


@pytest.fixture(scope="module")
def wine() -> pd.DataFrame:
    """The wine data with holes punched in two columns and a text column, as real tables have."""
    frame = load_wine(as_frame=True).frame
    rng = np.random.default_rng(0)
    frame.loc[rng.choice(len(frame), 20, replace=False), "alcohol"] = np.nan
    frame.loc[rng.choice(len(frame), 7, replace=False), "magnesium"] = np.nan
    frame["cultivar"] = frame["target"].map({0: "barolo", 1: "grignolino", 2: "barbera"})
    frame.loc[[3, 5], "cultivar"] = None
    frame["empty"] = np.nan
    return frame


def test_profile_table_equals_pandas(wine, run_component):
    run = run_component("profile", {}, {"table": wine})
    assert run.exit_code == 0
    profile = run.table("profile").set_index("column")
    assert list(profile.index) == list(wine.columns)
    assert profile["missing"].to_dict() == wine.isna().sum().to_dict()
    assert profile["distinct"].to_dict() == wine.nunique().to_dict()
    assert len(wine) == 178 and (profile["rows"] == 178).all()
    numeric = wine.drop(columns=["cultivar", "empty"])
    assert profile.loc[numeric.columns, "mean"].to_numpy() == pytest.approx(numeric.mean().to_numpy())
    assert profile.loc[numeric.columns, "std"].to_numpy() == pytest.approx(numeric.std().to_numpy())
    assert profile.loc[numeric.columns, "min"].to_numpy() == pytest.approx(numeric.min().to_numpy())
    assert profile.loc[numeric.columns, "max"].to_numpy() == pytest.approx(numeric.max().to_numpy())
    assert profile.loc["cultivar", "most_frequent"] == wine["cultivar"].value_counts().index[0] == "grignolino"
    assert pd.isna(profile.loc["cultivar", "mean"]) and pd.isna(profile.loc["empty", "max"])


def test_charts_equal_numpy_histogram_and_value_counts(wine, run_component):
    run = run_component("profile", {"bins": 8}, {"table": wine})
    charts = charts_of(run, "profile")
    missing = {v["column"]: v["missing"] for v in values(charts["missing_values"])}
    assert missing == wine.isna().sum().to_dict() and list(missing) == list(wine.columns)
    by_column = {spec["usermeta"]["jimu"]["column"]: spec for name, spec in charts.items() if name != "missing_values"}
    assert "empty" not in by_column  # nothing to draw: no distribution chart, the missing chart says why
    for name in wine.columns.drop(["cultivar", "empty"]):
        counts, edges = np.histogram(wine[name].dropna(), bins=8)
        bars = values(by_column[name])
        assert [b["count"] for b in bars] == counts.tolist(), name
        assert [b["bin_start"] for b in bars] == pytest.approx(edges[:-1].tolist())
        assert [b["bin_end"] for b in bars] == pytest.approx(edges[1:].tolist())
        assert sum(b["count"] for b in bars) == wine[name].notna().sum()
    top = by_column["cultivar"]
    assert {v["value"]: v["count"] for v in values(top)} == wine["cultivar"].value_counts().to_dict()
    assert top["usermeta"]["jimu"]["other_rows"] == 0


def test_top_values_keep_the_most_frequent_and_count_the_rest(wine, run_component):
    run = run_component("profile", {"top_values": 2, "chart_columns": 200}, {"table": wine})
    top = next(spec for spec in charts_of(run, "profile").values() if spec["usermeta"]["jimu"].get("column") == "cultivar")
    expected = wine["cultivar"].value_counts()
    assert [(v["value"], v["count"]) for v in values(top)] == list(expected.head(2).items())
    assert top["usermeta"]["jimu"]["other_rows"] == expected.iloc[2:].sum()


def test_chart_columns_limits_the_charts_and_warns(wine, run_component):
    run = run_component("profile", {"chart_columns": 3}, {"table": wine})
    assert run.exit_code == 0
    assert sorted(charts_of(run, "profile")) == ["distribution_000", "distribution_001", "distribution_002",
                                                 "missing_values"]
    assert any("first 3 of 16 columns" in warning for warning in run.result["warnings"])
    assert len(run.table("profile")) == 16  # the table still describes every column
