import { Expr, getActivation, instantiate } from "@rectify/kernels";
import { describe, expect, it } from "vitest";
import { builtinTarget } from "../targets/index.js";
import { LoweringRefusal, lowerExpression } from "./lower-expression.js";
import { type Program, type ProgramOperand, programOpCounts } from "./program.js";

type Value = number | number[];

/**
 * Runs a program on one number in float64 (the reference semantics of each
 * ONNX op used): values are numbers, or 1-D arrays along the axis Unsqueeze
 * adds (the piecewise-linear ramps), which MatMul with a 1-D right operand
 * reduces again, as ONNX's numpy-style MatMul does.
 */
function evaluate(program: Program, x: number): number {
  const values: Value[] = [];
  const read = (operand: ProgramOperand | null): Value => {
    if (!operand) return Number.NaN;
    if (operand.kind === "input") return x;
    if (operand.kind === "constant") return operand.value;
    if (operand.kind === "step") return values[operand.index]!;
    if (operand.kind === "vector") return [...operand.values];
    if (operand.kind === "axes") return [...operand.axes];
    throw new Error(`unexpected operand ${operand.kind}`);
  };
  const map2 = (a: Value, b: Value, f: (p: number, q: number) => number): Value => {
    if (typeof a === "number" && typeof b === "number") return f(a, b);
    // Broadcasting: a number or a 1-element array stretches to the other's length.
    const length = (v: Value) => (typeof v === "number" ? 1 : v.length);
    const n = Math.max(length(a), length(b));
    const at = (v: Value, i: number) =>
      typeof v === "number" ? v : v.length === 1 ? v[0]! : v[i]!;
    return Array.from({ length: n }, (_, i) => f(at(a, i), at(b, i)));
  };
  for (const step of program.steps) {
    const [a, b, c] = step.inputs.map(read) as [Value, Value, Value];
    const scalar = (v: Value) => v as number;
    const attribute = (name: string) =>
      step.attributes.find((entry) => entry.name === name)?.value as number;
    const result: Record<string, () => Value> = {
      Add: () => map2(a, b, (p, q) => p + q),
      Sub: () => map2(a, b, (p, q) => p - q),
      Mul: () => map2(a, b, (p, q) => p * q),
      Div: () => scalar(a) / scalar(b),
      Max: () => Math.max(scalar(a), scalar(b)),
      Min: () => Math.min(scalar(a), scalar(b)),
      Relu: () => map2(a, 0, (p) => Math.max(p, 0)),
      Abs: () => Math.abs(scalar(a)),
      Neg: () => -scalar(a),
      Sqrt: () => Math.sqrt(scalar(a)),
      Reciprocal: () => 1 / scalar(a),
      Exp: () => Math.exp(scalar(a)),
      Log: () => Math.log(scalar(a)),
      Floor: () => Math.floor(scalar(a)),
      Cast: () => Math.trunc(scalar(a)),
      Unsqueeze: () => [scalar(a)],
      MatMul: () => (a as number[]).reduce((sum, p, i) => sum + p * (b as number[])[i]!, 0),
      Gather: () => (a as number[])[scalar(b)]!,
      Clip: () =>
        step.inputs.length === 1
          ? Math.min(Math.max(scalar(a), attribute("min")), attribute("max"))
          : Math.min(Math.max(scalar(a), scalar(b)), scalar(c)),
      Less: () => (scalar(a) < scalar(b) ? 1 : 0),
      Greater: () => (scalar(a) > scalar(b) ? 1 : 0),
      Where: () => (scalar(a) ? b : c),
    };
    values.push(result[step.opType]!());
  }
  return read(program.result) as number;
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

  it("writes a many-knot piecewise-linear fit in four nodes and falls back to one ramp per knot", () => {
    const silu = instantiate(getActivation("silu-pwl"), { e: 1e-3 });
    const compact = lowerExpression(silu.expression, allowAll);
    const counts = programOpCounts(compact);
    // Clip, then Unsqueeze → Sub → Relu → MatMul, then the outer line and the constant.
    expect(counts).toMatchObject({ Unsqueeze: 1, MatMul: 1, Clip: 1 });
    expect(compact.steps.length).toBeLessThanOrEqual(10);
    const ramps = compact.steps.find((step) => step.opType === "MatMul")!;
    expect(ramps.width).toBeGreaterThan(20);
    const noMatMul = lowerExpression(silu.expression, {
      opset: 17,
      allows: (op) => op !== "MatMul",
    });
    expect(noMatMul.steps.length).toBeGreaterThan(80);
    for (const x0 of [-40, -6.5, -1.2, -0.01, 0, 0.3, 2.2, 7.9, 100]) {
      expect(evaluate(compact, x0)).toBeCloseTo(silu.f(x0), 9);
      expect(evaluate(noMatMul, x0)).toBeCloseTo(silu.f(x0), 9);
    }
  });

  it("writes a table as Floor, Cast and two Gathers where the target has them, else as ramps", () => {
    const sigmoid = instantiate(getActivation("sigmoid-lut"), { e: 1e-3 });
    const gather = lowerExpression(sigmoid.expression, allowAll);
    expect(programOpCounts(gather)).toMatchObject({ Floor: 1, Cast: 1, Gather: 2 });
    const ramps = lowerExpression(sigmoid.expression, {
      opset: 17,
      allows: (op) => op !== "Gather",
    });
    expect(programOpCounts(ramps)).toMatchObject({ MatMul: 1 });
    for (const x0 of [-30, -7, -2.25, 0, 0.1, 1.7, 6.9, 50]) {
      expect(Math.abs(evaluate(gather, x0) - 1 / (1 + Math.exp(-x0)))).toBeLessThanOrEqual(1e-3);
      expect(evaluate(ramps, x0)).toBeCloseTo(evaluate(gather, x0), 9);
    }
  });
});
