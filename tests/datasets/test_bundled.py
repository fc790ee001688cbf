"""Files a template ships count as datasets; no other package's files, and no path out of a template, ever do."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from jimu.datasets.bundled import bundled_path
from jimu.datasets.store import DatasetStore

SALES = "package://jimu.templates.daily_sales/data/sales.csv"
TEMPLATES = bundled_path(SALES).parents[2]


def test_a_template_file_is_described_as_pandas_reads_it(tmp_path):
    store = DatasetStore(tmp_path / "datasets")
    info = store.describe(SALES)
    expected = pd.read_csv(bundled_path(SALES))
    assert info.bundled and info.uri == SALES and info.rows == len(expected)
    assert store.columns_of(SALES) == list(expected.columns)
    assert [c.type for c in info.columns][:2] == ["text", "date"]
    assert [row["quantity"] for row in store.preview_of(info, 5)] == list(expected["quantity"].head(5))
    assert not (tmp_path / "datasets").exists()  # describing stores nothing


@settings(max_examples=300, deadline=None)
@given(package=st.sampled_from(["jimu.templates.daily_sales", "jimu.templates", "sklearn.datasets", "jimu",
                                "jimu.templates.wine_quality", "jimu.templates.Daily_sales", "os"]),
       inner=st.lists(st.sampled_from(["..", ".", "data", "sales.csv", "pipeline.json", "", "/", "\\", "\0",
                                       "__init__.py", "%2e%2e", "~"]), max_size=5).map("/".join))
def test_no_uri_leads_outside_a_template_folder(package, inner):
    path = bundled_path(f"package://{package}/{inner}")
    if path is not None:
        assert path.is_file() and path.resolve().is_relative_to(TEMPLATES.resolve())
        assert package.startswith("jimu.templates.") and ".." not in inner.split("/")
