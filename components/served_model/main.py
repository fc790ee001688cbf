"""Put the model a deployment serves now on the `model` port, found through the deployment's record."""

from __future__ import annotations

from jimu.runtime import FatalError
from jimu.runtime.models import copy_model
from jimu.runtime.served import ServedModelError, read_served_model


def nothing_served(deployment: str, served_by: str) -> str:
    first = (f"run the {served_by} template first (it deploys a model under that name)" if served_by
             else "run the pipeline that deploys it first")
    return (f"no model is served under the name {deployment!r}: {first}, "
            "or enter the name of a service that `jimu deployments list` shows")


def run(ctx) -> None:
    deployment = ctx.params["deployment"]
    try:
        served = read_served_model(deployment)  # refuses a file of untrusted types before anything loads it
    except ServedModelError as exc:
        raise FatalError(f"param 'deployment': {exc}") from None
    if served is None:
        raise FatalError(nothing_served(deployment, ctx.params.get("served_by", "")))
    uri, _, card = served
    copy_model(uri, ctx.output_uri("model"))
    ctx.log(f"{deployment!r} serves {uri}: a {card.get('task', 'classification')} model of {card.get('label')!r} "
            f"on {len(card.get('features') or [])} features")
