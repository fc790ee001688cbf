"""The spec builders: each holds exactly the numbers it is given, and scatter charts thin out large inputs evenly."""

from __future__ import annotations

import numpy as np
import pytest

from jimu.runtime import chart_specs
from tests.components.charts import vega_lite_errors


def test_scatter_charts_show_at_most_max_points_evenly_spread():
    actual = np.arange(10_001, dtype=float)
    chart = chart_specs.residuals_chart(actual, actual * 0.5)
    rows = [v["row"] for v in chart["data"]["values"]]
    assert len(rows) <= chart_specs.MAX_POINTS and rows[0] == 0 and rows[-1] >= 10_000 - 6
    assert set(np.diff(rows)) == {6}  # one row in six: evenly through the table, not its head
    assert [v["residual"] for v in chart["data"]["values"]] == pytest.approx([r * 0.5 for r in rows])
    assert chart["usermeta"]["jimu"] == {"kind": "residuals", "rows": 10_001, "rows_shown": len(rows)}


def test_the_roc_curve_carries_no_infinity():
    chart = chart_specs.roc_curve_chart([0, 0.5, 1], [0, 0.8, 1], [np.inf, 0.7, 0.1], 0.9, 1)
    assert [v["threshold"] for v in chart["data"]["values"]] == [None, 0.7, 0.1]


@pytest.mark.parametrize("chart", [
    chart_specs.confusion_matrix_chart([[5, 1], [0, 7]], ["no", "yes"]),
    chart_specs.roc_curve_chart([0, 1], [0, 1], [np.inf, 0.1], 0.5, "yes"),
    chart_specs.feature_importance_chart(["a", "b"], [0.2, 0.8], "feature_importances_"),
    chart_specs.predicted_vs_actual_chart([1.0, 2.0], [1.5, 1.5]),
    chart_specs.residuals_chart([1.0, 2.0], [1.5, 1.5]),
    chart_specs.histogram_chart("x", [3, 4], [0.0, 0.5, 1.0]),
    chart_specs.top_values_chart("city", [("Lyon", 3)], 2),
    chart_specs.missing_values_chart({"a": 0, "b": 2}, 10),
    chart_specs.confusion_matrix_chart([], []),
], ids=lambda chart: chart["usermeta"]["jimu"]["kind"])
def test_every_kind_is_valid_vega_lite(chart):
    assert vega_lite_errors(chart) == []


def test_a_long_roc_curve_keeps_its_ends_and_at_most_max_points():
    fpr = np.linspace(0, 1, 50_001)
    tpr = np.sqrt(fpr)
    chart = chart_specs.roc_curve_chart(fpr, tpr, np.linspace(1, 0, 50_001), 0.66, 1)
    shown = chart["data"]["values"]
    assert len(shown) == chart_specs.MAX_POINTS == chart["usermeta"]["jimu"]["points_shown"]
    assert (shown[0]["fpr"], shown[-1]["fpr"]) == (0.0, 1.0)
    assert all(v["tpr"] == pytest.approx(np.sqrt(v["fpr"])) for v in shown)
