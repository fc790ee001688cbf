"""cluster: its segments, profile, metrics and charts equal scikit-learn's KMeans and pandas on the same real data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.datasets import load_wine
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.preprocessing import StandardScaler

from jimu.errors import SpecError
from jimu.runtime.exit_codes import FATAL_EXIT_CODE
from tests.components.charts import charts_of, values

FEATURES = ["alcohol", "malic_acid", "color_intensity", "proline", "flavanoids"]


@pytest.fixture(scope="module")
def wine() -> pd.DataFrame:
    """The wine data with an id column (numeric: it must be excluded) and a text column the default skips."""
    frame = load_wine(as_frame=True).frame.rename(columns={"od280/od315_of_diluted_wines": "od280_od315"})
    frame.insert(0, "wine_id", np.arange(1000, 1000 + len(frame)))
    frame["cultivar"] = frame.pop("target").map({0: "barolo", 1: "grignolino", 2: "barbera"})
    return frame


def kmeans_by_sklearn(x: np.ndarray, k: int, scale: bool, seed: int) -> tuple[np.ndarray, np.ndarray, KMeans]:
    """Segments as the component documents them: KMeans (10 starts), numbered 1.. by size, largest first."""
    space = StandardScaler().fit_transform(x) if scale else x
    model = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(space)
    sizes = pd.Series(model.labels_).value_counts()
    # Largest first; equal sizes in KMeans' label order.
    ranking = sorted(sizes.index, key=lambda label: (-sizes[label], label))
    renumber = {label: number for number, label in enumerate(ranking, start=1)}
    return np.array([renumber[label] for label in model.labels_]), space, model


@pytest.mark.parametrize("scale", [True, False])
def test_segments_equal_sklearn_kmeans_and_the_profile_pandas_groupby(wine, run_component, scale):
    run = run_component("cluster", {"segments": 3, "features": FEATURES, "scale": scale, "seed": 7},
                        {"table": wine})
    assert run.exit_code == 0, run.result
    out = run.table("table")
    expected, space, model = kmeans_by_sklearn(wine[FEATURES].to_numpy(float), 3, scale, 7)
    assert out["segment"].tolist() == expected.tolist()
    pd.testing.assert_frame_equal(out.drop(columns="segment"), wine)
    profile = run.table("profile")
    grouped = wine[FEATURES].groupby(expected)
    assert profile["segment"].tolist() == [1, 2, 3]
    assert profile["rows"].tolist() == grouped.size().tolist()
    assert profile["rows"].is_monotonic_decreasing
    assert profile["share"].to_numpy() == pytest.approx((grouped.size() / len(wine)).to_numpy())
    assert profile[FEATURES].to_numpy() == pytest.approx(grouped.mean().to_numpy())
    metrics = run.metrics()
    assert metrics["inertia"] == pytest.approx(model.inertia_)
    assert metrics["silhouette"] == pytest.approx(silhouette_score(space, expected))
    assert (metrics["segments"], metrics["rows"], metrics["rows_segmented"]) == (3, 178, 178)


def test_scaling_matters_on_the_wine_data(wine, run_component):
    """proline (hundreds) swamps the rest unscaled; scaled, the segments follow the cultivars far better."""
    agreement = {}
    for scale in (True, False):
        run = run_component("cluster", {"segments": 3, "features": FEATURES, "scale": scale}, {"table": wine})
        agreement[scale] = adjusted_rand_score(wine["cultivar"], run.table("table")["segment"])
    assert agreement[True] > 0.7 > agreement[False]


def test_default_features_are_the_numeric_columns_not_excluded(wine, run_component):
    run = run_component("cluster", {"segments": 4, "exclude": ["wine_id"]}, {"table": wine})
    assert run.exit_code == 0, run.result
    numeric = [c for c in wine.columns if c not in ("wine_id", "cultivar")]
    assert run.metrics()["features"] == numeric
    expected, _, _ = kmeans_by_sklearn(wine[numeric].to_numpy(float), 4, True, 42)
    assert run.table("table")["segment"].tolist() == expected.tolist()


def test_charts_hold_the_sizes_and_the_z_scores_of_the_means(wine, run_component):
    run = run_component("cluster", {"segments": 3, "features": FEATURES}, {"table": wine})
    charts = charts_of(run, "profile")
    assert sorted(charts) == ["segment_profiles", "segment_sizes"]
    segment = run.table("table")["segment"]
    sizes = {v["segment"]: v["rows"] for v in values(charts["segment_sizes"])}
    assert sizes == segment.value_counts().to_dict()
    means = wine[FEATURES].groupby(segment).mean()
    z = (means - wine[FEATURES].mean()) / wine[FEATURES].std(ddof=0)
    cells = values(charts["segment_profiles"])
    assert len(cells) == 3 * len(FEATURES)
    for cell in cells:
        assert cell["mean"] == pytest.approx(means.loc[cell["segment"], cell["feature"]])
        assert cell["z"] == pytest.approx(z.loc[cell["segment"], cell["feature"]])


def test_rows_missing_a_feature_get_no_segment_and_a_warning(wine, run_component):
    holed = wine.copy()
    holed.loc[[3, 50, 120], "proline"] = np.nan
    run = run_component("cluster", {"segments": 3, "features": FEATURES}, {"table": holed})
    assert run.exit_code == 0, run.result
    out = run.table("table")
    assert out["segment"].isna().tolist() == holed["proline"].isna().tolist()
    complete = holed.dropna(subset=FEATURES)
    expected, _, _ = kmeans_by_sklearn(complete[FEATURES].to_numpy(float), 3, True, 42)
    assert out["segment"].dropna().astype(int).tolist() == expected.tolist()
    assert run.table("profile")["rows"].sum() == len(complete) == run.metrics()["rows_segmented"]
    assert any("3 row(s) miss a value" in w for w in run.result["warnings"])


def test_more_rows_than_the_silhouette_sample_score_a_seeded_sample(run_component):
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(rng.normal(size=(3000, 3)) + rng.integers(0, 3, size=(3000, 1)) * 4, columns=list("abc"))
    run = run_component("cluster", {"segments": 3, "seed": 5}, {"table": frame})
    expected, space, _ = kmeans_by_sklearn(frame.to_numpy(), 3, True, 5)
    assert run.metrics()["silhouette"] == pytest.approx(silhouette_score(space, expected, sample_size=2000,
                                                                         random_state=5))


@pytest.mark.parametrize(("params", "message"), [
    ({"features": ["alcohol", "nope"]}, "param 'features': the input table has no column 'nope'"),
    ({"features": ["alcohol", "cultivar"]}, "param 'features': column 'cultivar' is"),
    ({"exclude": ["wine_id", "gone"]}, "param 'exclude': the input table has no column 'gone'"),
    ({"features": ["alcohol"], "exclude": ["alcohol"]}, "no numeric column is left"),
])
def test_a_bad_column_choice_fails_naming_the_param(wine, run_component, capfd, params, message):
    run = run_component("cluster", params, {"table": wine})
    assert run.exit_code == FATAL_EXIT_CODE
    assert message in capfd.readouterr().err


def test_fewer_rows_than_segments_and_a_taken_column_are_refused(wine, run_component, capfd):
    run = run_component("cluster", {"segments": 5}, {"table": wine.head(4)})
    assert run.exit_code == FATAL_EXIT_CODE
    assert "param 'segments': 5 segments need at least as many rows" in capfd.readouterr().err
    run = run_component("cluster", {}, {"table": wine.assign(segment=1)})
    assert run.exit_code == FATAL_EXIT_CODE
    assert "already has a column 'segment'" in capfd.readouterr().err
    with pytest.raises(SpecError, match="segments"):
        run_component("cluster", {"segments": 1}, {"table": wine})
