import type { Node, Value } from "@rectify/onnx";
import { type GateMatch, type GateReader, matchGatedProduct } from "./gated-product.js";
import { commutedOperands, floatAttribute, producedBy } from "./match.js";
import {
  formatConstant,
  matchesConstant,
  oneElementConstant,
  wrongConstant,
} from "./pattern-constants.js";
import { readRelu6 } from "./relu6-forms.js";
import type { MatchContext, SiteRule } from "./rule.js";

/** The gate ReLU6(x + 3) (the product then divides by 6). */
function readShiftedRelu6(
  gate: Value,
  x: Value,
  context: MatchContext,
): GateMatch | string | undefined {
  const relu6 = readRelu6(gate, context.opset);
  const add = producedBy(relu6?.argument, "Add");
  const [, shift] = (add && commutedOperands(add, (value) => value === x)) ?? [];
  const offset = oneElementConstant(shift);
  if (!relu6 || !add || offset === undefined) return undefined;
  if (!matchesConstant(offset, 3))
    return wrongConstant("the constant added to x before the clip", offset, 3);
  const [lo, hi] = relu6.bounds ?? [];
  if (lo === undefined || hi === undefined) return "the clip bounds of x + 3 are not constants";
  if (!matchesConstant(lo, 0) || !matchesConstant(hi, 6))
    return `x + 3 is clipped to [${formatConstant(lo)}, ${formatConstant(hi)}], expected [0, 6]`;
  return { activation: "hard-swish", params: {}, nodes: [...relu6.nodes, add], coefficient: 1 / 6 };
}

/** The gate HardSigmoid(x) with PyTorch's alpha = 1/6, beta = 0.5. */
function readHardSigmoid(node: Node, x: Value): GateMatch | string | undefined {
  if (node.inputs[0] !== x) return undefined;
  const alpha = floatAttribute(node, "alpha", 0.2);
  const beta = floatAttribute(node, "beta", 0.5);
  if (!matchesConstant(alpha, 1 / 6) || !matchesConstant(beta, 0.5))
    return `HardSigmoid has alpha = ${formatConstant(alpha)}, beta = ${formatConstant(beta)}; hard-swish needs alpha = 1/6 (0.16666667), beta = 0.5`;
  return { activation: "hard-swish", params: {}, nodes: [node], coefficient: 1 };
}

const hardSwishGate: GateReader = {
  isGate: (value) => producedBy(value, "Clip", "Min", "Max", "HardSigmoid") !== undefined,
  read(gate, x, context) {
    const hardSigmoid = producedBy(gate, "HardSigmoid");
    return hardSigmoid ? readHardSigmoid(hardSigmoid, x) : readShiftedRelu6(gate, x, context);
  },
};

/**
 * HardSwish written out: x · ReLU6(x + 3) / 6 (a Div by 6 or a Mul by 1/6, in
 * any association; ReLU6 as Clip or Min/Max), and x · HardSigmoid(x) with
 * alpha = 1/6, beta = ½ (PyTorch's export before opset 14).
 */
export const hardSwishRule: SiteRule = {
  name: "hard-swish",
  anchors: ["Mul", "Div"],
  domain: "",
  // Add, Clip, Mul, Div.
  size: 4,
  match: (node, context) => matchGatedProduct(node, context, hardSwishGate),
};
