"""One model behind HTTP: GET /health, GET /metadata, POST /predict.

The model is loaded once, when the app is built. The request path stays small: pydantic-core
parses and checks the JSON body in one pass (numbers only, every feature, nothing else), the
rows become one numpy array, and pydantic-core dumps the answer (several times faster than
`json.dumps` on lists of floats, and exact: floats round-trip).

Parsing, predict and dumping run in a worker thread (at most `threads` at once), not on the
event loop, so /health answers while a large /predict runs. Only a body of a size that has lately
been answered in under a millisecond runs on the loop: there, a thread hop would cost more than
it saves. Every answer about a bad body is a 4xx with a JSON `message` and `detail`: a value the
estimator cannot take (beyond float32 for tree models, or one that makes its arithmetic overflow)
is a 422 naming the row and feature.
"""

from __future__ import annotations

import hashlib
import json
import math
import operator
import time
import warnings
from typing import Annotated, Any

import anyio
import numpy as np
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ConfigDict, Field, TypeAdapter, ValidationError
from pydantic_core import to_json
from sklearn.exceptions import NotFittedError
from typing_extensions import TypedDict

from jimu.runtime import storage
from jimu.runtime.models import MODEL_FILE, read_model

MAX_ROWS = 10_000
MAX_LISTED = 5  # errors spelled out in `message`; `detail` has them all
FLOAT32_MAX = float(np.finfo(np.float32).max)
# Handing a request to a thread and back costs 0.1-0.3 ms of CPU and two wake-ups, which on a busy
# machine can take milliseconds. So a body is answered on the event loop when bodies of its size
# (to a power of two) have lately been answered in under INLINE_SECONDS; others, and any size not
# seen yet, go to a thread.
INLINE_SECONDS = 0.001


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


def _unprocessable(errors: list[dict[str, Any]]) -> JSONResponse:
    """422 listing `errors` (pydantic's shape: loc without "body", msg, type)."""
    detail = [{"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]} for e in errors]
    more = len(errors) - MAX_LISTED
    message = "; ".join(_describe(e) for e in errors[:MAX_LISTED]) + (f" (and {more} more)" if more > 0 else "")
    return JSONResponse({"message": message, "detail": detail}, status_code=422)


def _invalid(exc: ValidationError) -> JSONResponse:
    return _unprocessable(exc.errors(include_url=False, include_context=False, include_input=False))


def _beyond_the_model(X: np.ndarray, features: list[str], exc: ValueError) -> JSONResponse:
    """422 for rows the estimator refused: name each value that does not fit in float32, else relay its reason."""
    with np.errstate(over="ignore"):
        cells = np.argwhere(np.isinf(X.astype(np.float32)))
    if len(cells):
        # Tree models compute in float32: sklearn refuses any value that rounds to infinity there.
        return _unprocessable([
            {"loc": ("rows", int(i), features[j]), "type": "float32_overflow",
             "msg": f"{float(X[i, j])!r} is beyond what the model takes (it computes in float32: magnitude at most {FLOAT32_MAX:.8g})"}
            for i, j in cells
        ])
    return _unprocessable([{"loc": ("rows",), "msg": f"the model cannot take these rows: {exc}", "type": "model_refused"}])


def _not_finite_rows(outputs: list[Any]) -> np.ndarray:
    """Indexes of rows with a NaN or infinite output (numeric outputs only: classes may be strings)."""
    bad = np.zeros(len(outputs[0]), dtype=bool)
    # A multi-output classifier's predict_proba is a list of arrays, one per output.
    for out in (array for output in outputs for array in (output if isinstance(output, list) else [output])):
        if out.dtype.kind in "fc":
            finite = np.isfinite(out)
            bad |= ~(finite if finite.ndim == 1 else finite.reshape(len(finite), -1).all(axis=1))
    return np.flatnonzero(bad)


def _overflowed(X: np.ndarray, features: list[str], rows: np.ndarray) -> JSONResponse:
    """422 for rows whose answer is not finite: the values were too large for the model's arithmetic."""
    errors = []
    for i in rows:
        j = int(np.argmax(np.abs(X[i])))
        errors.append({
            "loc": ("rows", int(i), features[j]), "type": "model_overflow",
            "msg": f"the model's answer for this row is not a finite number (its arithmetic overflowed); "
                   f"the largest value in the row is this one, {float(X[i, j])!r}",
        })
    return _unprocessable(errors)


def _unsupported_media_type(content_type: str | None) -> JSONResponse | None:
    """415 unless the body is declared as JSON (UTF-8, the only encoding JSON has)."""
    media_type, *params = (content_type or "").lower().split(";")
    charset = next((p.split("=", 1)[1].strip(' "') for p in params if p.strip().startswith("charset=")), "utf-8")
    if media_type.strip() == "application/json" and charset in ("utf-8", "utf8"):
        return None
    message = (
        f"POST /predict takes a JSON body; the request says Content-Type: {content_type or '(none)'}. "
        'Send {"rows": [{feature: number, ...}, ...]} with the header Content-Type: application/json'
    )
    detail = [{"loc": ["header", "content-type"], "msg": message, "type": "unsupported_media_type"}]
    return JSONResponse({"message": message, "detail": detail}, status_code=415)


def create_app(model_uri: str, *, threads: int = 1) -> FastAPI:
    """An app serving the model stored at `model_uri` (a folder with model.skops + model.json).

    `threads`: how many requests may parse, predict and answer at once, each in a worker thread.
    """
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
        "classes": None if classes is None else [c.tolist() for c in classes] if isinstance(classes, list) else classes.tolist(),
        "card": card,
    }
    # Rows arrive as a numpy array in `features` order; an estimator fitted on a DataFrame
    # would warn about the missing column names on every request.
    warnings.filterwarnings("ignore", message="X does not have valid feature names")

    app = FastAPI(title=f"Jimu model {card.get('name') or card.get('estimator', '')}".strip(), version=metadata["version"])
    app.state.estimator, app.state.card, app.state.metadata = estimator, card, metadata
    health = json.dumps({"status": "ok", "digest": digest}).encode()

    # async: answered on the event loop itself, never queued behind predictions for a thread.
    @app.get("/health")
    async def get_health() -> Response:
        return Response(health, media_type="application/json")

    @app.get("/metadata")
    async def get_metadata() -> dict[str, Any]:
        return metadata

    request_schema = adapter.json_schema()

    @app.post(
        "/predict",
        openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": request_schema}}}},
    )
    async def post_predict(request: Request) -> Response:
        refused = _unsupported_media_type(request.headers.get("content-type"))
        if refused is not None:
            return refused
        body = await request.body()
        nonlocal limiter
        size = len(body).bit_length()
        if cost.get(size, math.inf) < INLINE_SECONDS:
            response, seconds = timed_answer(body)
        else:
            if limiter is None:  # made here, in the event loop that will use it
                limiter = anyio.CapacityLimiter(threads)
            response, seconds = await anyio.to_thread.run_sync(timed_answer, body, limiter=limiter)
        if response.status_code == 200:  # a quick 422 says nothing about the cost of a prediction
            # The fastest lately, creeping up 25 % a request: a pause of the machine does not
            # count, a slower model or bigger rows soon do.
            cost[size] = min(seconds, cost.get(size, math.inf) * 1.25)
        return response

    limiter: anyio.CapacityLimiter | None = None
    cost: dict[int, float] = {}  # seconds to answer a body of 2**(k-1) to 2**k bytes, by k

    def timed_answer(body: bytes) -> tuple[Response, float]:
        started = time.perf_counter()
        response = answer(body)
        return response, time.perf_counter() - started

    def answer(body: bytes) -> Response:
        try:
            rows = adapter.validate_json(body)["rows"]
        except ValidationError as exc:
            return _invalid(exc)
        X = np.array([values(row) for row in rows], dtype=np.float64)
        try:
            # Overflow inside the model is checked below, on its answer; no warning per request.
            with np.errstate(all="ignore"):
                outputs = [predict(X)] + ([predict_proba(X)] if predict_proba is not None else [])
        except NotFittedError:
            raise
        except ValueError as exc:  # sklearn's own input checks: e.g. a value beyond float32 for a tree
            return _beyond_the_model(X, features, exc)
        bad = _not_finite_rows(outputs)
        if len(bad):
            return _overflowed(X, features, bad)
        reply = {"predictions": outputs[0].tolist()}
        if predict_proba is not None:
            proba = outputs[1]
            reply["probabilities"] = [p.tolist() for p in proba] if isinstance(proba, list) else proba.tolist()
        return Response(to_json(reply), media_type="application/json")

    return app
