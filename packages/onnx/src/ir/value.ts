import { create } from "@bufbuild/protobuf";
import { OnnxError } from "../errors/onnx-error.js";
import {
  type SparseTensorProto,
  type TypeProto,
  type ValueInfoProto,
  ValueInfoProtoSchema,
} from "../proto/onnx_pb.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Graph } from "./graph.js";
import type { Node } from "./node.js";

/** One place a value is read: input `index` of `node`. */
export interface Use {
  readonly node: Node;
  readonly index: number;
}

/**
 * A named value in a graph (SSA): produced by one node output, a graph input or
 * an initializer, read by any number of node inputs (also from nested subgraphs).
 */
export class Value {
  /** The graph whose scope defines this value. */
  readonly graph: Graph;
  private currentName: string;
  /** The ValueInfoProto (type, doc string, metadata) when the graph declares one. */
  info: ValueInfoProto | undefined;
  /** Constant data when the value is an initializer. */
  initializer: Tensor | undefined;
  /** Sparse constant data when the value is a sparse initializer. */
  sparseInitializer: SparseTensorProto | undefined;
  /** @internal */ producerNode: Node | undefined;
  /** @internal */ producerOutputIndex = -1;
  /** @internal */ readonly useList: Use[] = [];

  /** @internal use graph.createValue */
  constructor(graph: Graph, name: string) {
    this.graph = graph;
    this.currentName = name;
  }

  /** The value's name (unique within its model scope). */
  get name(): string {
    return this.currentName;
  }

  /** Renames the value everywhere it is referenced; throws when the name is taken in scope. */
  rename(name: string): void {
    if (name === this.currentName) return;
    this.graph.renameValue(this, name);
  }

  /** @internal sets the name without scope bookkeeping */
  setNameUnchecked(name: string): void {
    this.currentName = name;
  }

  /** Declared type (tensor element type and shape, sequence, map, optional), if any. */
  get type(): TypeProto | undefined {
    return this.info?.type;
  }

  set type(type: TypeProto | undefined) {
    if (!this.info) this.info = create(ValueInfoProtoSchema, { name: this.currentName });
    if (type === undefined) delete (this.info as { type?: TypeProto }).type;
    else this.info.type = type;
  }

  /** The node that computes this value, if any. */
  get producer(): Node | undefined {
    return this.producerNode;
  }

  /** Which output of its producer this value is (-1 when not a node output). */
  get producerIndex(): number {
    return this.producerOutputIndex;
  }

  /** Every node input that reads this value, in any graph of the model. */
  get uses(): readonly Use[] {
    return this.useList;
  }

  /** True for graph inputs of the defining graph. */
  get isGraphInput(): boolean {
    return this.graph.inputs.includes(this);
  }

  /** True when the defining graph lists this value as an output. */
  get isGraphOutput(): boolean {
    return this.graph.outputs.includes(this);
  }

  /** True when nothing defines the value (a dangling reference kept for round-tripping). */
  get isDangling(): boolean {
    return (
      !this.producerNode &&
      !this.initializer &&
      !this.sparseInitializer &&
      !this.graph.inputs.includes(this)
    );
  }

  /** @internal */
  addUse(node: Node, index: number): void {
    this.useList.push({ node, index });
  }

  /** @internal */
  removeUse(node: Node, index: number): void {
    const at = this.useList.findIndex((use) => use.node === node && use.index === index);
    if (at < 0) {
      throw new OnnxError(
        "GRAPH_INVALID",
        `internal: value "${this.name}" has no use at input ${index} of node "${node.name}"`,
        { node: node.name, value: this.name },
      );
    }
    this.useList.splice(at, 1);
  }

  toString(): string {
    return `Value(${this.name})`;
  }
}
