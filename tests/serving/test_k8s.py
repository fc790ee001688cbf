"""Kubernetes manifests against golden JSON, and create-or-replace against a recording fake API.

Regenerate the golden files after a deliberate change: python -m tests.serving.test_k8s
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from kubernetes import client

from jimu.serving import k8s

GOLDEN = Path(__file__).parent / "golden"
CASES = {
    "iris": dict(name="iris", image="registry.example.com/jimu/serve:1.0.0", model_uri="s3://models/iris/run_1/train/model",
                 replicas=2, namespace="ml"),
    "iris_secret": dict(name="churn_model", image="jimu/serve:1.0.0", model_uri="s3://models/churn", replicas=1,
                        namespace="default", storage_secret="jimu-storage", service_account="jimu-runner"),
}


def render(case: dict) -> str:
    objects = k8s.manifests(**case)
    return json.dumps(client.ApiClient().sanitize_for_serialization(list(objects)), indent=2, sort_keys=True) + "\n"


def regenerate() -> None:
    for name, case in CASES.items():
        (GOLDEN / f"{name}.json").write_text(render(case), encoding="utf-8")


@pytest.mark.parametrize("name", sorted(CASES))
def test_manifests_match_golden(name):
    assert render(CASES[name]) == (GOLDEN / f"{name}.json").read_text(encoding="utf-8"), (
        "manifests changed: run `python -m tests.serving.test_k8s` and review the diff"
    )


def test_manifests_wire_the_model_probe_and_selector():
    deployment, service = k8s.manifests(**CASES["iris"])
    container = deployment.spec.template.spec.containers[0]
    assert ("JIMU_MODEL_URI", CASES["iris"]["model_uri"]) in [(e.name, e.value) for e in container.env]
    assert container.readiness_probe.http_get.path == "/health"
    assert deployment.spec.selector.match_labels.items() <= deployment.spec.template.metadata.labels.items()
    assert service.spec.selector == deployment.spec.selector.match_labels
    assert deployment.metadata.name == service.metadata.name == "jimu-model-iris"


class FakeApi:
    """Records every call; `existing` maps a read method to the object the cluster holds."""

    def __init__(self, existing: dict | None = None):
        self.calls, self.existing = [], existing or {}

    def __getattr__(self, method):
        def call(*args):
            self.calls.append((method, args))
            if method.startswith("read_"):
                if method not in self.existing:
                    raise client.ApiException(status=404, reason="Not Found")
                return self.existing[method]
            return args[-1]

        return call


def test_apply_creates_when_absent():
    apps, core = FakeApi(), FakeApi()
    url = k8s.apply(**CASES["iris"], apps_api=apps, core_api=core)
    assert url == "http://jimu-model-iris.ml.svc.cluster.local"
    assert [m for m, _ in apps.calls] == ["read_namespaced_deployment", "create_namespaced_deployment"]
    assert [m for m, _ in core.calls] == ["read_namespaced_service", "create_namespaced_service"]
    assert apps.calls[1][1][0] == "ml" and apps.calls[1][1][1].spec.replicas == 2


def test_apply_replaces_when_present_keeping_cluster_ip():
    current = SimpleNamespace(metadata=SimpleNamespace(resource_version="41"), spec=SimpleNamespace(cluster_ip="10.0.0.7"))
    apps = FakeApi({"read_namespaced_deployment": current})
    core = FakeApi({"read_namespaced_service": current})
    for _ in range(2):  # idempotent: applying again replaces again, never creates twice
        k8s.apply(**CASES["iris"], apps_api=apps, core_api=core)
    assert [m for m, _ in apps.calls] == ["read_namespaced_deployment", "replace_namespaced_deployment"] * 2
    (name, namespace, service) = core.calls[-1][1]
    assert (name, namespace, service.spec.cluster_ip, service.metadata.resource_version) == ("jimu-model-iris", "ml", "10.0.0.7", "41")


def test_apply_raises_other_api_errors():
    class Forbidden(FakeApi):
        def read_namespaced_deployment(self, *args):
            raise client.ApiException(status=403, reason="Forbidden")

    with pytest.raises(client.ApiException):
        k8s.apply(**CASES["iris"], apps_api=Forbidden(), core_api=FakeApi())


def test_apply_records_the_served_model_where_pods_look_it_up(tmp_path, monkeypatch):
    """With $JIMU_DEPLOYMENTS_URI set, a champion/challenger gate or a batch scoring in a pod finds the model."""
    from jimu.runtime.served import DEPLOYMENTS_ENV, served_model_uri, served_record

    monkeypatch.setenv(DEPLOYMENTS_ENV, f"file://{tmp_path}")
    url = k8s.apply(**CASES["iris"], apps_api=FakeApi(), core_api=FakeApi())
    assert served_model_uri("iris") == CASES["iris"]["model_uri"]
    assert served_record("iris")["url"] == url and served_record("iris")["target"] == "kubernetes"


def test_apply_records_nothing_without_a_deployments_root(jimu_home, monkeypatch):
    from jimu.runtime.served import DEPLOYMENTS_ENV

    monkeypatch.delenv(DEPLOYMENTS_ENV, raising=False)
    k8s.apply(**CASES["iris"], apps_api=FakeApi(), core_api=FakeApi())
    assert not (jimu_home / "deployments").exists()


if __name__ == "__main__":
    regenerate()
