import type { Graph } from "../ir/graph.js";
import type { Node } from "../ir/node.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Dim, KnownValue, TensorType, ValueType } from "./types.js";

/**
 * Thrown by attribute readers and rules when a node cannot be typed (an
 * attribute of the wrong type, an unsafe integer): the engine then leaves the
 * node's outputs unknown. Never escapes inferShapes.
 */
export class SkipNode extends Error {}

/** Reads a node's attributes, resolving references to a calling function's attributes. */
export interface AttributeReader {
  has(name: string): boolean;
  int(name: string): number | undefined;
  ints(name: string): number[] | undefined;
  float(name: string): number | undefined;
  floats(name: string): number[] | undefined;
  string(name: string): string | undefined;
  tensor(name: string): Tensor | undefined;
  graph(name: string): Graph | undefined;
}

/** What a per-op rule sees of one node and what it can report. */
export interface RuleContext {
  readonly node: Node;
  /** The default-domain opset the node runs under. */
  readonly opset: number;
  /** Number of input slots (omitted optional inputs count as slots). */
  readonly inputCount: number;
  readonly outputCount: number;
  /** Largest integer tensor whose values are tracked. */
  readonly maxKnownElements: number;
  readonly attributes: AttributeReader;
  /** True when input `index` is given (not omitted). */
  hasInput(index: number): boolean;
  /** True when output `index` is wanted. */
  hasOutput(index: number): boolean;
  /** The type of input `index`, if known. */
  input(index: number): ValueType | undefined;
  /** The tensor type of input `index`, if it is a tensor. */
  tensor(index: number): TensorType | undefined;
  /** Shape of input `index` when its rank is known. */
  shape(index: number): readonly Dim[] | undefined;
  /** Element type of input `index` (0 when unknown). */
  elementType(index: number): number;
  /** Values of input `index` when it is a small tensor known at inference time. */
  known(index: number): KnownValue | undefined;
  /** Sets output `index` (ignored when the output is omitted). */
  setOutput(index: number, type: ValueType | undefined, known?: KnownValue): void;
  /** Reports that the node's inputs cannot be right (outputs stay unknown). */
  conflict(message: string): void;
  /** Infers a subgraph body given its input types; returns its output types. */
  inferSubgraph(
    graph: Graph,
    inputs: readonly (ValueType | undefined)[],
  ): (ValueType | undefined)[];
}

/** A per-op inference rule: reads inputs and attributes, sets outputs it can type. */
export type ShapeRule = (context: RuleContext) => void;

/** A table of rules keyed by op type (default domain). */
export type RuleTable = Readonly<Record<string, ShapeRule>>;
