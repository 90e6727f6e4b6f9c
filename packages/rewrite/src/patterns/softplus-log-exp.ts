import type { Node, Value } from "@rectify/onnx";
import { producedBy } from "./match.js";
import { matchesConstant, oneElementConstant, wrongConstant } from "./pattern-constants.js";
import type { SiteRule } from "./rule.js";
import { containmentProblem } from "./self-contained.js";

/** Log(1 + Exp(x)) as read from its Log output: x, the nodes, and what is wrong with the 1 if anything. */
export interface LogOnePlusExp {
  readonly input: Value;
  /** Log, Add, Exp. */
  readonly nodes: readonly Node[];
  /** Set when the added constant is not 1. */
  readonly problem?: string;
}

/** Reads `value` as Log(1 + Exp(x)) or Log(Exp(x) + 1); undefined when it is not of that shape. */
export function readLogOnePlusExp(value: Value | null | undefined): LogOnePlusExp | undefined {
  const log = producedBy(value, "Log");
  const add = producedBy(log?.inputs[0], "Add");
  if (!log || !add || add.inputs.length !== 2) return undefined;
  const exp = add.inputs
    .map((input) => producedBy(input, "Exp"))
    .find((node) => node !== undefined);
  const offset = oneElementConstant(add.inputs.find((input) => input !== exp?.outputs[0]));
  const input = exp?.inputs[0];
  if (!exp || !input || offset === undefined) return undefined;
  const nodes = [log, add, exp];
  if (matchesConstant(offset, 1)) return { input, nodes };
  return {
    input,
    nodes,
    problem: wrongConstant("the constant added to Exp inside Log", offset, 1),
  };
}

/** Softplus (k = 1) written out as Log(1 + Exp(x)), with the Add in either order. */
export const softplusLogExpRule: SiteRule = {
  name: "softplus-log-exp",
  anchors: ["Log"],
  domain: "",
  size: 3,
  match(node) {
    const output = node.outputs[0];
    const found = readLogOnePlusExp(output);
    if (!output || !found) return undefined;
    if (found.problem) return found.problem;
    const escaping = containmentProblem(found.nodes, node, output);
    if (escaping) return escaping;
    return { activation: "softplus", params: {}, input: found.input, output, nodes: found.nodes };
  },
};
