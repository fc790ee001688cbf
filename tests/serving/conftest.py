"""Small real models (iris) written as model artifacts, and a manager that always cleans up."""

from __future__ import annotations

import pytest
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier

from jimu.runtime.models import write_model


@pytest.fixture(scope="session")
def iris():
    data = load_iris(as_frame=True)
    return data.frame[data.feature_names], data.target, list(data.feature_names)


def _card(features):
    return {"task": "classification", "features": features, "label": "target", "classes": [0, 1, 2]}


@pytest.fixture(scope="session")
def iris_models(tmp_path_factory, iris):
    """Two different fitted models on iris: {name: (uri, estimator)}."""
    X, y, features = iris
    root = tmp_path_factory.mktemp("models")
    models = {}
    for name, estimator in [
        ("logistic", LogisticRegression(max_iter=500)),
        ("tree", DecisionTreeClassifier(max_depth=1, random_state=0)),
    ]:
        estimator.fit(X, y)
        uri = str(root / name)
        write_model(uri, estimator, _card(features))
        models[name] = (uri, estimator)
    return models


@pytest.fixture
def manager(jimu_home):
    """jimu.serving.manager with $JIMU_HOME in tmp; every deployment left running is stopped."""
    from jimu.serving import manager as module

    yield module
    for deployment in module.list_deployments():
        module.stop(deployment.name)
