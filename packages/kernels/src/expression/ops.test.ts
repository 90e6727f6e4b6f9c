import { describe, expect, it } from "vitest";
import { seededRandom } from "../test-support/seeded-random.js";
import { compileExpression } from "./evaluate.js";
import { Expr, expandOps } from "./expression.js";
import { arityAccepts, opDefinitions, type PrimitiveOp } from "./ops.js";

const ops = Object.keys(opDefinitions) as PrimitiveOp[];

/** Operand lists that suit an op: x first, then constants. */
function operandsFor(op: PrimitiveOp, x: number): number[] {
  const arity = opDefinitions[op].arity;
  if (arity === "knots") return [x, -1, 0.5, 0.25, -2, 2, 1.5];
  if (arity === "table") return [x, -2, 0.5, 0.1, -0.3, 2, 7, 7.5, -1, 0];
  if (op === "Pow") return [Math.abs(x) + 0.5, 1.7];
  if (op === "Log" || op === "Sqrt") return [Math.abs(x) + 0.1];
  return [x, 0.75, 2.5].slice(0, arity);
}

describe("the op vocabulary", () => {
  it("gives every op a kernel form (WGSL, WASM) and a float32 error rule, or an expansion", () => {
    for (const op of ops) {
      const definition = opDefinitions[op];
      if (definition.reduction) continue;
      const expands = definition.expand !== undefined;
      expect(definition.wgsl !== undefined || expands, `${op}: WGSL`).toBe(true);
      expect(definition.wasm !== undefined || expands, `${op}: WASM`).toBe(true);
      expect(definition.float32Error !== undefined || expands, `${op}: float32 bound`).toBe(true);
    }
  });

  it("has derivatives that agree with the values (central differences away from kinks)", () => {
    const next = seededRandom(7);
    for (const op of ops) {
      const definition = opDefinitions[op];
      if (definition.reduction || definition.comparison) continue;
      for (let trial = 0; trial < 40; trial++) {
        const x = (next() - 0.5) * 8;
        const v = operandsFor(op, x);
        const d = v.map((_, i) => (i === 0 ? 1 : 0));
        const h = 1e-6;
        const at = (delta: number) => definition.evaluate([v[0]! + delta, ...v.slice(1)]);
        const numeric = (at(h) - at(-h)) / (2 * h);
        const slopeLeft = (at(0) - at(-h)) / h;
        const slopeRight = (at(h) - at(0)) / h;
        if (Math.abs(slopeLeft - slopeRight) > 1e-3 * Math.max(1, Math.abs(numeric))) continue; // a kink
        const tangent = definition.tangent(definition.evaluate(v), v, d);
        expect(tangent, `${op} at ${v.join(", ")}`).toBeCloseTo(numeric, 4);
      }
    }
  });

  it("expands ReluSum and Lookup into ops with fixed arity and the same values", () => {
    const next = seededRandom(11);
    for (const op of ["ReluSum", "Lookup"] as const) {
      const x = Expr.input();
      const [, ...constants] = operandsFor(op, 0);
      const node = Expr.apply(op, x, ...constants);
      const expanded = expandOps(node, (inner) => typeof opDefinitions[inner].arity === "number");
      const compact = compileExpression(node);
      const plain = compileExpression(expanded);
      for (let i = 0; i < 200; i++) {
        const at = (next() - 0.5) * 12;
        expect(plain.evaluate(at), `${op} at ${at}`).toBeCloseTo(compact.evaluate(at), 12);
      }
    }
  });

  it("checks operand counts of the list ops", () => {
    expect(arityAccepts("knots", 3)).toBe(true);
    expect(arityAccepts("knots", 4)).toBe(false);
    expect(arityAccepts("table", 4)).toBe(false);
    expect(() => Expr.input().reluSum([1, 2], [1])).toThrow(/as many coefficients as knots/);
    expect(() => Expr.apply("Lookup", Expr.input(), 0, 1, 2)).toThrow(/at least two table values/);
  });
});
