import type { TypeProto } from "../proto/onnx_pb.js";

/** One dimension during inference: a size, a symbolic name, or null when unknown. */
export type Dim = number | string | null;

/** A tensor type; `elementType` 0 means unknown, `shape` undefined means unknown rank. */
export interface TensorType {
  readonly kind: "tensor";
  readonly elementType: number;
  readonly shape: readonly Dim[] | undefined;
}

/** A sequence of values of one type (element undefined when unknown). */
export interface SequenceType {
  readonly kind: "sequence";
  readonly element: ValueType | undefined;
}

/** An optional value (element undefined when unknown). */
export interface OptionalType {
  readonly kind: "optional";
  readonly element: ValueType | undefined;
}

/** Types inference does not reason about (maps, sparse tensors, opaque), carried as they were declared. */
export interface OtherType {
  readonly kind: "other";
  readonly proto: TypeProto;
}

/** Any value type inference tracks. */
export type ValueType = TensorType | SequenceType | OptionalType | OtherType;

/**
 * The elements of a small integer tensor known at inference time (shape
 * subgraphs): numbers, symbolic names carried from a shape, or null where unknown.
 */
export interface KnownValue {
  readonly shape: readonly number[];
  readonly values: readonly Dim[];
}

/** A disagreement between a declared type and the inferred one (the declared type is kept). */
export interface ShapeConflict {
  /** The value whose declared type disagrees. */
  readonly value: string;
  /** The node that produces it ("" for graph inputs and initializers). */
  readonly node: string;
  readonly opType: string;
  readonly message: string;
}

/** What inferShapes did. */
export interface ShapeInferenceSummary {
  /** Values whose type inference wrote or made more specific. */
  readonly valuesTyped: number;
  /** Values of the main graph and its subgraphs that ended with a tensor type of known rank. */
  readonly valuesWithShape: number;
  /** Declared types that disagree with inference, and nodes whose inputs cannot be right. */
  readonly conflicts: readonly ShapeConflict[];
  /** Op types (domain-qualified outside the default domain) that have no rule, with how many nodes each. */
  readonly unsupportedOps: ReadonlyMap<string, number>;
}

/** Options of inferShapes. */
export interface ShapeInferenceOptions {
  /** Largest integer tensor (elements) whose values are tracked for shape folding (default 1024). */
  readonly maxKnownElements?: number;
  /** Write inferred types onto the IR values (default true); false only computes the summary. */
  readonly write?: boolean;
}
