import { KernelsError } from "../errors/kernels-error.js";
import { erf, sigmoid } from "../math/special.js";
import { type Expr, expressionNodes, type PrimitiveOp, reductionOps } from "./expression.js";

/**
 * An expression flattened into instructions over numbered slots, evaluated
 * by a loop (no recursion, no per-call allocation for scalars, and no
 * `new Function`, so it also runs under a strict browser CSP).
 */
export interface CompiledExpression {
  /** The expression this was compiled from. */
  readonly root: Expr;
  /** True when it contains a reduction (a multivariable activation over a vector). */
  readonly reduces: boolean;
  /** f(x) in float64. */
  evaluate(x: number): number;
  /** f(x) with every intermediate result rounded to float32, as a float32 kernel computes it. */
  evaluate32(x: number): number;
  /** f′(x) in float64 by forward-mode differentiation of the expression (one-sided where ops have kinks). */
  derivative(x: number): number;
  /** f over a vector argument (reductions reduce it; elementwise ops map it). */
  evaluateVector(x: Float64Array): Float64Array | number;
}

interface Instruction {
  op: PrimitiveOp | "Input" | "Constant";
  a: number;
  b: number;
  c: number;
  value: number;
}

/** Applies one elementwise op to float64 operands. */
export function applyOp(op: PrimitiveOp, a: number, b: number, c: number): number {
  switch (op) {
    case "Add":
      return a + b;
    case "Sub":
      return a - b;
    case "Mul":
      return a * b;
    case "Div":
      return a / b;
    case "Max":
      return Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : a > b ? a : b;
    case "Min":
      return Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : a < b ? a : b;
    case "Pow":
      return a ** b;
    case "Greater":
      return a > b ? 1 : 0;
    case "Less":
      return a < b ? 1 : 0;
    case "GreaterOrEqual":
      return a >= b ? 1 : 0;
    case "Neg":
      return -a;
    case "Abs":
      return Math.abs(a);
    case "Sqrt":
      return Math.sqrt(a);
    case "Reciprocal":
      return 1 / a;
    case "Exp":
      return Math.exp(a);
    case "Log":
      return Math.log(a);
    case "Erf":
      return erf(a);
    case "Tanh":
      return Math.tanh(a);
    case "Sigmoid":
      return sigmoid(a);
    case "Relu":
      return Number.isNaN(a) ? a : a > 0 ? a : 0;
    case "Sign":
      return Number.isNaN(a) ? a : a > 0 ? 1 : a < 0 ? -1 : 0;
    case "Floor":
      return Math.floor(a);
    case "Where":
      return a !== 0 ? b : c;
    case "Clip":
      // ONNX Clip: min(max(x, lo), hi); NaN stays NaN.
      return Number.isNaN(a) ? a : Math.min(Math.max(a, b), c);
    case "ReduceMax":
    case "ReduceSum":
      return a; // of a scalar: itself
  }
}

/** Flattens an expression; throws EXPRESSION_INVALID for a malformed one. */
export function compileExpression(root: Expr): CompiledExpression {
  const nodes = expressionNodes(root);
  const slot = new Map<Expr, number>();
  const program: Instruction[] = nodes.map((node, index) => {
    slot.set(node, index);
    const [a, b, c] = node.inputs.map((input) => slot.get(input)!);
    return { op: node.op, a: a ?? -1, b: b ?? -1, c: c ?? -1, value: node.value };
  });
  if (!nodes.some((node) => node.op === "Input"))
    throw new KernelsError("EXPRESSION_INVALID", "the expression does not use its input x");
  const reduces = nodes.some(
    (node) => node.op !== "Input" && node.op !== "Constant" && reductionOps.has(node.op),
  );
  const scalarSlots = new Float64Array(program.length);
  const fround = Math.fround;

  const run = (x: number, round: boolean): number => {
    const s = scalarSlots;
    for (let i = 0; i < program.length; i++) {
      const { op, a, b, c, value } = program[i]!;
      let r: number;
      if (op === "Input") r = x;
      else if (op === "Constant") r = value;
      else r = applyOp(op, s[a]!, b < 0 ? 0 : s[b]!, c < 0 ? 0 : s[c]!);
      s[i] = round ? fround(r) : r;
    }
    return s[program.length - 1]!;
  };

  const tangents = new Float64Array(program.length);
  const derivative = (x: number): number => {
    const s = scalarSlots;
    const t = tangents;
    for (let i = 0; i < program.length; i++) {
      const { op, a, b, c, value } = program[i]!;
      if (op === "Input") {
        s[i] = x;
        t[i] = 1;
      } else if (op === "Constant") {
        s[i] = value;
        t[i] = 0;
      } else {
        const va = s[a]!;
        const vb = b < 0 ? 0 : s[b]!;
        const vc = c < 0 ? 0 : s[c]!;
        const r = applyOp(op, va, vb, vc);
        s[i] = r;
        t[i] = tangentOf(op, r, va, vb, vc, t[a]!, b < 0 ? 0 : t[b]!, c < 0 ? 0 : t[c]!);
      }
    }
    return t[program.length - 1]!;
  };

  const evaluateVector = (x: Float64Array): Float64Array | number => {
    const values: (number | Float64Array)[] = new Array(program.length);
    const at = (v: number | Float64Array, i: number) => (typeof v === "number" ? v : v[i]!);
    for (let i = 0; i < program.length; i++) {
      const { op, a, b, c, value } = program[i]!;
      if (op === "Input") values[i] = x;
      else if (op === "Constant") values[i] = value;
      else if (op === "ReduceMax" || op === "ReduceSum") {
        const v = values[a]!;
        if (typeof v === "number") values[i] = v;
        else if (op === "ReduceSum") values[i] = v.reduce((sum, e) => sum + e, 0);
        else
          values[i] = v.reduce(
            (m, e) => (Number.isNaN(m) || Number.isNaN(e) ? Number.NaN : e > m ? e : m),
            Number.NEGATIVE_INFINITY,
          );
      } else {
        const va = values[a]!;
        const vb = b < 0 ? 0 : values[b]!;
        const vc = c < 0 ? 0 : values[c]!;
        if (typeof va === "number" && typeof vb === "number" && typeof vc === "number") {
          values[i] = applyOp(op, va, vb, vc);
        } else {
          const out = new Float64Array(x.length);
          for (let k = 0; k < x.length; k++) out[k] = applyOp(op, at(va, k), at(vb, k), at(vc, k));
          values[i] = out;
        }
      }
    }
    return values[program.length - 1]!;
  };

  return {
    root,
    reduces,
    evaluate: (x) => run(x, false),
    evaluate32: (x) => run(fround(x), true),
    derivative,
    evaluateVector,
  };
}

/** The derivative of one op's result r = op(a, b, c) given the operands' derivatives (chain rule). */
function tangentOf(
  op: PrimitiveOp,
  r: number,
  a: number,
  b: number,
  c: number,
  da: number,
  db: number,
  dc: number,
): number {
  // Terms whose factor is an exact zero are dropped so that 0·∞ never turns a finite derivative into NaN.
  const times = (factor: number, d: number) => (d === 0 ? 0 : factor * d);
  switch (op) {
    case "Add":
      return da + db;
    case "Sub":
      return da - db;
    case "Mul":
      return times(b, da) + times(a, db);
    case "Div":
      return times(1 / b, da) - times(a / (b * b), db);
    case "Max":
      return a >= b ? da : db;
    case "Min":
      return a <= b ? da : db;
    case "Pow":
      return times(a === 0 && b === 1 ? 1 : b * a ** (b - 1), da) + times(r * Math.log(a), db);
    case "Neg":
      return -da;
    case "Abs":
      return a > 0 ? da : a < 0 ? -da : Math.abs(da);
    case "Sqrt":
      return times(0.5 / r, da);
    case "Reciprocal":
      return times(-r * r, da);
    case "Exp":
      return times(r, da);
    case "Log":
      return times(1 / a, da);
    case "Erf":
      return times(1.1283791670955126 * Math.exp(-a * a), da);
    case "Tanh":
      return times(1 - r * r, da);
    case "Sigmoid":
      return times(r * (1 - r), da);
    case "Relu":
      return a > 0 ? da : 0;
    case "Where":
      return a !== 0 ? db : dc;
    case "Clip":
      return a < b ? db : a > c ? dc : da;
    case "Greater":
    case "Less":
    case "GreaterOrEqual":
    case "Sign":
    case "Floor":
      return 0;
    case "ReduceMax":
    case "ReduceSum":
      return da; // of a scalar: itself
  }
}
