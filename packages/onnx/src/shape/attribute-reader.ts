import { Attribute, AttributeType } from "../ir/attribute.js";
import type { Graph } from "../ir/graph.js";
import type { Node } from "../ir/node.js";
import type { AttributeProto } from "../proto/onnx_pb.js";
import { type Tensor, tensorFor } from "../tensor/tensor.js";
import { type AttributeReader, SkipNode } from "./rule-context.js";

/** The attributes of the node calling a function, used to resolve ref_attr_name inside its body. */
export type CallAttributes = ReadonlyMap<string, Attribute>;

function safeNumber(value: bigint): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new SkipNode(`attribute value ${value} is out of range`);
  return number;
}

/** Builds the map of a call's attributes, falling back to the function's defaults. */
export function callAttributes(node: Node, defaults: readonly AttributeProto[]): CallAttributes {
  const map = new Map<string, Attribute>();
  for (const proto of defaults) map.set(proto.name, new Attribute(proto));
  for (const attribute of node.attributes) map.set(attribute.name, attribute);
  return map;
}

/** An AttributeReader over `node`, reading referenced attributes from `call` when inside a function. */
export function attributeReader(node: Node, call: CallAttributes | undefined): AttributeReader {
  const find = (name: string): Attribute | undefined => {
    const attribute = node.attribute(name);
    if (!attribute) return undefined;
    const reference = attribute.refAttrName;
    if (reference !== undefined) return call?.get(reference);
    return attribute;
  };
  const typed = (name: string, type: AttributeType): Attribute | undefined => {
    const attribute = find(name);
    if (!attribute) return undefined;
    if (attribute.type !== type)
      throw new SkipNode(`attribute "${name}" has type ${AttributeType[attribute.type]}`);
    return attribute;
  };
  return {
    has: (name) => find(name) !== undefined,
    int: (name) => {
      const attribute = typed(name, AttributeType.INT);
      return attribute ? safeNumber(attribute.proto.i) : undefined;
    },
    ints: (name) => typed(name, AttributeType.INTS)?.proto.ints.map(safeNumber),
    float: (name) => typed(name, AttributeType.FLOAT)?.proto.f,
    floats: (name) => typed(name, AttributeType.FLOATS)?.proto.floats,
    string: (name) => {
      const bytes = typed(name, AttributeType.STRING)?.proto.s;
      return bytes ? new TextDecoder().decode(bytes) : undefined;
    },
    tensor: (name): Tensor | undefined => {
      const proto = typed(name, AttributeType.TENSOR)?.proto.t;
      return proto ? tensorFor(proto) : undefined;
    },
    graph: (name): Graph | undefined => typed(name, AttributeType.GRAPH)?.graph,
  };
}
