import { type GateReader, matchGatedProduct } from "./gated-product.js";
import { producedBy } from "./match.js";
import { formatConstant } from "./pattern-constants.js";
import { flattenProduct, hasFactors } from "./product.js";
import type { SiteRule } from "./rule.js";

/** The gate σ(β·x): Sigmoid of x, or of x times (or divided by) a constant in either order. */
const sigmoidGate: GateReader = {
  isGate: (value) => producedBy(value, "Sigmoid") !== undefined,
  read(gate, x) {
    const sigmoid = gate.producer!;
    const argument = sigmoid.inputs[0];
    if (!argument) return undefined;
    // A Sigmoid reading another tensor is a gating product (GLU), not SiLU: no near miss.
    const scaled = flattenProduct(argument, new Set([x]));
    if (!hasFactors(scaled, new Map([[x, 1]]))) return undefined;
    const beta = scaled.coefficient;
    if (!Number.isFinite(beta) || beta <= 0)
      return `Sigmoid reads β·x with β = ${formatConstant(beta)}; silu needs a finite β > 0`;
    return {
      activation: "silu",
      params: { beta },
      nodes: [sigmoid, ...scaled.nodes],
      coefficient: 1,
    };
  },
};

/** SiLU / Swish x·Sigmoid(β·x) (β = 1 for plain x·Sigmoid(x)), either operand order. */
export const siluRule: SiteRule = {
  name: "silu",
  anchors: ["Mul", "Div"],
  domain: "",
  // Mul, Sigmoid (and a Mul for β ≠ 1).
  size: 2,
  match: (node, context) => matchGatedProduct(node, context, sigmoidGate),
};
