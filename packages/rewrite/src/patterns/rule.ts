import type { Parameters } from "@rectify/kernels";
import type { Model, Node, Value } from "@rectify/onnx";

/** What a rule sees besides the node: the model, the graph's opset and where it is. */
export interface MatchContext {
  readonly model: Model;
  /** Opset version of the default domain for the graph being searched. */
  readonly opset: number;
  readonly location: string;
}

/** A successful match: the activation, its parameters and the nodes that compute it. */
export interface PatternMatch {
  readonly activation: string;
  readonly params: Parameters;
  readonly input: Value;
  readonly output: Value;
  /** Every node of the match; the anchor node (the one producing `output`) is one of them. */
  readonly nodes: readonly Node[];
  readonly bias?: Value;
  readonly parameters?: readonly (Value | null)[];
  readonly range?: readonly [number, number];
  readonly axis?: number;
}

/**
 * A recogniser: given the node that would produce the activation's output
 * (the anchor), return a match, a near-miss reason (the structure fits but a
 * check fails, e.g. "inner value has other consumers"), or undefined.
 */
export interface SiteRule {
  /** The rule name reported for its sites (`erf-gelu`, or the op type for single ops). */
  readonly name: string;
  /** Op types an anchor may have (`["*"]`: any). */
  readonly anchors: readonly string[];
  /** Domain of the anchor op ("" is ONNX's default domain). */
  readonly domain: string;
  /** Larger patterns are tried first so they claim their inner ops (Tanh inside tanh-GELU). */
  readonly size: number;
  match(node: Node, context: MatchContext): PatternMatch | string | undefined;
}
