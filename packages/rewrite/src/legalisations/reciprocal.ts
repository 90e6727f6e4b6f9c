import { ProgramBuilder } from "../lower/program.js";
import { singleOp } from "../patterns/single-ops.js";
import { disallowed, exactForm, type Legalisation } from "./legalisation.js";

/** Reciprocal(x) as Div(1, x): exact (both are one correctly rounded division). */
export const reciprocalLegalisation: Legalisation = {
  activation: "reciprocal",
  rule: singleOp("Reciprocal", (node) => ({
    activation: "reciprocal",
    params: {},
    input: node.inputs[0]!,
  })),
  offers(site, target) {
    const refusal =
      site.opset < 7
        ? `broadcasting Div needs opset 7 (the graph uses ${site.opset})`
        : disallowed(["Div"], target);
    const builder = new ProgramBuilder();
    return [
      exactForm(
        "1/x as Div (exact)",
        refusal ??
          builder.finish(builder.add("Div", [{ kind: "constant", value: 1 }, { kind: "input" }])),
      ),
    ];
  },
};
