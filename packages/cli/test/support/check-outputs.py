"""Independent check of rewritten models, for the real-model acceptance suite.

Reads JSON from stdin: {"profiles": {name: profile}, "models": [{"path", "target"}]}.
For each model: onnx.checker.check_model(full_check=True), and an op walk of
every graph (subgraphs of If/Loop/Scan included, model-local functions at
their own opset) listing the ops the target profile does not run, judged by
the profile's documented rules (Constant always runs; listed ops run within
their minOpset/maxOpset; unlisted ones run when runsUnlistedOps and not in
"unsupported"), leaving out main-graph nodes evaluated at load (all inputs
constant, Shape/Size of a static input) and Identity nodes a runtime drops. Prints one JSON line: [{"path", "checker", "cannotRun"}].
"""
import json
import sys

import onnx


def qualified(op_type, domain):
    return op_type if domain in ("", "ai.onnx") else f"{domain}.{op_type}"


def runs(profile, op_type, domain, opset):
    if op_type == "Constant" and domain in ("", "ai.onnx"):
        return True
    key = qualified(op_type, domain)
    entry = profile.get("ops", {}).get(key)
    if isinstance(entry, dict):
        low = entry.get("minOpset", 1)
        high = entry.get("maxOpset", 10**9)
        if not (low <= opset <= high):
            return False
    if entry is not None:
        return True
    return profile["runsUnlistedOps"] and key not in profile.get("unsupported", [])


NEVER_FOLDED = {"RandomUniform", "RandomNormal", "RandomUniformLike", "RandomNormalLike",
                "Multinomial", "Bernoulli"}


def folded_nodes(graph):
    """Main-graph nodes a runtime evaluates at load (onnxruntime's constant folding)
    or drops (Identity not producing a graph output): they run on no device."""
    inputs = {value.name for value in graph.input}
    constant = {tensor.name for tensor in graph.initializer if tensor.name not in inputs}
    static = {
        value.name
        for value in graph.input
        if value.type.HasField("tensor_type")
        and value.type.tensor_type.HasField("shape")
        and all(dim.HasField("dim_value") for dim in value.type.tensor_type.shape.dim)
    }
    outputs = {value.name for value in graph.output}
    folded = set()
    for index, node in enumerate(graph.node):
        if node.op_type == "Identity" and node.domain == "" and node.output[0] not in outputs:
            folded.add(index)
            continue
        if node.op_type in NEVER_FOLDED or any(
            attribute.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS)
            for attribute in node.attribute
        ):
            continue
        given = [name for name in node.input if name]
        foldable = (
            node.op_type == "Constant"
            or (given and all(name in constant for name in given))
            or (node.op_type in ("Shape", "Size")
                and all(name in static or name in constant for name in given))
        )
        if foldable:
            folded.add(index)
            constant.update(name for name in node.output if name)
    return folded


def walk(graph, opset, profile, counts, skip=frozenset()):
    for index, node in enumerate(graph.node):
        if index in skip:
            continue
        if not runs(profile, node.op_type, node.domain, opset):
            key = qualified(node.op_type, node.domain)
            counts[key] = counts.get(key, 0) + 1
        for attribute in node.attribute:
            if attribute.type == onnx.AttributeProto.GRAPH:
                walk(attribute.g, opset, profile, counts)
            for body in attribute.graphs:
                walk(body, opset, profile, counts)


def default_opset(imports):
    for entry in imports:
        if entry.domain in ("", "ai.onnx"):
            return entry.version
    return None


def main():
    request = json.load(sys.stdin)
    results = []
    for item in request["models"]:
        model = onnx.load(item["path"])
        try:
            onnx.checker.check_model(model, full_check=True)
            checker = "ok"
        except Exception as error:  # the checker's own exception types vary by version
            checker = str(error).splitlines()[0]
        profile = request["profiles"][item["target"]]
        counts = {}
        model_opset = default_opset(model.opset_import) or 1
        walk(model.graph, model_opset, profile, counts, folded_nodes(model.graph))
        for function in model.functions:
            walk(function, default_opset(function.opset_import) or model_opset, profile, counts)
        results.append({"path": item["path"], "checker": checker, "cannotRun": counts})
    print(json.dumps(results))


main()
