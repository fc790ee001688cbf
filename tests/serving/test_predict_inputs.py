"""POST /predict over real HTTP against every kind of body: numbers at the edges of what a model
takes, content types, and a fuzz of JSON-ish bodies. A bad body is a 4xx with a JSON `detail`,
never a 500; a good one gets exactly the answer of the same estimator called in-process.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.serving.conftest import running_server

FLOAT32_MAX = float(np.finfo(np.float32).max)


@pytest.fixture(scope="module")
def servers(iris_models):
    """{name: (httpx client, in-process estimator)}: the tree computes in float32, the logistic model in float64."""
    with running_server(iris_models["tree"][0]) as tree, running_server(iris_models["logistic"][0]) as logistic:
        yield {"tree": (tree, iris_models["tree"][1]), "logistic": (logistic, iris_models["logistic"][1])}


def post(http, body: bytes | str, content_type: str | None = "application/json"):
    headers = {"content-type": content_type} if content_type is not None else {}
    return http.post("/predict", content=body, headers=headers)


def body_with(rows: list[dict], row: int, feature: str, literal: str) -> str:
    """The JSON body of `rows` with one value written as `literal` (JSON can say 1e400 or 10**400; Python floats cannot)."""
    marker = "__value__"
    edited = [dict(r) for r in rows]
    edited[row][feature] = marker
    return json.dumps({"rows": edited}).replace(f'"{marker}"', literal)


def expected(estimator, rows: list[dict], features: list[str]) -> dict:
    """The estimator's own answer, in this process (a frame: it was fitted on one)."""
    X = pd.DataFrame([[float(r[f]) for f in features] for r in rows], columns=features, dtype=np.float64)
    return {"predictions": estimator.predict(X).tolist(), "probabilities": estimator.predict_proba(X).tolist()}


def assert_same_answer(answer, estimator, rows, features):
    assert answer.status_code == 200, answer.text
    want = expected(estimator, rows, features)
    assert answer.json()["predictions"] == want["predictions"]
    np.testing.assert_allclose(answer.json()["probabilities"], want["probabilities"], rtol=1e-12)


def assert_422_naming(answer, row: int, feature: str, kind: str | None = None):
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert f"rows[{row}]: field {feature!r}" in body["message"]
    assert any(d["loc"] == ["body", "rows", row, feature] and (kind is None or d["type"] == kind) for d in body["detail"])


# Each value is written into the JSON text as it stands: a float, or an integer of any size.
BEYOND_FLOAT32 = ["1e39", "-1e39", "3.40282357e38", "1" + "0" * 39, "-" + "9" * 60, str(2**200)]
BEYOND_FLOAT64 = ["1e400", "-1e400", "1" + "0" * 400]
TAKEN_BY_EVERY_MODEL = ["-0.0", "0", "5e-324", "-5e-324", "1e-310", "3.4028235e38", "-3.4028235e38",
                        str(2**63), str(2**64 + 1), str(-(2**63) - 1), "1.0000000000000002"]


@pytest.mark.parametrize("literal", BEYOND_FLOAT32)
def test_values_beyond_float32_are_422_for_a_tree_naming_row_and_feature(servers, iris, literal):
    http, _ = servers["tree"]
    rows, features = iris[0].iloc[:3].to_dict(orient="records"), iris[2]
    answer = post(http, body_with(rows, 2, features[1], literal))
    assert_422_naming(answer, 2, features[1], "float32_overflow")
    assert "float32" in answer.json()["message"]


@pytest.mark.parametrize("literal", BEYOND_FLOAT32)
def test_a_float64_model_takes_what_float32_cannot(servers, iris, literal):
    http, estimator = servers["logistic"]
    rows, features = iris[0].iloc[:3].to_dict(orient="records"), iris[2]
    answer = post(http, body_with(rows, 2, features[1], literal))
    rows[2][features[1]] = json.loads(literal)
    if np.isfinite(expected(estimator, rows, features)["probabilities"]).all():
        assert_same_answer(answer, estimator, rows, features)
    else:  # so large that the model's own arithmetic overflows: see the next test
        assert_422_naming(answer, 2, features[1], "model_overflow")


@pytest.mark.parametrize("model", ["tree", "logistic"])
@pytest.mark.parametrize("literal", BEYOND_FLOAT64 + ["NaN", "Infinity", "-Infinity"])
def test_values_beyond_float64_are_422_naming_row_and_feature(servers, iris, model, literal):
    http, _ = servers[model]
    rows, features = iris[0].iloc[:2].to_dict(orient="records"), iris[2]
    assert_422_naming(post(http, body_with(rows, 1, features[3], literal)), 1, features[3])


def test_values_that_overflow_the_models_arithmetic_are_422_naming_the_row(servers, iris):
    """1e308 is a float64, but coef * 1e308 is not: in-process the probabilities come out NaN."""
    http, estimator = servers["logistic"]
    rows, features = iris[0].iloc[:3].to_dict(orient="records"), iris[2]
    rows[1] = {f: 1e308 for f in features}
    rows[1][features[2]] = 1.5e308
    with np.errstate(all="ignore"):
        assert np.isnan(expected(estimator, rows, features)["probabilities"][1]).all()
    answer = post(http, json.dumps({"rows": rows}))
    assert_422_naming(answer, 1, features[2], "model_overflow")
    assert "NaN" not in answer.text and len(answer.json()["detail"]) == 1


@pytest.mark.parametrize("model", ["tree", "logistic"])
@pytest.mark.parametrize("literal", TAKEN_BY_EVERY_MODEL)
def test_edge_values_every_model_takes_get_the_in_process_answer(servers, iris, model, literal):
    http, estimator = servers[model]
    rows, features = iris[0].iloc[:3].to_dict(orient="records"), iris[2]
    answer = post(http, body_with(rows, 0, features[0], literal))
    rows[0][features[0]] = json.loads(literal)
    assert_same_answer(answer, estimator, rows, features)


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded",
                     "multipart/form-data; boundary=x", "application/jsonx", "application/json; charset=latin-1"],
)
def test_bodies_not_declared_as_json_are_415_saying_what_to_send(servers, iris, content_type):
    http, _ = servers["logistic"]
    answer = post(http, json.dumps({"rows": iris[0].iloc[:1].to_dict(orient="records")}), content_type)
    assert answer.status_code == 415
    assert "Content-Type: application/json" in answer.json()["message"] and answer.json()["detail"]


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8",
                                          "Application/JSON;charset=UTF-8", 'application/json; charset="utf-8"'])
def test_json_content_types_are_taken(servers, iris, content_type):
    http, estimator = servers["logistic"]
    rows = iris[0].iloc[:4].to_dict(orient="records")
    assert_same_answer(post(http, json.dumps({"rows": rows}), content_type), estimator, rows, iris[2])


# --- fuzz ------------------------------------------------------------------------------------------

FEATURES = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=3e38, max_value=1e39) | st.floats(min_value=-1e39, max_value=-3e38),
    st.integers(),
    st.integers(min_value=2**62, max_value=2**1100),
    st.sampled_from([-0.0, 5e-324, FLOAT32_MAX, 1.7976931348623157e308]),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, st.text(max_size=20))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)
row_values = st.one_of(numbers, numbers, numbers, json_values)
rows = st.lists(
    st.fixed_dictionaries({f: row_values for f in FEATURES}, optional={"extra": json_values})
    | st.dictionaries(st.sampled_from([*FEATURES, "x", ""]), row_values, max_size=5)
    | json_values,
    max_size=4,
)
documents = st.one_of(
    st.fixed_dictionaries({"rows": rows}),
    st.fixed_dictionaries({"rows": rows}, optional={"more": json_values}),
    json_values,
)
bodies = st.one_of(
    documents.map(lambda d: json.dumps(d).encode()),
    st.binary(max_size=64),
    st.text(max_size=64).map(str.encode),
    documents.map(lambda d: json.dumps(d).encode()[: max(0, len(json.dumps(d)) // 2)]),  # cut short
)
content_types = st.sampled_from(
    ["application/json", "application/json", "application/json", "application/json; charset=utf-8", "text/plain", None]
)


@pytest.mark.parametrize("model", ["tree", "logistic"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies, content_type=content_types)
def test_no_body_is_a_500(servers, model, body, content_type):
    http, estimator = servers[model]
    answer = post(http, body, content_type)
    assert answer.status_code == 200 or 400 <= answer.status_code < 500, (answer.status_code, answer.text)
    assert answer.headers["content-type"] == "application/json"
    if answer.status_code == 200:  # then the body was rows of numbers: the same answer as in-process
        assert_same_answer(answer, estimator, json.loads(body)["rows"], FEATURES)
    else:
        assert answer.json()["detail"] and "NaN" not in answer.text
