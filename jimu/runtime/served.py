"""Which model a deployment serves now: its record, read through storage, so a pod finds it as a local run does.

    <deployments root>/<name>/state.json   {"name", "model_uri", ...}

Locally the root is $JIMU_HOME/deployments: the very record `jimu deployments list` reads and
jimu.serving.manager writes when it (re)starts a server. A pod has no $JIMU_HOME: there
$JIMU_DEPLOYMENTS_URI names the root, any storage URI (e.g. s3://bucket/deployments) holding
the same records (e.g. a key of the profile's storage_secret), and jimu.serving.k8s.apply writes
the record there (record_served) when it serves a model on Kubernetes. A record is data, not a
process: the server need not answer to be looked up.
"""

from __future__ import annotations

import os
from typing import Any

from jimu.refs import DEPLOYMENT_NAME
from jimu.runtime import storage

DEPLOYMENTS_ENV = "JIMU_DEPLOYMENTS_URI"
RECORD_FILE = "state.json"


class ServedModelError(ValueError):
    """A deployment's record cannot be read, or names no model."""


def deployments_root() -> str:
    """$JIMU_DEPLOYMENTS_URI, else $JIMU_HOME/deployments."""
    from jimu.home import jimu_home

    return os.environ.get(DEPLOYMENTS_ENV) or str(jimu_home() / "deployments")


def record_served(name: str, model_uri: str, root: str | None = None, **details: Any) -> None:
    """Write (atomically, through storage) that deployment `name` now serves `model_uri`."""
    if not DEPLOYMENT_NAME.accepts(name):
        raise ServedModelError(f"deployment name {name!r} is not a {DEPLOYMENT_NAME.what}: {DEPLOYMENT_NAME.hint}")
    storage.write_json(storage.join(root or deployments_root(), name), RECORD_FILE,
                       {**details, "name": name, "model_uri": model_uri})


def served_record(name: str, root: str | None = None) -> dict[str, Any] | None:
    """The record of deployment `name`, or None when nothing is served under that name."""
    if not DEPLOYMENT_NAME.accepts(name):
        raise ServedModelError(f"deployment name {name!r} is not a {DEPLOYMENT_NAME.what}: {DEPLOYMENT_NAME.hint}")
    uri = storage.join(root or deployments_root(), name)
    try:
        record = storage.read_json(uri, RECORD_FILE)
    except FileNotFoundError:
        return None
    if not isinstance(record, dict) or not isinstance(record.get("model_uri"), str):
        raise ServedModelError(f"the record of deployment {name!r} ({uri}/{RECORD_FILE}) names no model_uri")
    return record


def served_model_uri(name: str, root: str | None = None) -> str | None:
    """The URI of the model deployment `name` serves, or None when nothing is served under that name."""
    record = served_record(name, root)
    return record["model_uri"] if record else None


def read_served_model(name: str, root: str | None = None) -> tuple[str, Any, dict[str, Any]] | None:
    """(uri, estimator, card) of the model deployment `name` serves; None when nothing is served under that name."""
    from jimu.runtime.models import read_model

    uri = served_model_uri(name, root)
    if uri is None:
        return None
    try:
        model, card = read_model(uri)
    except (OSError, ValueError) as exc:  # gone from storage, or holding types that are not allowed
        raise ServedModelError(
            f"deployment {name!r} serves {uri}, which cannot be read as a model ({exc}); deploy a model under "
            f"that name again, or stop the deployment (`jimu deployments stop {name}`)"
        ) from None
    return uri, model, card
