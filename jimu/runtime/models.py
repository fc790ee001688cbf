"""Model artifacts on `model` ports: a skops file plus a JSON card, never a pickle.

    <port uri>/model.skops   the fitted estimator (skops: loads only allow-listed types)
    <port uri>/model.json    what it is: estimator, task, features, label, classes, versions
"""

from __future__ import annotations

from typing import Any

from jimu.runtime import storage

MODEL_FILE = "model.skops"
CARD_FILE = "model.json"
# A model file is data from storage: only these modules' types may be rebuilt from it.
TRUSTED_MODULE_PREFIXES = ("sklearn.", "numpy", "scipy.", "builtins.")


class UntrustedModelError(ValueError):
    """A model file holds types outside the allow-list; it is not loaded."""


def write_model(uri: str, estimator: Any, card: dict[str, Any]) -> None:
    import sklearn
    import skops.io as sio

    data = sio.dumps(estimator)
    storage.write_bytes(uri, MODEL_FILE, data)
    card = {"format": "skops", "sklearn_version": sklearn.__version__, "estimator": _qualname(estimator), **card}
    storage.write_json(uri, CARD_FILE, card)


def read_card(uri: str) -> dict[str, Any]:
    return storage.read_json(uri, CARD_FILE)


def read_model(uri: str) -> tuple[Any, dict[str, Any]]:
    """The estimator and its card; refuses files with types outside the allow-list."""
    import skops.io as sio

    data = storage.read_bytes(uri, MODEL_FILE)
    untrusted = sio.get_untrusted_types(data=data)
    refused = [t for t in untrusted if not t.startswith(TRUSTED_MODULE_PREFIXES)]
    if refused:
        raise UntrustedModelError(f"{uri}: model file holds types that are not allowed: {', '.join(refused)}")
    return sio.loads(data, trusted=untrusted), read_card(uri)


def _qualname(obj: Any) -> str:
    cls = type(obj)
    return f"{cls.__module__}.{cls.__qualname__}"


def copy_model(source_uri: str, target_uri: str) -> None:
    """Copy a model port's files as they are (a gate passes a model through unchanged)."""
    for name in (MODEL_FILE, CARD_FILE):
        storage.write_bytes(target_uri, name, storage.read_bytes(source_uri, name))


def feature_frame(frame: Any, card: dict[str, Any], port: str = "table") -> Any:
    """The card's feature columns of a DataFrame, in training order; names the missing ones."""
    features = list(card.get("features") or [])
    if not features:
        raise ValueError("the model card lists no features; train the model with the train component")
    missing = [name for name in features if name not in frame.columns]
    if missing:
        raise ValueError(
            f"input {port!r} lacks the model's feature columns {missing}; "
            f"the model was trained on {features}: add them to the table (sql or python before this node)"
        )
    return frame[features]
