import type {
  AttributeProto,
  FunctionProto,
  GraphProto,
  ModelProto,
  NodeProto,
  ValueInfoProto,
} from "../proto/onnx_pb.js";
import { tensorFor } from "../tensor/tensor.js";
import { Attribute } from "./attribute.js";
import { Graph, type GraphKind } from "./graph.js";
import { Model, ModelFunction } from "./model.js";
import { Node } from "./node.js";
import { shallowClone } from "./proto-clone.js";
import type { Value } from "./value.js";

/** Builds the editable IR over a decoded ModelProto (tensor bytes are shared, not copied). */
export function modelFromProto(proto: ModelProto): Model {
  const graph = graphFromProto(proto.graph, "main", undefined);
  const model = new Model(proto, graph);
  model.functions = proto.functions.map(functionFromProto);
  return model;
}

/** Builds a graph (and its subgraphs) from a GraphProto; `parent` resolves outer-scope names. */
export function graphFromProto(
  proto: GraphProto | undefined,
  kind: GraphKind,
  parent: Graph | undefined,
): Graph {
  const graph = new Graph(kind, parent, proto);
  if (!proto) return graph;
  for (const info of proto.input) {
    const existing = graph.localValue(info.name);
    const value = existing && !existing.isGraphInput ? existing : graph.defineValue(info.name);
    declare(graph, "input", value, info);
    graph.inputs.push(value);
  }
  for (const tensorProto of proto.initializer) {
    const existing = graph.localValue(tensorProto.name);
    const value =
      existing && !existing.initializer && !existing.sparseInitializer
        ? existing
        : graph.defineValue(tensorProto.name);
    value.initializer = tensorFor(tensorProto);
    graph.initializers.push(value);
  }
  for (const sparse of proto.sparseInitializer) {
    const name = sparse.values?.name ?? "";
    const existing = graph.localValue(name);
    const value =
      existing && !existing.initializer && !existing.sparseInitializer
        ? existing
        : graph.defineValue(name);
    value.sparseInitializer = sparse;
    graph.sparseInitializers.push(value);
  }
  buildNodes(graph, proto.node);
  attachValueInfo(graph, proto.valueInfo);
  for (const info of proto.output) {
    const value = resolve(graph, info.name);
    declare(graph, "output", value, info);
    graph.outputs.push(value);
  }
  return graph;
}

/** The first declaration becomes the value's info; a different one in another list is kept beside it. */
function declare(
  graph: Graph,
  list: "input" | "output" | "valueInfo",
  value: Value,
  info: ValueInfoProto,
): void {
  if (!value.info) value.info = info;
  else if (value.info !== info) graph.infoOverrides[list].set(value, info);
}

function resolve(graph: Graph, name: string): Value {
  return graph.lookup(name) ?? graph.defineValue(name);
}

function attachValueInfo(graph: Graph, infos: readonly ValueInfoProto[]): void {
  for (const info of infos) {
    const value = resolve(graph, info.name);
    declare(graph, "valueInfo", value, info);
    graph.valueInfo.push(value);
  }
}

/** Creates nodes in two passes: all outputs first (so subgraphs can see every outer value), then inputs and attributes. */
function buildNodes(graph: Graph, protos: readonly NodeProto[]): void {
  const nodes = protos.map((proto) => {
    const node = new Node(graph, proto, []);
    node.setOutputsUnchecked(
      proto.output.map((name) => (name === "" ? null : graph.defineValue(name))),
    );
    graph.nodes.push(node);
    return node;
  });
  nodes.forEach((node, index) => {
    const proto = protos[index]!;
    for (const [slot, name] of proto.input.entries()) {
      node.setInput(slot, name === "" ? null : resolve(graph, name));
    }
    node.attributes = proto.attribute.map((attribute) => attributeFromProto(attribute, node));
  });
}

function attributeFromProto(proto: AttributeProto, node: Node): Attribute {
  const hasGraph = Object.hasOwn(proto, "g") && proto.g !== undefined;
  if (!hasGraph && proto.graphs.length === 0) return new Attribute(proto);
  const rest = shallowClone(proto);
  delete (rest as { g?: GraphProto }).g;
  rest.graphs = [];
  const build = (g: GraphProto) => {
    const sub = graphFromProto(g, "subgraph", node.graph);
    sub.attachTo(node);
    return sub;
  };
  return new Attribute(rest, hasGraph ? build(proto.g!) : undefined, proto.graphs.map(build));
}

/** Builds a model-local function's IR. */
export function functionFromProto(proto: FunctionProto): ModelFunction {
  const fn = new ModelFunction(proto);
  const graph = fn.graph;
  for (const name of proto.input) graph.inputs.push(graph.defineValue(name));
  buildNodes(graph, proto.node);
  attachValueInfo(graph, proto.valueInfo);
  for (const name of proto.output) graph.outputs.push(resolve(graph, name));
  return fn;
}
