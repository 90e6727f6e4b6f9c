#!/usr/bin/python3
"""Validate the committed PyTorch-exported models against their manifest.

    /usr/bin/python3 tooling/models/check-torch-models.py

For every model in tooling/models/torch/manifest.json: the file's sha256 is the
one recorded, onnx.checker.check_model(full_check=True) passes (Debian's
python3-onnx 1.12, which also runs strict shape inference), the declared inputs
and outputs are the manifest's, and every test shape's .npy files bind each
symbolic dim (batch, time, ...) to one value across all inputs and outputs.
A model's labelled data sets (digits-silu's calibration and held-out) are
checked the same way, with one int64 label per batch row, and the training
facts must give the data sets' sizes.
Running the models is check-torch-models.mjs's job (onnxruntime-node).
"""
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import onnx

MODELS_DIR = Path(__file__).resolve().parent / "torch"


def declared(value_info):
    tensor = value_info.type.tensor_type
    return {
        "name": value_info.name,
        "dtype": onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[tensor.elem_type].name,
        "dims": [d.dim_param if d.dim_param else d.dim_value for d in tensor.shape.dim],
    }


def check_model(entry):
    problems = []
    path = MODELS_DIR / entry["file"]
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        problems.append("sha256 differs from the manifest (re-run export-torch-models.py)")
    model = onnx.load_from_string(data)
    try:
        onnx.checker.check_model(model, full_check=True)
    except Exception as error:  # the checker raises several exception types
        problems.append(f"onnx.checker: {error}")
    inputs = [declared(v) for v in model.graph.input]
    outputs = [declared(v) for v in model.graph.output]
    if inputs != entry["inputs"] or outputs != entry["outputs"]:
        problems.append("declared inputs/outputs differ from the manifest")
    opset = next(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    if opset != entry["opset"]:
        problems.append(f"opset {opset}, manifest says {entry['opset']}")

    datasets = entry.get("datasets", [])
    for shape in entry["test_shapes"] + datasets:
        bound = {}
        for role, values, decls in (("input", shape["inputs"], inputs), ("output", shape["outputs"], outputs)):
            for decl in decls:
                item = values.get(decl["name"])
                if item is None:
                    problems.append(f"{shape['id']}: no {role} {decl['name']}")
                    continue
                array = np.load(MODELS_DIR / item["file"], allow_pickle=False)
                if list(array.shape) != item["shape"] or array.dtype.name != decl["dtype"]:
                    problems.append(f"{shape['id']}: {decl['name']} is {array.dtype}{list(array.shape)}")
                if len(decl["dims"]) != array.ndim:
                    problems.append(f"{shape['id']}: {decl['name']} has rank {array.ndim}, declared {decl['dims']}")
                    continue
                if "value" in item and array.item() != item["value"]:
                    problems.append(f"{shape['id']}: {decl['name']} holds {array.item()}, manifest says {item['value']}")
                if not np.all(np.isfinite(array)):
                    problems.append(f"{shape['id']}: {decl['name']} has non-finite values")
                for dim, size in zip(decl["dims"], array.shape):
                    if isinstance(dim, str):
                        if bound.setdefault(dim, size) != size:
                            problems.append(f"{shape['id']}: {dim} is {bound[dim]} and {size}")
                    elif dim != size:
                        problems.append(f"{shape['id']}: {decl['name']} has {size} where {dim} is declared")
        if "labels" in shape:
            labels = np.load(MODELS_DIR / shape["labels"]["file"], allow_pickle=False)
            if labels.dtype.name != "int64" or list(labels.shape) != [bound.get("batch")]:
                problems.append(f"{shape['id']}: labels are {labels.dtype}{list(labels.shape)}, not one int64 per batch row")
        shape_text = ", ".join(f"{k}={v}" for k, v in bound.items())
        print(f"  {shape['id']}: {shape_text}")
    split = entry.get("training", {}).get("split", {})
    for dataset in datasets:
        if split.get(dataset["id"]) != dataset["labels"]["shape"][0]:
            problems.append(f"{dataset['id']}: {dataset['labels']['shape'][0]} rows, the training split says {split.get(dataset['id'])}")
    return problems


def main():
    manifest = json.loads((MODELS_DIR / "manifest.json").read_text())
    failed = 0
    for entry in manifest["models"]:
        print(f"{entry['name']} ({entry['bytes']} bytes, opset {entry['opset']})")
        problems = check_model(entry)
        for problem in problems:
            print(f"  FAIL {problem}")
        failed += bool(problems)
        if not problems:
            print("  checker full_check ok, manifest consistent")
    print("all models ok" if failed == 0 else f"{failed} model(s) failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
