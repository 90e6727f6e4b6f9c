import { KernelsError } from "../errors/kernels-error.js";
import { type Expr, expressionNodes, type PrimitiveOp, reductionOps } from "./expression.js";
import { type OpDefinition, opDefinitions } from "./ops.js";

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
  /** Slots of the operands. */
  args: Int32Array;
  value: number;
  definition: OpDefinition | undefined;
  /** The shared scratch arrays cut to this op's operand count (ReluSum and Lookup read the length). */
  operands: Float64Array;
  tangents: Float64Array;
}

const scratch = new Float64Array(8);

/** Applies one op to float64 operands (a, b, c: the first three; pass `more` for longer operand lists). */
export function applyOp(
  op: PrimitiveOp,
  a: number,
  b = 0,
  c = 0,
  more?: ArrayLike<number>,
): number {
  if (more !== undefined) return opDefinitions[op].evaluate(more);
  scratch[0] = a;
  scratch[1] = b;
  scratch[2] = c;
  return opDefinitions[op].evaluate(scratch);
}

/** Flattens an expression; throws EXPRESSION_INVALID for a malformed one. */
export function compileExpression(root: Expr): CompiledExpression {
  const nodes = expressionNodes(root);
  const slot = new Map<Expr, number>();
  const widest = Math.max(0, ...nodes.map((node) => node.inputs.length));
  const operandScratch = new Float64Array(widest);
  const tangentScratch = new Float64Array(widest);
  const program: Instruction[] = nodes.map((node, index) => {
    slot.set(node, index);
    const args = Int32Array.from(node.inputs, (input) => slot.get(input)!);
    const definition =
      node.op === "Input" || node.op === "Constant" ? undefined : opDefinitions[node.op];
    return {
      op: node.op,
      args,
      value: node.value,
      definition,
      operands: operandScratch.subarray(0, args.length),
      tangents: tangentScratch.subarray(0, args.length),
    };
  });
  if (!nodes.some((node) => node.op === "Input"))
    throw new KernelsError("EXPRESSION_INVALID", "the expression does not use its input x");
  const reduces = nodes.some(
    (node) => node.op !== "Input" && node.op !== "Constant" && reductionOps.has(node.op),
  );
  const scalarSlots = new Float64Array(program.length);
  const tangentSlots = new Float64Array(program.length);
  const fround = Math.fround;
  /** Copies the instruction's operand values (or tangents) from the slots into `to`. */
  const gather = (args: Int32Array, from: Float64Array, to: Float64Array) => {
    for (let k = 0; k < args.length; k++) to[k] = from[args[k]!]!;
  };

  const run = (x: number, round: boolean): number => {
    const s = scalarSlots;
    for (let i = 0; i < program.length; i++) {
      const { op, args, value, definition, operands } = program[i]!;
      let r: number;
      if (op === "Input") r = x;
      else if (definition === undefined) r = value;
      else {
        gather(args, s, operands);
        r =
          round && definition.evaluate32
            ? definition.evaluate32(operands)
            : definition.evaluate(operands);
      }
      s[i] = round ? fround(r) : r;
    }
    return s[program.length - 1]!;
  };

  const derivative = (x: number): number => {
    const s = scalarSlots;
    const t = tangentSlots;
    for (let i = 0; i < program.length; i++) {
      const { op, args, value, definition, operands, tangents } = program[i]!;
      if (op === "Input") {
        s[i] = x;
        t[i] = 1;
      } else if (definition === undefined) {
        s[i] = value;
        t[i] = 0;
      } else {
        gather(args, s, operands);
        gather(args, t, tangents);
        const r = definition.evaluate(operands);
        s[i] = r;
        t[i] = definition.tangent(r, operands, tangents);
      }
    }
    return t[program.length - 1]!;
  };

  const evaluateVector = (x: Float64Array): Float64Array | number => {
    const values: (number | Float64Array)[] = new Array(program.length);
    const at = (v: number | Float64Array, i: number) => (typeof v === "number" ? v : v[i]!);
    for (let i = 0; i < program.length; i++) {
      const { op, args, value, definition, operands } = program[i]!;
      if (op === "Input") values[i] = x;
      else if (definition === undefined) values[i] = value;
      else if (op === "ReduceMax" || op === "ReduceSum") {
        const v = values[args[0]!]!;
        if (typeof v === "number") values[i] = v;
        else if (op === "ReduceSum") values[i] = v.reduce((sum, e) => sum + e, 0);
        else
          values[i] = v.reduce(
            (m, e) => (Number.isNaN(m) || Number.isNaN(e) ? Number.NaN : e > m ? e : m),
            Number.NEGATIVE_INFINITY,
          );
      } else {
        const inputs = Array.from(args, (slotIndex) => values[slotIndex]!);
        const elementAt = (k: number) => {
          for (let j = 0; j < inputs.length; j++) operands[j] = at(inputs[j]!, k);
          return definition.evaluate(operands);
        };
        if (inputs.every((input) => typeof input === "number")) values[i] = elementAt(0);
        else values[i] = Float64Array.from({ length: x.length }, (_, k) => elementAt(k));
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
