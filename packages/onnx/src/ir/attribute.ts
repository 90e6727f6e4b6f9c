import { create } from "@bufbuild/protobuf";
import { OnnxError } from "../errors/onnx-error.js";
import {
  type AttributeProto,
  AttributeProtoSchema,
  AttributeProto_AttributeType as AttributeType,
  type SparseTensorProto,
  type TypeProto,
} from "../proto/onnx_pb.js";
import { Tensor, tensorFor } from "../tensor/tensor.js";
import type { Graph } from "./graph.js";

export { AttributeType };

/** The JS form of an attribute's value, by attribute type. */
export type AttributeValue =
  | number
  | bigint
  | Uint8Array
  | Tensor
  | Graph
  | SparseTensorProto
  | TypeProto
  | number[]
  | bigint[]
  | Uint8Array[]
  | Tensor[]
  | Graph[]
  | SparseTensorProto[]
  | TypeProto[]
  | undefined;

/** Fields that hold a value, in AttributeType order, to infer the type of IR v1 attributes. */
function inferType(
  proto: AttributeProto,
  graphs: { graph?: Graph; graphList: Graph[] },
): AttributeType {
  if (proto.type !== AttributeType.UNDEFINED) return proto.type;
  const set = (field: string) => Object.hasOwn(proto, field);
  if (set("f")) return AttributeType.FLOAT;
  if (set("i")) return AttributeType.INT;
  if (set("s")) return AttributeType.STRING;
  if (set("t")) return AttributeType.TENSOR;
  if (graphs.graph) return AttributeType.GRAPH;
  if (set("sparseTensor")) return AttributeType.SPARSE_TENSOR;
  if (set("tp")) return AttributeType.TYPE_PROTO;
  if (proto.floats.length) return AttributeType.FLOATS;
  if (proto.ints.length) return AttributeType.INTS;
  if (proto.strings.length) return AttributeType.STRINGS;
  if (proto.tensors.length) return AttributeType.TENSORS;
  if (graphs.graphList.length) return AttributeType.GRAPHS;
  if (proto.sparseTensors.length) return AttributeType.SPARSE_TENSORS;
  if (proto.typeProtos.length) return AttributeType.TYPE_PROTOS;
  return AttributeType.UNDEFINED;
}

/**
 * A node attribute. Graph-valued attributes hold IR graphs (editable, with
 * outer-scope references); everything else stays in the AttributeProto.
 */
export class Attribute {
  /** The message without its graph fields (those live in `graph` / `graphList`). */
  readonly proto: AttributeProto;
  /** Body of a GRAPH attribute. */
  graph: Graph | undefined;
  /** Bodies of a GRAPHS attribute. */
  graphList: Graph[];

  /** @internal */
  constructor(proto: AttributeProto, graph?: Graph, graphList: Graph[] = []) {
    this.proto = proto;
    this.graph = graph;
    this.graphList = graphList;
  }

  /** Creates an attribute from a name and a JS value (number → INT unless `type` says FLOAT). */
  static create(name: string, type: AttributeType, value: AttributeValue): Attribute {
    const proto = create(AttributeProtoSchema, { name, type });
    const attribute = new Attribute(proto);
    const fail = () =>
      new OnnxError(
        "BUILDER_INVALID",
        `attribute "${name}": value does not fit type ${AttributeType[type]}`,
      );
    switch (type) {
      case AttributeType.FLOAT:
        if (typeof value !== "number") throw fail();
        proto.f = value;
        break;
      case AttributeType.INT:
        if (typeof value !== "number" && typeof value !== "bigint") throw fail();
        proto.i = BigInt(value);
        break;
      case AttributeType.STRING:
        proto.s =
          typeof value === "string" ? new TextEncoder().encode(value) : (value as Uint8Array);
        break;
      case AttributeType.TENSOR:
        if (!(value instanceof Tensor)) throw fail();
        proto.t = value.proto;
        break;
      case AttributeType.GRAPH:
        attribute.graph = value as Graph;
        break;
      case AttributeType.SPARSE_TENSOR:
        proto.sparseTensor = value as SparseTensorProto;
        break;
      case AttributeType.TYPE_PROTO:
        proto.tp = value as TypeProto;
        break;
      case AttributeType.FLOATS:
        proto.floats = [...(value as number[])];
        break;
      case AttributeType.INTS:
        proto.ints = (value as (number | bigint)[]).map((v) => BigInt(v));
        break;
      case AttributeType.STRINGS:
        proto.strings = (value as (string | Uint8Array)[]).map((v) =>
          typeof v === "string" ? new TextEncoder().encode(v) : v,
        );
        break;
      case AttributeType.TENSORS:
        proto.tensors = (value as Tensor[]).map((t) => t.proto);
        break;
      case AttributeType.GRAPHS:
        attribute.graphList = [...(value as Graph[])];
        break;
      case AttributeType.SPARSE_TENSORS:
        proto.sparseTensors = [...(value as SparseTensorProto[])];
        break;
      case AttributeType.TYPE_PROTOS:
        proto.typeProtos = [...(value as TypeProto[])];
        break;
      default:
        throw fail();
    }
    return attribute;
  }

  /** Attribute name. */
  get name(): string {
    return this.proto.name;
  }

  /** Declared type, or the type inferred from the field that is set (IR v1 models omit it). */
  get type(): AttributeType {
    return inferType(this.proto, this);
  }

  /** For attributes inside function bodies: the function attribute this one refers to. */
  get refAttrName(): string | undefined {
    return this.proto.refAttrName || undefined;
  }

  /** The value in its JS form. */
  get value(): AttributeValue {
    const p = this.proto;
    switch (this.type) {
      case AttributeType.FLOAT:
        return p.f;
      case AttributeType.INT:
        return p.i;
      case AttributeType.STRING:
        return p.s;
      case AttributeType.TENSOR:
        return p.t ? tensorFor(p.t) : undefined;
      case AttributeType.GRAPH:
        return this.graph;
      case AttributeType.SPARSE_TENSOR:
        return p.sparseTensor;
      case AttributeType.TYPE_PROTO:
        return p.tp;
      case AttributeType.FLOATS:
        return p.floats;
      case AttributeType.INTS:
        return p.ints;
      case AttributeType.STRINGS:
        return p.strings;
      case AttributeType.TENSORS:
        return p.tensors.map(tensorFor);
      case AttributeType.GRAPHS:
        return this.graphList;
      case AttributeType.SPARSE_TENSORS:
        return p.sparseTensors;
      case AttributeType.TYPE_PROTOS:
        return p.typeProtos;
      default:
        return undefined;
    }
  }

  /** Every graph this attribute holds. */
  get graphs(): Graph[] {
    return this.graph ? [this.graph, ...this.graphList] : this.graphList;
  }
}
