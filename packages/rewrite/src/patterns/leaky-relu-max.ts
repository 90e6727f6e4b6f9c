import { formatConstant } from "./pattern-constants.js";
import { flattenProduct, hasFactors } from "./product.js";
import type { PatternMatch, SiteRule } from "./rule.js";
import { containmentProblem } from "./self-contained.js";

/** Leaky ReLU written as Max(x, α·x) for 0 ≤ α < 1 (either order of the Max and of the Mul, or x/k). */
export const leakyReluMaxRule: SiteRule = {
  name: "leaky-relu-max",
  anchors: ["Max"],
  domain: "",
  size: 2,
  match(node) {
    const output = node.outputs[0];
    const [first, second] = node.inputs;
    if (!output || !first || !second || node.inputs.length !== 2) return undefined;
    let nearMiss: string | undefined;
    for (const [x, scaled] of [
      [first, second],
      [second, first],
    ] as const) {
      const product = flattenProduct(scaled, new Set([x]));
      if (product.nodes.length === 0 || !hasFactors(product, new Map([[x, 1]]))) continue;
      const alpha = product.coefficient;
      if (!(alpha >= 0 && alpha < 1)) {
        nearMiss ??= `Max(x, α·x) with α = ${formatConstant(alpha)} is no leaky ReLU (needs 0 ≤ α < 1)`;
        continue;
      }
      const nodes = [node, ...product.nodes];
      const escaping = containmentProblem(nodes, node, output);
      if (escaping) {
        nearMiss ??= escaping;
        continue;
      }
      const match: PatternMatch = {
        activation: "leaky-relu",
        params: { alpha },
        input: x,
        output,
        nodes,
      };
      return match;
    }
    return nearMiss;
  },
};
