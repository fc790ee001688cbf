"""One model behind HTTP: GET /health, GET /metadata, POST /predict.

The model is loaded once, when the app is built. The request path stays small: pydantic-core
parses and checks the JSON body in one pass (numbers only, every feature, nothing else), the
rows become one numpy array, and pydantic-core dumps the answer (several times faster than
`json.dumps` on lists of floats, and exact: floats round-trip).
"""

from __future__ import annotations

import hashlib
import json
import operator
import warnings
from typing import Annotated, Any

import numpy as np
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ConfigDict, Field, TypeAdapter, ValidationError
from pydantic_core import to_json
from typing_extensions import TypedDict

from jimu.runtime import storage
from jimu.runtime.models import MODEL_FILE, read_model

MAX_ROWS = 10_000


class ModelCardError(ValueError):
    """The model card does not say which features the model takes."""


def model_features(estimator: Any, card: dict[str, Any]) -> list[str]:
    """Feature names in the order the estimator expects them.

    The card's `features` are names or {"name": ...} objects; an estimator fitted on a
    DataFrame knows its own order (`feature_names_in_`), which then wins.
    """
    names = [f["name"] if isinstance(f, dict) else str(f) for f in card.get("features") or []]
    fitted = [str(n) for n in getattr(estimator, "feature_names_in_", [])]
    if fitted:
        if names and set(names) != set(fitted):
            raise ModelCardError(f"card features {names} differ from the features the model was fitted on {fitted}")
        return fitted
    if not names:
        raise ModelCardError("the model card has no `features` and the model does not name its features")
    expected = getattr(estimator, "n_features_in_", len(names))
    if expected != len(names):
        raise ModelCardError(f"the card names {len(names)} features but the model takes {expected}")
    return names


def request_adapter(features: list[str]) -> TypeAdapter:
    """Validator of {"rows": [{feature: number, ...}, ...]}: strict numbers, no missing or extra fields."""
    config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)
    # Functional TypedDict: feature names need not be Python identifiers ("sepal length (cm)").
    row = TypedDict("Row", {name: float for name in features})
    row.__pydantic_config__ = config
    body = TypedDict(  # noqa: UP013 - class syntax cannot see the local `row` when pydantic resolves it
        "PredictRequest", {"rows": Annotated[list[row], Field(min_length=1, max_length=MAX_ROWS)]}
    )
    body.__pydantic_config__ = config
    return TypeAdapter(body)


def _describe(error: dict[str, Any]) -> str:
    loc = error["loc"]
    if len(loc) >= 3 and loc[0] == "rows":
        return f"rows[{loc[1]}]: field {loc[2]!r}: {error['msg']}"
    return f"{'.'.join(str(p) for p in loc) or 'body'}: {error['msg']}"


def _unprocessable(exc: ValidationError) -> JSONResponse:
    errors = exc.errors(include_url=False, include_context=False, include_input=False)
    detail = [{"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]} for e in errors]
    message = "; ".join(_describe(e) for e in errors[:5]) + (f" (and {len(errors) - 5} more)" if len(errors) > 5 else "")
    return JSONResponse({"message": message, "detail": detail}, status_code=422)


def create_app(model_uri: str) -> FastAPI:
    """An app serving the model stored at `model_uri` (a folder with model.skops + model.json)."""
    estimator, card = read_model(model_uri)
    digest = "sha256:" + hashlib.sha256(storage.read_bytes(model_uri, MODEL_FILE)).hexdigest()
    features = model_features(estimator, card)
    adapter = request_adapter(features)
    predict = estimator.predict
    # itemgetter of one name gives a scalar, not a 1-tuple.
    values = operator.itemgetter(*features) if len(features) > 1 else (lambda row: (row[features[0]],))
    predict_proba = estimator.predict_proba if hasattr(estimator, "predict_proba") else None
    classes = getattr(estimator, "classes_", None)
    metadata = {
        "model_uri": model_uri,
        "version": card.get("version") or digest[7:19],
        "digest": digest,
        "features": features,
        "classes": classes.tolist() if classes is not None else None,
        "card": card,
    }
    # Rows arrive as a numpy array in `features` order; an estimator fitted on a DataFrame
    # would warn about the missing column names on every request.
    warnings.filterwarnings("ignore", message="X does not have valid feature names")

    app = FastAPI(title=f"Jimu model {card.get('name') or card.get('estimator', '')}".strip(), version=metadata["version"])
    app.state.estimator, app.state.card, app.state.metadata = estimator, card, metadata
    health = json.dumps({"status": "ok", "digest": digest}).encode()

    @app.get("/health")
    def get_health() -> Response:
        return Response(health, media_type="application/json")

    @app.get("/metadata")
    def get_metadata() -> dict[str, Any]:
        return metadata

    request_schema = adapter.json_schema()

    @app.post(
        "/predict",
        openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": request_schema}}}},
    )
    async def post_predict(request: Request) -> Response:
        try:
            rows = adapter.validate_json(await request.body())["rows"]
        except ValidationError as exc:
            return _unprocessable(exc)
        X = np.array([values(row) for row in rows], dtype=np.float64)
        answer = {"predictions": predict(X).tolist()}
        if predict_proba is not None:
            answer["probabilities"] = predict_proba(X).tolist()
        return Response(to_json(answer), media_type="application/json")

    return app
