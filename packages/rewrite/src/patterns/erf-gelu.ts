import type { Value } from "@rectify/onnx";
import { type GateReader, matchGatedProduct } from "./gated-product.js";
import { commutedOperands, producedBy } from "./match.js";
import {
  inverseSqrt2,
  matchesConstant,
  oneElementConstant,
  wrongConstant,
} from "./pattern-constants.js";
import { flattenProduct, hasFactors } from "./product.js";
import type { SiteRule } from "./rule.js";

/** The gate 1 + Erf(x/√2), with x/√2 as a Div by √2 or a Mul by 1/√2 in either order. */
const erfGate: GateReader = {
  isGate: (value) => {
    const add = producedBy(value, "Add");
    return add?.inputs.some((input) => producedBy(input, "Erf") !== undefined) === true;
  },
  read(gate, x) {
    const add = gate.producer!;
    const [erfValue, one] =
      commutedOperands(add, (value) => producedBy(value, "Erf") !== undefined) ?? [];
    const offset = oneElementConstant(one);
    const erf = producedBy(erfValue, "Erf");
    const argument: Value | null | undefined = erf?.inputs[0];
    if (!erf || !argument || offset === undefined) return undefined;
    const scaled = flattenProduct(argument, new Set([x]));
    if (!hasFactors(scaled, new Map([[x, 1]]))) return undefined;
    if (!matchesConstant(offset, 1)) return wrongConstant("the constant added to Erf", offset, 1);
    if (!matchesConstant(scaled.coefficient, inverseSqrt2))
      return wrongConstant(
        "Erf's argument as a multiple of x (x/√2)",
        scaled.coefficient,
        inverseSqrt2,
      );
    return { activation: "gelu", params: {}, nodes: [add, erf, ...scaled.nodes], coefficient: 0.5 };
  },
};

/**
 * Exact GELU as PyTorch, TensorFlow and Paddle export it:
 * x · 0.5 · (1 + Erf(x/√2)) with the Mul chain in any association and order,
 * and the ½ as a Mul by 0.5 or a Div by 2. Constant nodes stay out of `nodes`
 * (they may be shared; a dead-node pass removes them).
 */
export const erfGeluRule: SiteRule = {
  name: "erf-gelu",
  anchors: ["Mul", "Div"],
  domain: "",
  // PyTorch's form: Div, Erf, Add, Mul, Mul.
  size: 5,
  match: (node, context) => matchGatedProduct(node, context, erfGate),
};
