import { type Program, ProgramBuilder, type ProgramOperand } from "../lower/program.js";
import { scalarConstant } from "../patterns/match.js";
import { singleOp } from "../patterns/single-ops.js";
import type { Site } from "../sites/site.js";
import type { TargetProfile } from "../targets/profile.js";
import { disallowed, exactForm, type Legalisation } from "./legalisation.js";

/** Integer powers up to this size are written as products (square and multiply: ≤ 2·log₂ n Muls). */
const largestProductPower = 64;

/**
 * Pow(x, p) with a constant exponent, exactly in other ops: integer p as
 * products (1/product for p < 0), p = ±0.5 as (1/)Sqrt, p = 1.5 as x·√x.
 * LayerNorm-style variances (Pow(d, 2)) and cubes are where exporters put it.
 */
export const powLegalisation: Legalisation = {
  activation: "pow",
  rule: singleOp("Pow", (node) => {
    const exponent = scalarConstant(node.inputs[1]);
    if (exponent === undefined)
      return "Pow's exponent is not one constant; only constant exponents have exact forms";
    return { activation: "pow", params: { exponent }, input: node.inputs[0]! };
  }),
  offers(site, target) {
    // Float32 exponents (2.7 is stored as 2.70000005) print to 7 digits.
    const shown = Number(site.params.exponent!.toPrecision(7));
    return [exactForm(`x^${shown} as ${formName(site)} (exact)`, powProgram(site, target, shown))];
  },
};

function formName(site: Site): string {
  const p = site.params.exponent!;
  if (Math.abs(p) === 0.5) return p > 0 ? "Sqrt" : "1/Sqrt";
  if (p === 1.5) return "x·Sqrt";
  return p < 0 ? "1/products" : "products";
}

/** The program for x^p; `shown` is p as the messages print it (float32 exponents to 7 digits). */
function powProgram(site: Site, target: TargetProfile, shown: number): Program | string {
  const p = site.params.exponent!;
  if (site.opset < 7) return `broadcasting Mul/Div need opset 7 (the graph uses ${site.opset})`;
  const builder = new ProgramBuilder();
  const x: ProgramOperand = { kind: "input" };
  const reciprocal = (operand: ProgramOperand) =>
    builder.add("Div", [{ kind: "constant", value: 1 }, operand]);
  if (Math.abs(p) === 0.5 || p === 1.5) {
    const refusal = disallowed(p === 0.5 ? ["Sqrt"] : ["Sqrt", p < 0 ? "Div" : "Mul"], target);
    if (refusal) return refusal;
    const root = builder.add("Sqrt", [x]);
    if (p === 0.5) return builder.finish(root);
    return builder.finish(p < 0 ? reciprocal(root) : builder.add("Mul", [x, root]));
  }
  const n = Math.abs(p);
  if (!Number.isInteger(n) || n === 0 || n > largestProductPower)
    return `exponent ${shown} has no exact form in products and square roots (integers 1–${largestProductPower}, ±0.5, 1.5)`;
  const refusal = disallowed(p < 0 ? ["Mul", "Div"] : ["Mul"], target);
  if (refusal) return refusal;
  // Square and multiply, least significant bit first.
  let result: ProgramOperand | undefined;
  let square: ProgramOperand = x;
  for (let bits = n; bits > 0; bits >>= 1) {
    if (bits & 1) result = result ? builder.add("Mul", [result, square]) : square;
    if (bits > 1) square = builder.add("Mul", [square, square]);
  }
  return builder.finish(p < 0 ? reciprocal(result!) : result!);
}
