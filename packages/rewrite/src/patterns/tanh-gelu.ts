import type { Node, Value } from "@rectify/onnx";
import { type GateReader, matchGatedProduct } from "./gated-product.js";
import { commutedOperands, producedBy } from "./match.js";
import {
  geluCubic,
  matchesConstant,
  oneElementConstant,
  sqrtTwoOverPi,
  wrongConstant,
} from "./pattern-constants.js";
import { flattenProduct, hasFactors } from "./product.js";
import type { SiteRule } from "./rule.js";

/** The inner polynomial of tanh-GELU, whichever way it was written. */
interface Cubic {
  readonly nodes: readonly Node[];
  /** The coefficient of x³ (0.044715). */
  readonly cubic: number;
  /** The 1 in x·(1 + a·x²); 1 for the x + a·x³ form. */
  readonly one: number;
}

/** `value` = k · x^power, the k (x³ as Pow(x, 3), x·x·x or x·Pow(x, 2)). */
function monomial(
  value: Value,
  x: Value,
  power: number,
): { nodes: readonly Node[]; k: number } | undefined {
  const product = flattenProduct(value, new Set([x]));
  return hasFactors(product, new Map([[x, power]]))
    ? { nodes: product.nodes, k: product.coefficient }
    : undefined;
}

/** Reads √(2/π)·(x + a·x³) or √(2/π)·x·(1 + a·x²) with x given; the scale and the polynomial. */
function readArgument(
  argument: Value,
  x: Value,
): (Cubic & { scale: number; scaleNodes: readonly Node[] }) | undefined {
  const outer = flattenProduct(argument, new Set([x]));
  const [first, second] = [...outer.factors.keys()];
  const base = { scale: outer.coefficient, scaleNodes: outer.nodes };
  if (outer.factors.size === 1 && outer.factors.get(first!) === 1) {
    // x + a·x³
    const add = producedBy(first, "Add");
    const [, term] = (add && commutedOperands(add, (value) => value === x)) ?? [];
    const cube = term && monomial(term, x, 3);
    return add && cube
      ? { ...base, nodes: [add, ...cube.nodes], cubic: cube.k, one: 1 }
      : undefined;
  }
  if (outer.factors.size !== 2 || outer.factors.get(x) !== 1) return undefined;
  // x · (1 + a·x²)
  const sum = first === x ? second : first;
  const add = producedBy(sum, "Add");
  const [one, term] =
    (add && commutedOperands(add, (value) => oneElementConstant(value) !== undefined)) ?? [];
  const square = term && monomial(term, x, 2);
  if (!add || !square || outer.factors.get(sum!) !== 1) return undefined;
  return { ...base, nodes: [add, ...square.nodes], cubic: square.k, one: oneElementConstant(one)! };
}

/** The gate 1 + Tanh(√(2/π)·(x + 0.044715·x³)). */
const tanhGate: GateReader = {
  isGate: (value) => {
    const add = producedBy(value, "Add");
    return add?.inputs.some((input) => producedBy(input, "Tanh") !== undefined) === true;
  },
  read(gate, x) {
    const add = gate.producer!;
    const [tanhValue, one] =
      commutedOperands(add, (value) => producedBy(value, "Tanh") !== undefined) ?? [];
    const offset = oneElementConstant(one);
    const tanh = producedBy(tanhValue, "Tanh");
    const argument = tanh?.inputs[0];
    const inner = argument ? readArgument(argument, x) : undefined;
    if (!tanh || !inner || offset === undefined) return undefined;
    if (!matchesConstant(offset, 1)) return wrongConstant("the constant added to Tanh", offset, 1);
    if (!matchesConstant(inner.one, 1))
      return wrongConstant("the constant in x·(1 + a·x²)", inner.one, 1);
    if (!matchesConstant(inner.scale, sqrtTwoOverPi))
      return wrongConstant("the scale inside Tanh (√(2/π))", inner.scale, sqrtTwoOverPi);
    if (!matchesConstant(inner.cubic, geluCubic))
      return wrongConstant("the coefficient of x³ inside Tanh", inner.cubic, geluCubic);
    return {
      activation: "gelu-tanh",
      params: {},
      nodes: [add, tanh, ...inner.scaleNodes, ...inner.nodes],
      coefficient: 0.5,
    };
  },
};

/**
 * GELU's tanh approximation as exporters write it:
 * 0.5·x·(1 + Tanh(√(2/π)·(x + 0.044715·x³))), x³ as Pow(x, 3) or x·x·x, the
 * inner sum also as x·(1 + 0.044715·x²); products in any association.
 */
export const tanhGeluRule: SiteRule = {
  name: "tanh-gelu",
  anchors: ["Mul", "Div"],
  domain: "",
  // Pow, Mul, Add, Mul, Tanh, Add, Mul, Mul (HuggingFace's NewGELU).
  size: 8,
  match: (node, context) => matchGatedProduct(node, context, tanhGate),
};
