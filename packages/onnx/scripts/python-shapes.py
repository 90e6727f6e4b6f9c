"""Runs onnx.shape_inference (python3-onnx) on many models in one process.

Reads a JSON list of {"id", "path"} from the file named by argv[1] and prints
one JSON object per model on stdout: the inferred type of every value in the
main graph and its subgraphs, keyed by name, or the error that stopped it.
Used by compare-shapes.ts; not part of the package.
"""
import json
import sys

import onnx
import onnx.shape_inference


def type_json(type_proto):
    kind = type_proto.WhichOneof("value")
    if kind == "tensor_type":
        tensor = type_proto.tensor_type
        shape = None
        if tensor.HasField("shape"):
            shape = []
            for dim in tensor.shape.dim:
                which = dim.WhichOneof("value")
                if which == "dim_value":
                    shape.append(dim.dim_value)
                elif which == "dim_param" and dim.dim_param:
                    shape.append(dim.dim_param)
                else:
                    shape.append(None)
        return {"kind": "tensor", "elem": tensor.elem_type, "shape": shape}
    if kind is None:
        return None
    return {"kind": kind}


def collect(graph, types):
    for info in list(graph.value_info) + list(graph.output):
        if info.HasField("type"):
            types[info.name] = type_json(info.type)
    for node in graph.node:
        for attribute in node.attribute:
            if attribute.HasField("g"):
                collect(attribute.g, types)
            for sub in attribute.graphs:
                collect(sub, types)


def main():
    with open(sys.argv[1]) as handle:
        jobs = json.load(handle)
    for job in jobs:
        result = {"id": job["id"]}
        try:
            model = onnx.load(job["path"])
            inferred = onnx.shape_inference.infer_shapes(model, strict_mode=False, data_prop=True)
            types = {}
            collect(inferred.graph, types)
            result["types"] = types
        except Exception as error:  # noqa: BLE001 - one bad model must not stop the batch
            result["error"] = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()


main()
