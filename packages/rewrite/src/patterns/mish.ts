import { type GateReader, matchGatedProduct } from "./gated-product.js";
import { producedBy } from "./match.js";
import type { SiteRule } from "./rule.js";
import { readLogOnePlusExp } from "./softplus-log-exp.js";

/** The gate Tanh(Softplus(x)), or Tanh(Log(1 + Exp(x))). */
const tanhSoftplusGate: GateReader = {
  isGate: (value) => producedBy(value, "Tanh") !== undefined,
  read(gate, x) {
    const tanh = gate.producer!;
    const softplus = producedBy(tanh.inputs[0], "Softplus");
    if (softplus)
      return softplus.inputs[0] === x
        ? { activation: "mish", params: {}, nodes: [tanh, softplus], coefficient: 1 }
        : undefined;
    const written = readLogOnePlusExp(tanh.inputs[0]);
    if (!written || written.input !== x) return undefined;
    if (written.problem) return written.problem;
    return { activation: "mish", params: {}, nodes: [tanh, ...written.nodes], coefficient: 1 };
  },
};

/** Mish x·Tanh(Softplus(x)), with Softplus as the op or as Log(1 + Exp(x)). */
export const mishRule: SiteRule = {
  name: "mish",
  anchors: ["Mul", "Div"],
  domain: "",
  // The Log(1 + Exp(x)) form's count (the Softplus form has 3), so that Mish
  // claims its Log, Add and Exp before the softplus pattern (size 3) can.
  size: 5,
  match: (node, context) => matchGatedProduct(node, context, tanhSoftplusGate),
};
