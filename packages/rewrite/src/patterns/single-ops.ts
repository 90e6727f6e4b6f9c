import type { Node } from "@rectify/onnx";
import { floatAttribute, scalarConstant } from "./match.js";
import type { MatchContext, PatternMatch, SiteRule } from "./rule.js";
import { structuralRange } from "./value-range.js";

/** ONNX's default Selu constants: the float32 values nearest α and λ of the SELU paper. */
const seluAlpha = Math.fround(1.6732632423543772);
const seluGamma = Math.fround(1.0507009873554805);

/** One single-op rule: the op's activation and its parameters read from attributes/inputs. */
export function singleOp(
  opType: string,
  read: (
    node: Node,
    context: MatchContext,
  ) => Omit<PatternMatch, "output" | "nodes"> | string | undefined,
  domain = "",
): SiteRule {
  const name = domain ? `${domain}.${opType}` : opType;
  return {
    name,
    anchors: [opType],
    domain,
    size: 1,
    match(node, context) {
      const output = node.outputs[0];
      if (!output || !node.inputs[0]) return undefined;
      const found = read(node, context);
      if (found === undefined || typeof found === "string") return found;
      return { ...found, output, nodes: [node] };
    },
  };
}

/** Clip's bounds: attributes before opset 11, optional constant inputs from 11 on. */
function clipBounds(node: Node, opset: number): [number, number] | string {
  if (opset < 11) {
    return [
      floatAttribute(node, "min", -3.4028234663852886e38),
      floatAttribute(node, "max", 3.4028234663852886e38),
    ];
  }
  const [, minInput, maxInput] = node.inputs;
  const lo = minInput ? scalarConstant(minInput) : Number.NEGATIVE_INFINITY;
  const hi = maxInput ? scalarConstant(maxInput) : Number.POSITIVE_INFINITY;
  if (lo === undefined || hi === undefined) return "Clip bounds are not constants";
  return [lo, hi];
}

/** The single ONNX (and onnxruntime com.microsoft) ops that are activations. */
export const singleOpRules: readonly SiteRule[] = [
  singleOp("Relu", (node) => ({ activation: "relu", params: {}, input: node.inputs[0]! })),
  singleOp("LeakyRelu", (node) => ({
    activation: "leaky-relu",
    params: { alpha: floatAttribute(node, "alpha", 0.01) },
    input: node.inputs[0]!,
  })),
  singleOp("PRelu", (node): Omit<PatternMatch, "output" | "nodes"> | string => {
    const slope = node.inputs[1];
    if (!slope) return "PRelu without a slope input";
    const a = scalarConstant(slope);
    if (a === undefined)
      return { activation: "prelu", params: {}, input: node.inputs[0]!, parameters: [slope] };
    return { activation: "prelu", params: { a }, input: node.inputs[0]! };
  }),
  singleOp("Elu", (node) => ({
    activation: "elu",
    params: { alpha: floatAttribute(node, "alpha", 1) },
    input: node.inputs[0]!,
  })),
  singleOp("Selu", (node) => ({
    activation: "selu",
    params: {
      alpha: floatAttribute(node, "alpha", seluAlpha),
      gamma: floatAttribute(node, "gamma", seluGamma),
    },
    input: node.inputs[0]!,
  })),
  singleOp("Celu", (node) => ({
    activation: "celu",
    params: { alpha: floatAttribute(node, "alpha", 1) },
    input: node.inputs[0]!,
  })),
  singleOp("Softplus", (node) => ({ activation: "softplus", params: {}, input: node.inputs[0]! })),
  singleOp("Softsign", (node) => ({ activation: "softsign", params: {}, input: node.inputs[0]! })),
  singleOp("Sigmoid", (node) => ({ activation: "sigmoid", params: {}, input: node.inputs[0]! })),
  singleOp("HardSigmoid", (node) => ({
    activation: "hard-sigmoid",
    params: { alpha: floatAttribute(node, "alpha", 0.2), beta: floatAttribute(node, "beta", 0.5) },
    input: node.inputs[0]!,
  })),
  singleOp("HardSwish", (node) => ({
    activation: "hard-swish",
    params: {},
    input: node.inputs[0]!,
  })),
  singleOp("Tanh", (node) => ({ activation: "tanh", params: {}, input: node.inputs[0]! })),
  singleOp("Gelu", (node) => {
    const mode = node.getString("approximate", "none");
    if (mode !== "none" && mode !== "tanh") return `Gelu approximate="${mode}" is not an ONNX mode`;
    return {
      activation: mode === "tanh" ? "gelu-tanh" : "gelu",
      params: {},
      input: node.inputs[0]!,
    };
  }),
  singleOp("Mish", (node) => ({ activation: "mish", params: {}, input: node.inputs[0]! })),
  singleOp("ThresholdedRelu", (node) => ({
    activation: "thresholded-relu",
    params: { alpha: floatAttribute(node, "alpha", 1) },
    input: node.inputs[0]!,
  })),
  singleOp("Clip", (node, context) => {
    const bounds = clipBounds(node, context.opset);
    if (typeof bounds === "string") return bounds;
    const [lo, hi] = bounds;
    if (lo !== 0) return undefined;
    if (hi === 6) return { activation: "relu6", params: {}, input: node.inputs[0]! };
    if (hi >= 3.4e38) return { activation: "relu", params: {}, input: node.inputs[0]! };
    return undefined;
  }),
  // Exp, Log and Erf outside recognised activations (attention, custom normalisations): their
  // stand-ins hold on part of ℝ (e^x on (−∞, 0]), so the input's structural bounds go with the site.
  singleOp("Exp", (node) => bounded("exp", node)),
  singleOp("Log", (node) => bounded("log", node)),
  singleOp("Erf", (node) => bounded("erf", node)),
  singleOp("Softmax", (node, context) => softmaxLike(node, context, "softmax")),
  singleOp("LogSoftmax", (node, context) => softmaxLike(node, context, "log-softmax")),
  singleOp(
    "Gelu",
    (node) => ({ activation: "gelu", params: {}, input: node.inputs[0]! }),
    "com.microsoft",
  ),
  singleOp(
    "FastGelu",
    (node) => ({ activation: "gelu-tanh", params: {}, input: node.inputs[0]!, ...bias(node) }),
    "com.microsoft",
  ),
  singleOp(
    "QuickGelu",
    (node) => ({
      activation: "silu",
      params: { beta: floatAttribute(node, "alpha", 1.702) },
      input: node.inputs[0]!,
    }),
    "com.microsoft",
  ),
  singleOp(
    "BiasGelu",
    (node) => {
      if (!node.inputs[1]) return "BiasGelu without its bias input";
      return { activation: "gelu", params: {}, input: node.inputs[0]!, bias: node.inputs[1] };
    },
    "com.microsoft",
  ),
];

/** A unary site with the bounds its input is known to stay in. */
function bounded(activation: string, node: Node): Omit<PatternMatch, "output" | "nodes"> {
  const input = node.inputs[0]!;
  const range = structuralRange(input);
  return { activation, params: {}, input, ...(range ? { range } : {}) };
}

function bias(node: Node): { bias?: NonNullable<Node["inputs"][number]> } {
  const value = node.inputs[1];
  return value ? { bias: value } : {};
}

/**
 * Softmax and LogSoftmax: before opset 13 they flatten the input to 2-D at
 * `axis` (default 1) and normalise over everything after it; from 13 on they
 * normalise along `axis` (default −1). The site records the axis; lowering
 * rejects the pre-13 form unless the axis is the last one.
 */
function softmaxLike(
  node: Node,
  context: MatchContext,
  activation: string,
): Omit<PatternMatch, "output" | "nodes"> {
  const axis = node.getInt("axis", context.opset >= 13 ? -1 : 1)!;
  return { activation, params: {}, input: node.inputs[0]!, axis };
}
