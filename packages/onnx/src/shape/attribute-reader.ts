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
export class NodeAttributes implements AttributeReader {
  constructor(
    private readonly node: Node,
    private readonly call: CallAttributes | undefined,
  ) {}

  private find(name: string): Attribute | undefined {
    const attribute = this.node.attribute(name);
    if (!attribute) return undefined;
    const reference = attribute.refAttrName;
    if (reference !== undefined) return this.call?.get(reference);
    return attribute;
  }

  private typed(name: string, type: AttributeType): Attribute | undefined {
    const attribute = this.find(name);
    if (!attribute) return undefined;
    if (attribute.type !== type)
      throw new SkipNode(`attribute "${name}" has type ${AttributeType[attribute.type]}`);
    return attribute;
  }

  has(name: string): boolean {
    return this.find(name) !== undefined;
  }

  int(name: string): number | undefined {
    const attribute = this.typed(name, AttributeType.INT);
    return attribute ? safeNumber(attribute.proto.i) : undefined;
  }

  ints(name: string): number[] | undefined {
    return this.typed(name, AttributeType.INTS)?.proto.ints.map(safeNumber);
  }

  float(name: string): number | undefined {
    return this.typed(name, AttributeType.FLOAT)?.proto.f;
  }

  floats(name: string): number[] | undefined {
    return this.typed(name, AttributeType.FLOATS)?.proto.floats;
  }

  string(name: string): string | undefined {
    const bytes = this.typed(name, AttributeType.STRING)?.proto.s;
    return bytes ? new TextDecoder().decode(bytes) : undefined;
  }

  tensor(name: string): Tensor | undefined {
    const proto = this.typed(name, AttributeType.TENSOR)?.proto.t;
    return proto ? tensorFor(proto) : undefined;
  }

  graph(name: string): Graph | undefined {
    return this.typed(name, AttributeType.GRAPH)?.graph;
  }
}
