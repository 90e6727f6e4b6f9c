import type { Value } from "@rectify/onnx";
import { producedBy } from "./match.js";
import { matchesConstant, oneElementConstant, wrongConstant } from "./pattern-constants.js";
import type { SiteRule } from "./rule.js";
import { containmentProblem } from "./self-contained.js";

/**
 * Softsign written out as x / (1 + |x|), with the Add in either order: how
 * PyTorch exports `nn.Softsign` (and `F.softsign`) at every opset.
 */
export const softsignDivRule: SiteRule = {
  name: "softsign-div",
  anchors: ["Div"],
  domain: "",
  size: 3,
  match(node) {
    const output = node.outputs[0];
    const x = node.inputs[0];
    const add = producedBy(node.inputs[1], "Add");
    if (!output || !x || !add || add.inputs.length !== 2) return undefined;
    const abs = add.inputs
      .map((input) => producedBy(input, "Abs"))
      .find((candidate) => candidate !== undefined && candidate.inputs[0] === x);
    if (!abs) return undefined;
    const offset = oneElementConstant(
      add.inputs.find((input: Value | null) => input !== abs.outputs[0]),
    );
    if (offset === undefined) return undefined;
    if (!matchesConstant(offset, 1))
      return wrongConstant("the constant added to |x| in x / (c + |x|)", offset, 1);
    const nodes = [abs, add, node];
    const escaping = containmentProblem(nodes, node, output);
    if (escaping) return escaping;
    return { activation: "softsign", params: {}, input: x, output, nodes };
  },
};
