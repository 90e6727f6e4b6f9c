import { OnnxError } from "../errors/onnx-error.js";
import type { NodeProto } from "../proto/onnx_pb.js";
import { type Attribute, AttributeType } from "./attribute.js";
import type { Graph } from "./graph.js";
import type { Value } from "./value.js";

/**
 * One operator application. Inputs and outputs are Values (null marks an
 * omitted optional input or output); edit them through the methods so that
 * every value's list of uses stays right.
 */
export class Node {
  /** The graph whose node list holds this node. */
  readonly graph: Graph;
  opType: string;
  domain: string;
  name: string;
  overload: string;
  docString: string;
  /** Attributes in file order. */
  attributes: Attribute[];
  /** The original message, for fields the IR does not model (metadata, device configuration, unknown fields). */
  readonly rest: NodeProto;
  private inputList: (Value | null)[] = [];
  private outputList: (Value | null)[] = [];

  /** @internal use graph.addNode */
  constructor(graph: Graph, rest: NodeProto, attributes: Attribute[]) {
    this.graph = graph;
    this.rest = rest;
    this.opType = rest.opType;
    this.domain = rest.domain;
    this.name = rest.name;
    this.overload = rest.overload;
    this.docString = rest.docString;
    this.attributes = attributes;
  }

  /** Input values in order (null for an omitted optional input). */
  get inputs(): readonly (Value | null)[] {
    return this.inputList;
  }

  /** Output values in order (null for an unused optional output). */
  get outputs(): readonly (Value | null)[] {
    return this.outputList;
  }

  /** Sets input `index` (appending empty slots as needed), keeping use lists right. */
  setInput(index: number, value: Value | null): void {
    while (this.inputList.length <= index) this.inputList.push(null);
    const old = this.inputList[index];
    if (old === value) return;
    if (old) old.removeUse(this, index);
    this.inputList[index] = value;
    if (value) value.addUse(this, index);
  }

  /** Replaces every input at once. */
  setInputs(values: readonly (Value | null)[]): void {
    this.detachInputs();
    for (const [index, value] of values.entries()) this.setInput(index, value);
    this.inputList.length = values.length;
  }

  /** Appends an input. */
  addInput(value: Value | null): void {
    this.setInput(this.inputList.length, value);
  }

  /** Removes trailing inputs so the node has `count` inputs. */
  truncateInputs(count: number): void {
    for (let index = this.inputList.length - 1; index >= count; index--) this.setInput(index, null);
    this.inputList.length = Math.min(this.inputList.length, count);
  }

  /** @internal drops this node from the use lists of all its inputs */
  detachInputs(): void {
    for (const [index, value] of this.inputList.entries()) value?.removeUse(this, index);
    this.inputList = [];
  }

  /** @internal */
  setOutputsUnchecked(values: (Value | null)[]): void {
    this.outputList = values;
    values.forEach((value, index) => {
      if (value) {
        value.producerNode = this;
        value.producerOutputIndex = index;
      }
    });
  }

  /** The attribute with this name, if any. */
  attribute(name: string): Attribute | undefined {
    return this.attributes.find((a) => a.name === name);
  }

  /** Adds or replaces an attribute by name. */
  setAttribute(attribute: Attribute): void {
    for (const graph of attribute.graphs) graph.attachTo(this);
    const at = this.attributes.findIndex((a) => a.name === attribute.name);
    if (at >= 0) this.attributes[at] = attribute;
    else this.attributes.push(attribute);
  }

  /** Removes an attribute by name; returns whether it existed. */
  removeAttribute(name: string): boolean {
    const at = this.attributes.findIndex((a) => a.name === name);
    if (at >= 0) this.attributes.splice(at, 1);
    return at >= 0;
  }

  /** A FLOAT attribute's value, or `fallback`. */
  getFloat(name: string, fallback?: number): number | undefined {
    const attribute = this.attribute(name);
    if (!attribute) return fallback;
    return this.expect(attribute, AttributeType.FLOAT, "FLOAT").proto.f;
  }

  /** An INT attribute's value as a number (throws if not a safe integer), or `fallback`. */
  getInt(name: string, fallback?: number): number | undefined {
    const attribute = this.attribute(name);
    if (!attribute) return fallback;
    const value = this.expect(attribute, AttributeType.INT, "INT").proto.i;
    const number = Number(value);
    if (!Number.isSafeInteger(number)) {
      throw new OnnxError(
        "GRAPH_INVALID",
        `node "${this.name}" attribute "${name}" = ${value} is out of the safe integer range`,
        {
          node: this.name,
        },
      );
    }
    return number;
  }

  /** An INTS attribute's values as bigints, or `fallback`. */
  getInts(name: string, fallback?: bigint[]): bigint[] | undefined {
    const attribute = this.attribute(name);
    if (!attribute) return fallback;
    return this.expect(attribute, AttributeType.INTS, "INTS").proto.ints;
  }

  /** A FLOATS attribute's values, or `fallback`. */
  getFloats(name: string, fallback?: number[]): number[] | undefined {
    const attribute = this.attribute(name);
    if (!attribute) return fallback;
    return this.expect(attribute, AttributeType.FLOATS, "FLOATS").proto.floats;
  }

  /** A STRING attribute decoded as UTF-8, or `fallback`. */
  getString(name: string, fallback?: string): string | undefined {
    const attribute = this.attribute(name);
    if (!attribute) return fallback;
    return new TextDecoder().decode(this.expect(attribute, AttributeType.STRING, "STRING").proto.s);
  }

  /** Every subgraph held by this node's attributes. */
  get subgraphs(): Graph[] {
    return this.attributes.flatMap((a) => a.graphs);
  }

  /** The index of this node in its graph's node list (-1 once removed). */
  get index(): number {
    return this.graph.nodes.indexOf(this);
  }

  /** Short description for messages: `Relu "name"` or `Relu #index`. */
  describe(): string {
    return this.name ? `${this.opType} "${this.name}"` : `${this.opType} #${this.index}`;
  }

  private expect(attribute: Attribute, type: AttributeType, label: string): Attribute {
    if (attribute.type !== type) {
      throw new OnnxError(
        "GRAPH_INVALID",
        `node ${this.describe()} attribute "${attribute.name}" is ${AttributeType[attribute.type]}, expected ${label}`,
        { node: this.name },
      );
    }
    return attribute;
  }
}
