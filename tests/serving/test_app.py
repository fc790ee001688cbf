"""The serving app over real HTTP (`python -m jimu.serving.serve`): validation, answers, metadata."""

from __future__ import annotations

import numpy as np
import pytest

from jimu.serving.app import ModelCardError, model_features
from tests.serving.conftest import running_server


@pytest.fixture(scope="module")
def client(iris_models):
    with running_server(iris_models["logistic"][0]) as http:
        yield http


def test_predict_matches_the_model(client, iris, iris_models):
    X, _, features = iris
    rows = X.iloc[::7].to_dict(orient="records")
    answer = client.post("/predict", json={"rows": rows})
    assert answer.status_code == 200
    estimator = iris_models["logistic"][1]
    assert answer.json()["predictions"] == estimator.predict(X.iloc[::7]).tolist()
    np.testing.assert_allclose(answer.json()["probabilities"], estimator.predict_proba(X.iloc[::7]), rtol=1e-12)


@pytest.mark.parametrize(
    ("change", "field", "kind"),
    [
        (lambda row: row.pop("petal width (cm)"), "petal width (cm)", "missing"),
        (lambda row: row.update({"sepal length (cm)": "5.1"}), "sepal length (cm)", "float_type"),
        (lambda row: row.update({"sepal length (cm)": True}), "sepal length (cm)", "float_type"),
        (lambda row: row.update({"colour": 3}), "colour", "extra_forbidden"),
    ],
)
def test_bad_rows_are_422_naming_the_field(client, iris, change, field, kind):
    rows = iris[0].iloc[:2].to_dict(orient="records")
    change(rows[1])
    answer = client.post("/predict", json={"rows": rows})
    assert answer.status_code == 422
    body = answer.json()
    assert f"rows[1]: field {field!r}" in body["message"]
    assert body["detail"][0]["loc"] == ["body", "rows", 1, field] and body["detail"][0]["type"] == kind


@pytest.mark.parametrize("body", [b"{}", b'{"rows": []}', b"not json", b'{"rows": [], "more": 1}'])
def test_malformed_bodies_are_422(client, body):
    answer = client.post("/predict", content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 422 and answer.json()["message"]


def test_metadata_and_health(client, iris_models):
    uri, estimator = iris_models["logistic"]
    meta = client.get("/metadata").json()
    assert meta["card"]["features"] == list(estimator.feature_names_in_)
    assert meta["card"]["estimator"] == "sklearn.linear_model._logistic.LogisticRegression"
    assert meta["digest"].startswith("sha256:") and meta["model_uri"] == uri and meta["classes"] == [0, 1, 2]
    assert client.get("/health").json() == {"status": "ok", "digest": meta["digest"]}
    schema = client.get("/openapi.json").json()["paths"]["/predict"]["post"]["requestBody"]
    assert "rows" in str(schema)


def test_feature_order_comes_from_the_fitted_model(iris_models):
    _, estimator = iris_models["logistic"]
    shuffled = list(reversed(estimator.feature_names_in_))
    assert model_features(estimator, {"features": shuffled}) == list(estimator.feature_names_in_)
    with pytest.raises(ModelCardError, match="differ"):
        model_features(estimator, {"features": ["a", "b", "c", "d"]})


def test_a_model_without_feature_names_needs_them_in_its_card(iris):
    from sklearn.linear_model import LogisticRegression

    estimator = LogisticRegression(max_iter=500).fit(iris[0].to_numpy(), iris[1])
    with pytest.raises(ModelCardError, match="no `features`"):
        model_features(estimator, {})
    with pytest.raises(ModelCardError, match="takes 4"):
        model_features(estimator, {"features": ["a"]})
    assert model_features(estimator, {"features": ["a", "b", "c", "d"]}) == ["a", "b", "c", "d"]
