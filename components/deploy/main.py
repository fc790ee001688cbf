"""Serve the model on the `model` port: a managed local server, or a Deployment + Service on Kubernetes."""

from __future__ import annotations

import os
from pathlib import Path

from jimu.runtime import storage

ENDPOINT_FILE = "endpoint.json"
POD_NAMESPACE_FILE = Path("/var/run/secrets/kubernetes.io/serviceaccount/namespace")


def target(params: dict) -> str:
    chosen = params.get("target", "auto")
    if chosen == "auto":
        return "kubernetes" if os.environ.get("KUBERNETES_SERVICE_HOST") else "local"
    return chosen


def pod_namespace() -> str:
    try:
        return POD_NAMESPACE_FILE.read_text(encoding="utf-8").strip() or "default"
    except OSError:
        return "default"


def run(ctx) -> None:
    model_uri = ctx.input_uri("model")
    if model_uri is None:
        raise KeyError(f"input 'model' of node {ctx.node!r} is not connected")
    name, where = ctx.params["name"], target(ctx.params)
    endpoint = {"name": name, "target": where, "model_uri": model_uri}
    if where == "local":
        from jimu.serving.manager import deploy

        deployment = deploy(name, model_uri)
        endpoint.update(url=deployment.url, pid=deployment.pid, digest=deployment.digest)
    else:
        from jimu.serving import k8s

        namespace = ctx.params.get("namespace") or pod_namespace()
        endpoint["url"] = k8s.apply(
            name, ctx.params.get("image", "jimu/serve:1.0.0"), model_uri, ctx.params.get("replicas", 1), namespace,
            storage_secret=ctx.params.get("storage_secret"),
        )
        endpoint["namespace"] = namespace
    storage.write_json(ctx.output_uri("endpoint"), ENDPOINT_FILE, endpoint)
    ctx.record_export(endpoint["url"])
    ctx.log(f"model {name!r} is served at {endpoint['url']} (POST /predict, GET /metadata)")
