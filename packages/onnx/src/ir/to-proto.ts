import { create } from "@bufbuild/protobuf";
import {
  type AttributeProto,
  type FunctionProto,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type OperatorSetIdProto,
  OperatorSetIdProtoSchema,
  type SparseTensorProto,
  type TensorProto,
  type ValueInfoProto,
  ValueInfoProtoSchema,
} from "../proto/onnx_pb.js";
import type { Attribute } from "./attribute.js";
import type { Graph } from "./graph.js";
import type { Model, ModelFunction, OpsetImport } from "./model.js";
import type { Node } from "./node.js";
import { assignIfChanged, shallowClone } from "./proto-clone.js";
import type { Value } from "./value.js";

/**
 * Turns the IR back into a ModelProto. Messages the IR did not change are
 * reused as they are (tensor bytes included), so an unedited model encodes
 * to the bytes it was decoded from.
 */
export function modelToProto(model: Model): ModelProto {
  const proto = shallowClone(model.rest);
  if (Number(proto.irVersion) !== model.irVersion) proto.irVersion = BigInt(model.irVersion);
  proto.opsetImport = opsetsToProto(model.opsetImports, model.rest.opsetImport);
  assignIfChanged(proto, "producerName", model.producerName);
  assignIfChanged(proto, "producerVersion", model.producerVersion);
  assignIfChanged(proto, "domain", model.domain);
  assignIfChanged(proto, "modelVersion", model.modelVersion);
  assignIfChanged(proto, "docString", model.docString);
  proto.metadataProps = [...model.metadataProps];
  const graphWasAbsent = !Object.hasOwn(model.rest, "graph");
  if (!(graphWasAbsent && isEmptyGraph(model.graph))) proto.graph = graphToProto(model.graph);
  proto.functions = model.functions.map(functionToProto);
  return proto;
}

function isEmptyGraph(graph: Graph): boolean {
  return (
    graph.nodes.length === 0 &&
    graph.inputs.length === 0 &&
    graph.outputs.length === 0 &&
    graph.initializers.length === 0 &&
    graph.name === ""
  );
}

function opsetsToProto(
  opsets: readonly OpsetImport[],
  original: readonly OperatorSetIdProto[],
): OperatorSetIdProto[] {
  return opsets.map((opset, index) => {
    const before = original[index];
    if (before && before.domain === opset.domain && Number(before.version) === opset.version)
      return before;
    const proto = create(OperatorSetIdProtoSchema, { version: BigInt(opset.version) });
    if (opset.domain !== "") proto.domain = opset.domain;
    return proto;
  });
}

/** Turns one graph (and its subgraphs) into a GraphProto. */
export function graphToProto(graph: Graph): GraphProto {
  const proto = shallowClone(graph.rest);
  assignIfChanged(proto, "name", graph.name);
  assignIfChanged(proto, "docString", graph.docString);
  proto.node = graph.nodes.map(nodeToProto);
  proto.initializer = graph.initializers.map((value) =>
    namedTensor(value.initializer!.proto, value.name),
  );
  proto.sparseInitializer = graph.sparseInitializers.map((value) => namedSparse(value));
  proto.input = graph.inputs.map((v) => valueInfoFor(v, graph.infoOverrides.input));
  proto.output = graph.outputs.map((v) => valueInfoFor(v, graph.infoOverrides.output));
  proto.valueInfo = graph.valueInfo.map((v) => valueInfoFor(v, graph.infoOverrides.valueInfo));
  return proto;
}

function namedTensor(tensor: TensorProto, name: string): TensorProto {
  if (tensor.name === name) return tensor;
  const copy = shallowClone(tensor);
  copy.name = name;
  return copy;
}

function namedSparse(value: Value): SparseTensorProto {
  const sparse = value.sparseInitializer!;
  if (!sparse.values || sparse.values.name === value.name) return sparse;
  const copy = shallowClone(sparse);
  copy.values = namedTensor(sparse.values, value.name);
  return copy;
}

function valueInfoFor(
  value: Value,
  overrides?: ReadonlyMap<Value, ValueInfoProto>,
): ValueInfoProto {
  const info = overrides?.get(value) ?? value.info;
  if (!info) return create(ValueInfoProtoSchema, { name: value.name });
  if (info.name === value.name) return info;
  const copy = shallowClone(info);
  copy.name = value.name;
  return copy;
}

function nodeToProto(node: Node): NodeProto {
  const proto = shallowClone(node.rest);
  proto.input = node.inputs.map((value) => value?.name ?? "");
  proto.output = node.outputs.map((value) => value?.name ?? "");
  assignIfChanged(proto, "name", node.name);
  assignIfChanged(proto, "opType", node.opType);
  assignIfChanged(proto, "domain", node.domain);
  assignIfChanged(proto, "overload", node.overload);
  assignIfChanged(proto, "docString", node.docString);
  proto.attribute = node.attributes.map(attributeToProto);
  return proto;
}

function attributeToProto(attribute: Attribute): AttributeProto {
  if (!attribute.graph && attribute.graphList.length === 0) return attribute.proto;
  const proto = shallowClone(attribute.proto);
  if (attribute.graph) proto.g = graphToProto(attribute.graph);
  proto.graphs = attribute.graphList.map(graphToProto);
  return proto;
}

/** Turns a model-local function back into a FunctionProto. */
export function functionToProto(fn: ModelFunction): FunctionProto {
  const proto = shallowClone(fn.rest);
  assignIfChanged(proto, "name", fn.name);
  assignIfChanged(proto, "domain", fn.domain);
  assignIfChanged(proto, "overload", fn.overload);
  assignIfChanged(proto, "docString", fn.docString);
  proto.attribute = [...fn.attributeNames];
  proto.attributeProto = [...fn.attributeDefaults];
  proto.opsetImport = opsetsToProto(fn.opsetImports, fn.rest.opsetImport);
  proto.input = fn.graph.inputs.map((value) => value.name);
  proto.output = fn.graph.outputs.map((value) => value.name);
  proto.node = fn.graph.nodes.map(nodeToProto);
  proto.valueInfo = fn.graph.valueInfo.map((v) =>
    valueInfoFor(v, fn.graph.infoOverrides.valueInfo),
  );
  return proto;
}
