import type { Parameters } from "@rectify/kernels";
import type { Graph, Node, Value } from "@rectify/onnx";

/**
 * One occurrence of an activation in a graph: a single node (`Softplus`) or
 * a recognised subgraph (`x · 0.5 · (1 + Erf(x / √2))`). Substituting a site
 * replaces `nodes` by new nodes that compute `output` from `input`.
 */
export interface Site {
  /** Unique within the model: the location and the output value's name. */
  readonly id: string;
  /** Registered @rectify/kernels activation this site computes (`softplus`, `gelu`, …). */
  readonly activation: string;
  /** Its parameters as read from the model (attribute values, matched constants). */
  readonly params: Parameters;
  /** The rule that recognised it: an op type (`Softplus`, `com.microsoft.FastGelu`) or a pattern name (`erf-gelu`). */
  readonly rule: string;
  /** The graph holding every node of the site. */
  readonly graph: Graph;
  /** The nodes computing the activation, in graph order; all of them go when the site is substituted. */
  readonly nodes: readonly Node[];
  /** The activation's argument. */
  readonly input: Value;
  /** The activation's result (keeps its name and uses after substitution). */
  readonly output: Value;
  /** A value added to the input first (com.microsoft BiasGelu / FastGelu with bias). */
  readonly bias?: Value;
  /**
   * Tensors the site reads besides its input, in the order its exact forms
   * name them (PRelu's slope tensor; LayerNormalization's scale and bias).
   */
  readonly parameters?: readonly (Value | null)[];
  /**
   * What shape inference found about the input (or output) when the model
   * does not declare it: planning and lowering read it after the inferred
   * types are taken off the model again.
   */
  readonly inferred?: {
    readonly elementType?: number;
    readonly rank?: number;
    /** Elements of the input when its shape is static. */
    readonly elements?: number;
  };
  /** Bounds the input is known to stay in from the graph's structure (x − max x ≤ 0, −x² ≤ 0, …). */
  readonly range?: readonly [number, number];
  /** For softmax-like sites: the axis, normalised to be non-negative when the rank is known. */
  readonly axis?: number;
  /** Where the graph is: `main`, `main > If "cond" > then_branch`, `function local.MyFn`. */
  readonly location: string;
  /** The opset version of the default domain where the site is (what lowering may emit). */
  readonly opset: number;
}

/** What a rule that nearly matched says about why it did not (reported by `inspect`). */
export interface NearMiss {
  readonly rule: string;
  /** The node the rule was looking at. */
  readonly node: Node;
  readonly location: string;
  readonly reason: string;
}
