"""Convert a scikit-learn model to ONNX (skl2onnx), one float tensor over the card's features."""

from __future__ import annotations

from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType

from jimu.runtime import storage

ONNX_FILE = "model.onnx"
CARD_FILE = "model.json"
INPUT_NAME = "input"


def run(ctx) -> None:
    estimator, card = ctx.read_model("model")
    features = list(card.get("features") or [])
    if not features:
        raise ValueError("the model card lists no features; train the model with the train component")
    options = None
    if card.get("task", "classification") == "classification":
        # Plain tensors rather than a list of {class: probability} maps: what serving code reads.
        options = {id(estimator): {"zipmap": False}}
    onnx_model = convert_sklearn(
        estimator,
        initial_types=[(INPUT_NAME, FloatTensorType([None, len(features)]))],
        options=options,
        target_opset=ctx.params.get("target_opset"),
    )
    uri = ctx.output_uri("onnx")
    storage.write_bytes(uri, ONNX_FILE, onnx_model.SerializeToString())
    outputs = [o.name for o in onnx_model.graph.output]
    storage.write_json(uri, CARD_FILE, {**card, "format": "onnx", "onnx_input": INPUT_NAME, "onnx_outputs": outputs})
    ctx.log(f"wrote {ONNX_FILE} ({len(features)} float inputs, outputs {outputs})")
