import { Expr, getActivation, instantiate } from "@rectify/kernels";
import { describe, expect, it } from "vitest";
import { builtinTarget } from "../targets/index.js";
import { LoweringRefusal, lowerExpression } from "./lower-expression.js";
import { type Program, type ProgramOperand, programOpCounts } from "./program.js";

/** Runs a program on one number in float64 (the reference semantics of each ONNX op used). */
function evaluate(program: Program, x: number): number {
  const values: number[] = [];
  const read = (operand: ProgramOperand | null): number => {
    if (!operand) return Number.NaN;
    if (operand.kind === "input") return x;
    if (operand.kind === "constant") return operand.value;
    if (operand.kind === "step") return values[operand.index]!;
    throw new Error(`unexpected operand ${operand.kind}`);
  };
  for (const step of program.steps) {
    const [a, b, c] = step.inputs.map(read) as [number, number, number];
    const attribute = (name: string) =>
      step.attributes.find((entry) => entry.name === name)?.value as number;
    const result: Record<string, () => number> = {
      Add: () => a + b,
      Sub: () => a - b,
      Mul: () => a * b,
      Div: () => a / b,
      Max: () => Math.max(a, b),
      Min: () => Math.min(a, b),
      Relu: () => Math.max(a, 0),
      Abs: () => Math.abs(a),
      Neg: () => -a,
      Sqrt: () => Math.sqrt(a),
      Reciprocal: () => 1 / a,
      Exp: () => Math.exp(a),
      Log: () => Math.log(a),
      Clip: () =>
        step.inputs.length === 1
          ? Math.min(Math.max(a, attribute("min")), attribute("max"))
          : Math.min(Math.max(a, b), c),
      Less: () => (a < b ? 1 : 0),
      Greater: () => (a > b ? 1 : 0),
      Where: () => (a ? b : c),
    };
    values.push(result[step.opType]!());
  }
  return read(program.result);
}

const allowAll = { opset: 17, allows: () => true };

describe("lowerExpression", () => {
  it("lowers squareplus with the ops of its expression and computes it", () => {
    const squareplus = instantiate(getActivation("squareplus"), { b: 4 });
    const program = lowerExpression(squareplus.expression, allowAll);
    expect(programOpCounts(program)).toEqual({ Clip: 1, Mul: 2, Add: 2, Sqrt: 1, Max: 1 });
    for (const x of [-30, -1, 0, 0.5, 3, 1e6])
      expect(evaluate(program, x)).toBeCloseTo(squareplus.f(x), 9);
  });

  it("rewrites missing ops into the piecewise-linear target's ops and keeps the values", () => {
    const target = builtinTarget("piecewise-linear");
    const policy = { opset: 17, allows: (op: string) => target.allowsInSubstitute(op) };
    // x/4 − |x| + max(x, 0) with Div by a constant, Neg, Reciprocal-free forms
    const x = Expr.input();
    const expression = x.div(4).sub(x.abs()).add(x.relu()).add(x.neg().clip(-1, 2));
    const program = lowerExpression(expression, policy);
    const ops = Object.keys(programOpCounts(program));
    for (const op of ops) expect(target.allowsInSubstitute(op), op).toBe(true);
    expect(ops).not.toContain("Div");
    for (const x0 of [-5, -0.25, 0, 0.75, 9]) {
      const expected = x0 / 4 - Math.abs(x0) + Math.max(x0, 0) + Math.min(Math.max(-x0, -1), 2);
      expect(evaluate(program, x0)).toBeCloseTo(expected, 12);
    }
  });

  it("builds Max and Min from Relu when a target lacks them", () => {
    const policy = {
      opset: 17,
      allows: (op: string) => ["Relu", "Add", "Sub", "Mul"].includes(op),
    };
    const x = Expr.input();
    const program = lowerExpression(x.max(x.mul(0.25)).min(3), policy);
    expect(Object.keys(programOpCounts(program)).sort()).toEqual(["Add", "Mul", "Relu", "Sub"]);
    for (const x0 of [-8, -1, 0, 2, 3, 10])
      expect(evaluate(program, x0)).toBeCloseTo(Math.min(Math.max(x0, x0 / 4), 3), 12);
  });

  it("refuses, naming the op, when nothing allowed can compute it", () => {
    const target = builtinTarget("piecewise-linear");
    const squareplus = instantiate(getActivation("squareplus"), { b: 4 });
    expect(() =>
      lowerExpression(squareplus.expression, {
        opset: 17,
        allows: (op) => target.allowsInSubstitute(op),
      }),
    ).toThrow(new LoweringRefusal("the target does not allow Sqrt in substitutes"));
  });

  it("writes Clip bounds as attributes before opset 11 and as inputs from 11", () => {
    const expression = Expr.input().clip(0, 6);
    const old = lowerExpression(expression, { opset: 10, allows: () => true });
    expect(old.steps).toHaveLength(1);
    expect(old.steps[0]!.inputs).toHaveLength(1);
    expect(old.steps[0]!.attributes.map((a) => [a.name, a.value])).toEqual([
      ["min", 0],
      ["max", 6],
    ]);
    const current = lowerExpression(expression, allowAll);
    expect(current.steps[0]!.inputs).toHaveLength(3);
    expect(current.steps[0]!.attributes).toEqual([]);
  });

  it("names the opset when an op is too new for the graph", () => {
    const expression = Expr.input().max(0.5);
    expect(() => lowerExpression(expression, { opset: 7, allows: (op) => op === "Max" })).toThrow(
      /Max needs opset 8 \(the graph uses 7\)/,
    );
    // With Relu, Add and Sub at hand, opset 7 gets max(x, c) = x + relu(c − x) instead.
    const fallback = lowerExpression(expression, { opset: 7, allows: () => true });
    expect(programOpCounts(fallback)).toEqual({ Sub: 1, Relu: 1, Add: 1 });
    expect(evaluate(fallback, -3)).toBe(0.5);
    expect(evaluate(fallback, 2)).toBe(2);
  });

  it("folds constant subexpressions and turns comparisons used as numbers into Where", () => {
    const x = Expr.input();
    const folded = lowerExpression(x.mul(Expr.constant(2).mul(3)), allowAll);
    expect(folded.steps).toHaveLength(1);
    expect(folded.steps[0]!.inputs[1]).toEqual({ kind: "constant", value: 6 });
    const step = lowerExpression(x.less(0).mul(x), allowAll);
    expect(programOpCounts(step)).toEqual({ Less: 1, Where: 1, Mul: 1 });
    expect(evaluate(step, -2)).toBe(-2);
    expect(evaluate(step, 2)).toBe(0);
  });

  it("lowers reductions with axes as an attribute or an input depending on the opset", () => {
    const softmax = instantiate(getActivation("softmax"), {});
    const at13 = lowerExpression(softmax.expression, { opset: 13, allows: () => true, axes: [-1] });
    const reduceSum = at13.steps.find((s) => s.opType === "ReduceSum")!;
    const reduceMax13 = at13.steps.find((s) => s.opType === "ReduceMax")!;
    expect(reduceSum.inputs[1]).toEqual({ kind: "axes", axes: [-1] });
    expect(reduceMax13.attributes.find((a) => a.name === "axes")?.value).toEqual([-1]);
    const at18 = lowerExpression(softmax.expression, { opset: 18, allows: () => true, axes: [1] });
    expect(at18.steps.find((s) => s.opType === "ReduceMax")!.inputs[1]).toEqual({
      kind: "axes",
      axes: [1],
    });
    expect(() => lowerExpression(softmax.expression, allowAll)).toThrow(/needs the site's axis/);
  });
});
