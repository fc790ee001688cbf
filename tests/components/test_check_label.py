"""check_label keeps the labelled rows and refuses, in plain words naming the column, a label that does not
suit the model: one class, many numbers or too many categories for a classifier; text for a regressor."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_iris

from jimu.runtime.exit_codes import FATAL_EXIT_CODE

IRIS = load_iris(as_frame=True)
FLOWERS = IRIS.frame.assign(species=IRIS.target_names[IRIS.target]).drop(columns="target")


def test_keeps_the_labelled_rows_and_warns_about_the_others(run_component):
    flowers = FLOWERS.copy()
    flowers.loc[[3, 80], "species"] = None
    run = run_component("check_label", {"label": "species"}, inputs={"table": flowers})
    assert run.exit_code == 0
    pd.testing.assert_frame_equal(run.table(), flowers.dropna(subset=["species"]).reset_index(drop=True))
    assert any("left out 2 of 150 rows without a value in 'species'" in w for w in run.result["warnings"])


def test_a_number_label_suits_a_regressor(run_component):
    run = run_component("check_label", {"label": "petal length (cm)", "task": "regression"}, inputs={"table": FLOWERS})
    assert run.exit_code == 0
    pd.testing.assert_frame_equal(run.table(), FLOWERS)


@pytest.mark.parametrize(("frame", "params", "words"), [
    (FLOWERS.assign(kind="iris"), {"label": "kind"},
     ["column 'kind' has the same value ('iris') in every row", "at least two categories"]),
    (FLOWERS.assign(amount=np.arange(150) * 3), {"label": "amount"},
     ["column 'amount' holds 150 different numbers (0, 3, 6, ...)", "predict this number with a regression template"]),
    (FLOWERS, {"label": "petal length (cm)"},
     ["column 'petal length (cm)' holds 43 different numbers", "choose a column of categories (such as yes/no)"]),
    (FLOWERS.assign(name=[f"plant {i}" for i in range(150)]), {"label": "name"},
     ["column 'name' has 150 different values", "more than 20 categories"]),
    (FLOWERS.assign(odd=["a", "b"] * 74 + ["a", "c"]), {"label": "odd"},
     ["column 'odd' has the value 'c' in one row only", "at least two rows of each category"]),
    (FLOWERS, {"label": "species", "task": "regression"},
     ["column 'species' holds text ('setosa', 'versicolor', 'virginica'), not numbers",
      "predict these categories with a classification template"]),
    (FLOWERS.assign(level=7), {"label": "level", "task": "regression"},
     ["column 'level' has the same number (7) in every row"]),
    (FLOWERS.assign(empty=None), {"label": "empty"}, ["column 'empty' is empty in every row"]),
    (FLOWERS, {"label": "Species"}, ["the data has no column 'Species'; choose one of its columns: sepal length"]),
], ids=["one-class", "many-numbers", "fractions", "many-values", "single-row-class", "text-for-regression",
        "constant-number", "empty", "unknown"])
def test_an_unsuitable_label_fails_naming_the_column_and_the_choice(run_component, capfd, frame, params, words):
    run = run_component("check_label", params, inputs={"table": frame})
    assert run.exit_code == FATAL_EXIT_CODE
    err = capfd.readouterr().err
    assert "param 'label'" in err
    for text in words:
        assert text in err
