"""A model deployment on Kubernetes: a Deployment running `jimu.serving.serve` and a Service.

`manifests()` is pure (kubernetes.client models, no cluster); `apply()` creates or replaces
them through the API, so applying the same deployment twice changes nothing but the spec.
"""

from __future__ import annotations

import os
from typing import Any

from kubernetes import client

from jimu.runtime.served import DEPLOYMENTS_ENV, record_served

PORT = 8080
DEFAULT_RESOURCES = {"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"cpu": "1", "memory": "1Gi"}}


def labels_for(name: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": f"jimu-model-{name}", "app.kubernetes.io/managed-by": "jimu", "jimu.dev/deployment": name}


def resource_name(name: str) -> str:
    """Kubernetes object names are DNS labels: no '_'."""
    return f"jimu-model-{name.replace('_', '-')}"


def manifests(
    name: str,
    image: str,
    model_uri: str,
    replicas: int = 1,
    namespace: str = "default",
    *,
    storage_secret: str | None = None,
    service_account: str | None = None,
    resources: dict[str, dict[str, str]] | None = None,
    extra_labels: dict[str, str] | None = None,
) -> tuple[client.V1Deployment, client.V1Service]:
    """The Deployment and Service serving `model_uri` as `name`."""
    selector = labels_for(name)
    labels = {**(extra_labels or {}), **selector}
    meta = client.V1ObjectMeta(name=resource_name(name), namespace=namespace, labels=labels)
    env = [client.V1EnvVar(name="JIMU_MODEL_URI", value=model_uri)]
    env_from = [client.V1EnvFromSource(secret_ref=client.V1SecretEnvSource(name=storage_secret))] if storage_secret else None
    probe = dict(http_get=client.V1HTTPGetAction(path="/health", port="http"), period_seconds=5, timeout_seconds=2)
    container = client.V1Container(
        name="server",
        image=image,
        command=["python", "-m", "jimu.serving.serve", "--host", "0.0.0.0", "--port", str(PORT)],
        env=env,
        env_from=env_from,
        ports=[client.V1ContainerPort(name="http", container_port=PORT)],
        readiness_probe=client.V1Probe(initial_delay_seconds=2, failure_threshold=3, **probe),
        liveness_probe=client.V1Probe(initial_delay_seconds=30, failure_threshold=6, **probe),
        resources=client.V1ResourceRequirements(**(resources or DEFAULT_RESOURCES)),
        security_context=client.V1SecurityContext(
            run_as_non_root=True, run_as_user=1000, allow_privilege_escalation=False, read_only_root_filesystem=True,
            capabilities=client.V1Capabilities(drop=["ALL"]),
        ),
    )
    deployment = client.V1Deployment(
        api_version="apps/v1",
        kind="Deployment",
        metadata=meta,
        spec=client.V1DeploymentSpec(
            replicas=replicas,
            selector=client.V1LabelSelector(match_labels=selector),
            strategy=client.V1DeploymentStrategy(
                type="RollingUpdate", rolling_update=client.V1RollingUpdateDeployment(max_surge=1, max_unavailable=0),
            ),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels=labels),
                spec=client.V1PodSpec(containers=[container], service_account_name=service_account),
            ),
        ),
    )
    service = client.V1Service(
        api_version="v1",
        kind="Service",
        metadata=meta,
        spec=client.V1ServiceSpec(
            type="ClusterIP", selector=selector, ports=[client.V1ServicePort(name="http", port=80, target_port="http")],
        ),
    )
    return deployment, service


def service_url(name: str, namespace: str) -> str:
    return f"http://{resource_name(name)}.{namespace}.svc.cluster.local"


def _api_clients() -> tuple[Any, Any]:
    from kubernetes import config

    try:
        config.load_incluster_config()
    except config.ConfigException:
        config.load_kube_config()
    return client.AppsV1Api(), client.CoreV1Api()


def _exists(read, name: str, namespace: str):
    try:
        return read(name, namespace)
    except client.ApiException as exc:
        if exc.status == 404:
            return None
        raise


def apply(
    name: str,
    image: str,
    model_uri: str,
    replicas: int = 1,
    namespace: str = "default",
    *,
    apps_api: Any = None,
    core_api: Any = None,
    **options: Any,
) -> str:
    """Create or replace the Deployment and Service; returns the in-cluster URL."""
    if apps_api is None or core_api is None:
        apps_api, core_api = _api_clients()
    deployment, service = manifests(name, image, model_uri, replicas, namespace, **options)
    object_name = deployment.metadata.name

    current = _exists(apps_api.read_namespaced_deployment, object_name, namespace)
    if current is None:
        apps_api.create_namespaced_deployment(namespace, deployment)
    else:
        deployment.metadata.resource_version = current.metadata.resource_version
        apps_api.replace_namespaced_deployment(object_name, namespace, deployment)

    current = _exists(core_api.read_namespaced_service, object_name, namespace)
    if current is None:
        core_api.create_namespaced_service(namespace, service)
    else:
        # A Service's clusterIP is immutable: keep the one it was given.
        service.metadata.resource_version = current.metadata.resource_version
        service.spec.cluster_ip = current.spec.cluster_ip
        core_api.replace_namespaced_service(object_name, namespace, service)
    url = service_url(name, namespace)
    if os.environ.get(DEPLOYMENTS_ENV):  # where pods look up which model a name serves (a champion, batch scoring)
        record_served(name, model_uri, target="kubernetes", namespace=namespace, url=url, replicas=replicas)
    return url
