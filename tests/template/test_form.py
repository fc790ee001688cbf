"""Form values are checked in plain words that name the field by its title, in English and Chinese."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from jimu.template.form import check_values, parse_text_value
from jimu.template.spec import FieldText

ACCURACY = {"type": "number", "minimum": 0, "maximum": 1, "default": 0.9, "title": "Minimum accuracy"}
TREES = {"type": "integer", "minimum": 10, "default": 100, "title": "Trees in the forest"}
METHOD = {"type": "string", "enum": ["mean", "median"], "default": "mean"}
FORM = {"min_accuracy": ACCURACY, "trees": TREES, "method": METHOD}
ZH = {"min_accuracy": FieldText(title="最低准确率")}


def test_the_issue_example_reads_as_a_sentence():
    [problem] = check_values(FORM, {"min_accuracy": 1.5})
    assert (problem.field, problem.message) == ("min_accuracy", "Minimum accuracy must be between 0 and 1")
    [problem] = check_values(FORM, {"min_accuracy": 1.5}, ZH, "zh")
    assert problem.message == "最低准确率必须在 0 到 1 之间"


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6))
def test_a_number_is_refused_exactly_when_it_is_out_of_range(value):
    problems = check_values(FORM, {"min_accuracy": value})
    assert bool(problems) == (not 0 <= value <= 1)


@given(st.integers(-1000, 1000))
def test_a_lower_bound_alone_says_at_least(value):
    problems = check_values(FORM, {"trees": value})
    assert [p.message for p in problems] == ([] if value >= 10 else ["Trees in the forest must be at least 10"])


def test_a_wrong_type_an_unlisted_choice_and_an_unknown_field_are_each_named():
    problems = check_values(FORM, {"trees": "many", "method": "mode", "colour": "red"})
    messages = {p.field: p.message for p in problems}
    assert messages["trees"] == 'Trees in the forest must be a whole number, not "many"'
    # No title: the field's name in words.
    assert messages["method"] == "Method must be one of: mean, median"
    assert messages["colour"].startswith("colour is not a field of this template; its fields are: ")
    assert "Minimum accuracy (min_accuracy)" in messages["colour"]


def test_no_message_shows_a_json_path_or_a_schema_keyword():
    problems = check_values(FORM, {"min_accuracy": -1, "trees": 2.5, "method": 3})
    for problem in problems:
        assert "$" not in problem.message and "enum" not in problem.message and "minimum" not in problem.message


@given(st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False)))
def test_command_line_text_becomes_the_fields_type(number):
    assert parse_text_value(ACCURACY, repr(number)) == number or math.isclose(parse_text_value(ACCURACY, repr(number)), number)
    if isinstance(number, int):
        assert parse_text_value(TREES, str(number)) == number
    assert parse_text_value(METHOD, str(number)) == str(number)
    assert parse_text_value({"type": "boolean"}, "yes") is True
    assert parse_text_value({"type": "boolean"}, "否") is False


DATA_FORM = {
    "data": {"type": "string", "format": "dataset", "title": "Your data", "default": ""},
    "label": {"type": "string", "format": "column", "x-jimu-dataset": "data", "title": "Label column", "default": ""},
}


def test_dataset_and_column_fields_are_checked_against_the_uploaded_data(tmp_path):
    from jimu.datasets.store import DatasetStore

    store = DatasetStore(tmp_path / "datasets")
    info, _ = store.add(b"size,colour,kind\n1,red,a\n2,blue,b\n", "things.csv")
    check = lambda values: [p.message for p in check_values(DATA_FORM, values, dataset_columns=store.columns_of)]  # noqa: E731
    assert check({"data": info.uri, "label": "kind"}) == []
    assert check({"data": info.uri, "label": "shape"}) == ["Label column must be a column of Your data: size, colour, kind"]
    assert check({"data": str(tmp_path / "elsewhere.parquet"), "label": "kind"}) == [
        "Your data: pick one of the uploaded datasets, or upload a file"]
    # A path that only looks like a dataset's is none.
    assert store.columns_of(str(tmp_path / "datasets" / ".." / info.id / "table.parquet")) is None


def test_a_template_s_bundled_data_is_a_dataset_default_with_its_columns(tmp_path):
    from jimu.datasets.store import DatasetStore

    store = DatasetStore(tmp_path / "datasets")
    form = {**DATA_FORM, "data": {**DATA_FORM["data"], "default": "package://jimu.templates.daily_sales/data/sales.csv"}}
    check = lambda values: [p.message for p in check_values(form, values, dataset_columns=store.columns_of)]  # noqa: E731
    assert check({"label": "store"}) == []
    assert check({"label": "colour"})[0].startswith("Label column must be a column of Your data: order_id, sale_date")
    assert check({"data": "package://sklearn.datasets/data/iris.csv", "label": "target"}) == [
        "Your data: pick one of the uploaded datasets, or upload a file"]


def test_a_column_left_at_its_default_is_checked_against_the_data_chosen_instead(tmp_path):
    from jimu.datasets.store import DatasetStore

    store = DatasetStore(tmp_path / "datasets")
    info, _ = store.add(b"size,colour,kind\n1,red,a\n2,blue,b\n", "things.csv")
    form = {"data": {**DATA_FORM["data"], "default": "package://jimu.templates.daily_sales/data/sales.csv"},
            "label": {**DATA_FORM["label"], "default": "store"}}
    problems = check_values(form, {"data": info.uri}, dataset_columns=store.columns_of)
    assert [(p.field, p.message) for p in problems] == [
        ("label", "Label column must be a column of Your data: size, colour, kind")]
    assert check_values(form, {}, dataset_columns=store.columns_of) == []
    # Without the datasets at hand, fields not given are not looked at.
    assert check_values(form, {"data": info.uri}) == []
