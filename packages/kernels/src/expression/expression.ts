import { KernelsError } from "../errors/kernels-error.js";

/**
 * Primitive ops an expression may use, named as ONNX op types. Comparisons
 * (Greater, Less, GreaterOrEqual) evaluate to 1 or 0 here and become bool
 * tensors in ONNX; Where takes such a condition. Clip takes (x, min, max).
 * ReduceMax / ReduceSum / ReduceLogSumExp reduce a vector argument to a scalar
 * (multivariable activations such as softmax); everything else is elementwise
 * and broadcasts a scalar against a vector.
 */
export const primitiveOps = {
  Add: 2,
  Sub: 2,
  Mul: 2,
  Div: 2,
  Max: 2,
  Min: 2,
  Pow: 2,
  Greater: 2,
  Less: 2,
  GreaterOrEqual: 2,
  Neg: 1,
  Abs: 1,
  Sqrt: 1,
  Reciprocal: 1,
  Exp: 1,
  Log: 1,
  Erf: 1,
  Tanh: 1,
  Sigmoid: 1,
  Relu: 1,
  Sign: 1,
  Floor: 1,
  Where: 3,
  Clip: 3,
  ReduceMax: 1,
  ReduceSum: 1,
} as const;

export type PrimitiveOp = keyof typeof primitiveOps;

/** Ops that are not piecewise-polynomial: what an "algebraic-only" device lacks. */
export const transcendentalOps: ReadonlySet<PrimitiveOp> = new Set([
  "Exp",
  "Log",
  "Erf",
  "Tanh",
  "Sigmoid",
  "Pow",
]);

/** Reductions over a vector argument. */
export const reductionOps: ReadonlySet<PrimitiveOp> = new Set(["ReduceMax", "ReduceSum"]);

let nextId = 0;

/**
 * A node of an expression DAG: the activation's argument (`Input`), a
 * constant, or a primitive op over other nodes. Sharing a node object shares
 * the value (x·x uses one `Input`). Immutable.
 */
export class Expr {
  /** Unique per node; orders nodes created earlier first. */
  readonly id = nextId++;

  private constructor(
    readonly op: PrimitiveOp | "Input" | "Constant",
    readonly inputs: readonly Expr[],
    readonly value: number,
  ) {}

  /** The argument of the activation. */
  static input(): Expr {
    return new Expr("Input", [], Number.NaN);
  }

  /** A constant (the value is kept exactly as a float64; kernels round it to float32). */
  static constant(value: number): Expr {
    if (typeof value !== "number")
      throw new KernelsError(
        "EXPRESSION_INVALID",
        `a constant must be a number, got ${typeof value}`,
      );
    return new Expr("Constant", [], value);
  }

  /** A primitive op applied to operands (numbers become constants). */
  static apply(op: PrimitiveOp, ...operands: Operand[]): Expr {
    const arity = primitiveOps[op];
    if (arity === undefined)
      throw new KernelsError("EXPRESSION_INVALID", `unknown primitive op "${op}"`);
    if (operands.length !== arity)
      throw new KernelsError(
        "EXPRESSION_INVALID",
        `${op} takes ${arity} operand${arity === 1 ? "" : "s"}, got ${operands.length}`,
      );
    return new Expr(op, operands.map(toExpr), Number.NaN);
  }

  add(other: Operand): Expr {
    return Expr.apply("Add", this, other);
  }
  sub(other: Operand): Expr {
    return Expr.apply("Sub", this, other);
  }
  mul(other: Operand): Expr {
    return Expr.apply("Mul", this, other);
  }
  div(other: Operand): Expr {
    return Expr.apply("Div", this, other);
  }
  max(other: Operand): Expr {
    return Expr.apply("Max", this, other);
  }
  min(other: Operand): Expr {
    return Expr.apply("Min", this, other);
  }
  pow(other: Operand): Expr {
    return Expr.apply("Pow", this, other);
  }
  greater(other: Operand): Expr {
    return Expr.apply("Greater", this, other);
  }
  less(other: Operand): Expr {
    return Expr.apply("Less", this, other);
  }
  neg(): Expr {
    return Expr.apply("Neg", this);
  }
  abs(): Expr {
    return Expr.apply("Abs", this);
  }
  sqrt(): Expr {
    return Expr.apply("Sqrt", this);
  }
  reciprocal(): Expr {
    return Expr.apply("Reciprocal", this);
  }
  exp(): Expr {
    return Expr.apply("Exp", this);
  }
  log(): Expr {
    return Expr.apply("Log", this);
  }
  erf(): Expr {
    return Expr.apply("Erf", this);
  }
  tanh(): Expr {
    return Expr.apply("Tanh", this);
  }
  sigmoid(): Expr {
    return Expr.apply("Sigmoid", this);
  }
  relu(): Expr {
    return Expr.apply("Relu", this);
  }
  /** Clip(x, lo, hi). */
  clip(lo: Operand, hi: Operand): Expr {
    return Expr.apply("Clip", this, lo, hi);
  }
  /** x² as Mul(x, x). */
  square(): Expr {
    return Expr.apply("Mul", this, this);
  }
}

export type Operand = Expr | number;

/** Wraps numbers as constants. */
export function toExpr(operand: Operand): Expr {
  return typeof operand === "number" ? Expr.constant(operand) : operand;
}

/** Where(condition, a, b): a where condition ≠ 0, else b. */
export function where(condition: Expr, a: Operand, b: Operand): Expr {
  return Expr.apply("Where", condition, a, b);
}

/** The nodes of an expression in topological order (operands before their users), each once. */
export function expressionNodes(root: Expr): Expr[] {
  const order: Expr[] = [];
  const seen = new Set<Expr>();
  const stack: { node: Expr; next: number }[] = [{ node: root, next: 0 }];
  seen.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next < top.node.inputs.length) {
      const child = top.node.inputs[top.next++]!;
      if (!seen.has(child)) {
        seen.add(child);
        stack.push({ node: child, next: 0 });
      }
    } else {
      order.push(top.node);
      stack.pop();
    }
  }
  return order;
}

/** How many times each primitive op occurs (each shared node counted once). */
export function opCounts(root: Expr): Partial<Record<PrimitiveOp, number>> {
  const counts: Partial<Record<PrimitiveOp, number>> = {};
  for (const node of expressionNodes(root)) {
    if (node.op === "Input" || node.op === "Constant") continue;
    counts[node.op] = (counts[node.op] ?? 0) + 1;
  }
  return counts;
}

/** The distinct primitive ops an expression needs, sorted. */
export function opsUsed(root: Expr): PrimitiveOp[] {
  return (Object.keys(opCounts(root)) as PrimitiveOp[]).sort();
}

/** A readable infix form, for messages and docs (shared nodes are repeated). */
export function formatExpression(root: Expr): string {
  const infix: Partial<Record<PrimitiveOp, string>> = { Add: "+", Sub: "−", Mul: "·", Div: "/" };
  const format = (node: Expr): string => {
    if (node.op === "Input") return "x";
    if (node.op === "Constant") return formatNumber(node.value);
    const symbol = infix[node.op];
    if (symbol) return `(${format(node.inputs[0]!)} ${symbol} ${format(node.inputs[1]!)})`;
    return `${node.op}(${node.inputs.map(format).join(", ")})`;
  };
  return format(root);
}

function formatNumber(value: number): string {
  if (Number.isInteger(value) || !Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(8)));
}
