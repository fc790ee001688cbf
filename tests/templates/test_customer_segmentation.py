"""The customer segmentation template as a business user runs it, with its bundled data and with an uploaded
CSV: the exported segments and profile equal scikit-learn's KMeans and a pandas groupby on the same file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_wine

from jimu.datasets.store import DatasetStore
from jimu.template.catalog import TemplateCatalog
from jimu.template.instantiate import instantiate
from tests.components.test_cluster import kmeans_by_sklearn
from tests.conftest import REPO
from tests.templates.instantiated import (
    exported,
    form_problems,
    instantiate_and_run,
    load_make_data,
    unique_export,
    upload_csv,
)

FOLDER = REPO / "templates" / "customer_segmentation"
ORDERS = FOLDER / "data" / "orders.csv"


def assert_segmented_as_sklearn(source: pd.DataFrame, id_column: str, segments: int, customers: pd.DataFrame,
                                profile: pd.DataFrame) -> None:
    """The template's two exports against KMeans on every numeric column but the id, scaled, seed 42."""
    features = [c for c in source.select_dtypes("number").columns if c != id_column]
    expected, _, _ = kmeans_by_sklearn(source[features].to_numpy(float), segments, True, 42)
    assert customers["segment"].tolist() == expected.tolist()
    pd.testing.assert_frame_equal(customers.drop(columns="segment"), source, check_dtype=False)
    grouped = source[features].groupby(expected)
    assert profile["segment"].tolist() == list(range(1, segments + 1))
    assert profile["rows"].tolist() == grouped.size().tolist()
    assert profile["share"].to_numpy() == pytest.approx((grouped.size() / len(source)).to_numpy())
    assert list(profile.columns) == ["segment", "rows", "share", *features]
    assert profile[features].to_numpy() == pytest.approx(grouped.mean().to_numpy())


@pytest.mark.slow
def test_defaults_segment_the_bundled_orders_as_sklearn_does(tmp_path):
    files = {"segments_file": unique_export("segments", "customers.csv"),
             "profile_file": unique_export("segments", "segments.csv")}
    stdout = instantiate_and_run("customer_segmentation", files, tmp_path)
    assert "customer_segmentation: success" in stdout
    source = pd.read_csv(ORDERS)
    customers = pd.read_csv(exported(files["segments_file"]))
    profile = pd.read_csv(exported(files["profile_file"]))
    assert_segmented_as_sklearn(source, "order_id", 4, customers, profile)


@pytest.mark.slow
def test_an_uploaded_csv_is_segmented_by_the_columns_chosen(tmp_path):
    wine = load_wine(as_frame=True).frame.rename(columns={"od280/od315_of_diluted_wines": "od280_od315"})
    wine.insert(0, "wine_id", np.arange(5001, 5001 + len(wine)))  # numeric: only the id field keeps it out
    wine["cultivar"] = wine.pop("target").map({0: "barolo", 1: "grignolino", 2: "barbera"})
    info = upload_csv(wine, "wines.csv")
    files = {"segments_file": unique_export("segments", "wines.csv"),
             "profile_file": unique_export("segments", "wine_segments.csv")}
    instantiate_and_run("customer_segmentation",
                        {"customers": info.uri, "id_column": "wine_id", "segments": 3, **files}, tmp_path)
    customers = pd.read_csv(exported(files["segments_file"]))
    assert_segmented_as_sklearn(wine, "wine_id", 3, customers, pd.read_csv(exported(files["profile_file"])))
    assert "wine_id" not in pd.read_csv(exported(files["profile_file"])).columns


@pytest.fixture(scope="module")
def template(catalog):
    return TemplateCatalog.from_dirs(catalog).require("customer_segmentation")


@pytest.mark.parametrize(("values", "lang", "field", "message"), [
    ({"segments": 20}, "en", "segments", "Number of segments must be between 2 and 12"),
    ({"segments": 1}, "zh", "segments", "分群数必须在 2 到 12 之间"),
    ({"id_column": "customer"}, "en", "id_column",
     "Customer id column must be a column of Customer data: order_id, sale_date, store, products, units, spend, "
     "avg_price, promo_share, teaware_share"),
    ({"customers": "/etc/passwd"}, "en", "customers",
     "Customer data: pick one of the uploaded datasets, or upload a file"),
])
def test_a_bad_value_names_the_field(template, values, lang, field, message):
    assert form_problems(template, values, lang) == [(field, message)]


def test_the_id_column_is_checked_against_an_uploaded_dataset(template):
    info = upload_csv(pd.DataFrame({"member": ["a", "b", "c"], "visits": [1, 5, 9], "spend": [10.0, 2.5, 7.0]}),
                      "members.csv")
    pipeline = instantiate(template, {"customers": info.uri, "id_column": "member"},
                           dataset_columns=DatasetStore().columns_of)
    assert pipeline["params"]["id_column"]["default"] == "member"
    assert form_problems(template, {"customers": info.uri, "id_column": "order_id"}) == [
        ("id_column", "Customer id column must be a column of Customer data: member, visits, spend")]


def test_the_bundled_orders_are_what_make_data_writes():
    module = load_make_data(FOLDER)
    assert module.orders(module.sold_lines()).to_csv(index=False, lineterminator="\n") == ORDERS.read_text()


def test_the_bundled_orders_add_up_to_the_cleaned_extract():
    """An independent check of make_data: the orders' units and spend are the cleaned sales lines' own sums."""
    from tests.templates.sales import clean_by_pandas

    sold = clean_by_pandas()
    sold = sold[sold["quantity"] > 0]
    orders = pd.read_csv(ORDERS)
    assert len(orders) == sold["order_id"].nunique()
    assert orders["units"].sum() == sold["quantity"].sum()
    assert orders["spend"].sum() == pytest.approx((sold["quantity"] * sold["unit_price"]).sum(), abs=0.01 * len(orders))
    assert orders["products"].tolist() == sold.groupby("order_id")["product"].nunique().sort_index().tolist()
