import { KernelsError } from "../errors/kernels-error.js";
import {
  arityAccepts,
  arityText,
  type ExpandBuilder,
  type OpDefinition,
  opDefinitions,
  type PrimitiveOp,
} from "./ops.js";

export type { PrimitiveOp } from "./ops.js";

/** Arity of each primitive op (see ops.ts for the full vocabulary). */
export const primitiveOps = Object.fromEntries(
  (Object.keys(opDefinitions) as PrimitiveOp[]).map((op) => [op, opDefinitions[op].arity]),
) as { readonly [op in PrimitiveOp]: OpDefinition["arity"] };

const opsWhere = (test: (definition: OpDefinition) => boolean): ReadonlySet<PrimitiveOp> =>
  new Set((Object.keys(opDefinitions) as PrimitiveOp[]).filter((op) => test(opDefinitions[op])));

/** Ops that are not piecewise-polynomial: what an "algebraic-only" device lacks. */
export const transcendentalOps = opsWhere((definition) => definition.transcendental);

/** Reductions over a vector argument. */
export const reductionOps = opsWhere((definition) => definition.reduction);

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
    const definition = Object.hasOwn(opDefinitions, op) ? opDefinitions[op] : undefined;
    if (definition === undefined)
      throw new KernelsError("EXPRESSION_INVALID", `unknown primitive op "${op}"`);
    if (!arityAccepts(definition.arity, operands.length))
      throw new KernelsError(
        "EXPRESSION_INVALID",
        `${op} takes ${arityText(definition.arity)}, got ${operands.length} operands`,
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
  /** Σₖ cₖ·relu(x − tₖ) over knots tₖ and coefficients cₖ (one ReluSum node). */
  reluSum(knots: ArrayLike<number>, coefficients: ArrayLike<number>): Expr {
    if (knots.length !== coefficients.length || knots.length === 0)
      throw new KernelsError(
        "EXPRESSION_INVALID",
        `ReluSum needs as many coefficients as knots, at least one (got ${knots.length} and ${coefficients.length})`,
      );
    const pairs: number[] = [];
    for (let k = 0; k < knots.length; k++) pairs.push(knots[k]!, coefficients[k]!);
    return Expr.apply("ReluSum", this, ...pairs);
  }
  /** Linear interpolation in `table` at x₀ + i·h, clamped to the table's ends (one Lookup node). */
  lookup(start: number, step: number, table: ArrayLike<number>): Expr {
    return Expr.apply("Lookup", this, start, step, ...Array.from(table));
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

/**
 * The expression with every op that `keep` refuses written in terms of other
 * ops (its definition's `expand`, repeated until every op is kept), sharing
 * unchanged subexpressions. Throws EXPRESSION_INVALID when an op cannot be.
 */
export function expandOps(root: Expr, keep: (op: PrimitiveOp) => boolean): Expr {
  const rebuilt = new Map<Expr, Expr>();
  const builder: ExpandBuilder<Expr> = {
    apply: (op, ...operands) => {
      const node = Expr.apply(op, ...operands);
      return keep(op) ? node : expandNode(node);
    },
    constant: (value) => Expr.constant(value),
  };
  const expandNode = (node: Expr): Expr => {
    if (node.op === "Input" || node.op === "Constant") return node;
    const expand = opDefinitions[node.op].expand;
    if (expand === undefined)
      throw new KernelsError("EXPRESSION_INVALID", `${node.op} has no expansion into other ops`);
    const values = node.inputs.map((input) => (input.op === "Constant" ? input.value : undefined));
    return expand(node.inputs, builder, values);
  };
  for (const node of expressionNodes(root)) {
    if (node.op === "Input" || node.op === "Constant") {
      rebuilt.set(node, node);
      continue;
    }
    const inputs = node.inputs.map((input) => rebuilt.get(input)!);
    const changed = inputs.some((input, i) => input !== node.inputs[i]);
    const same = changed ? Expr.apply(node.op, ...inputs) : node;
    rebuilt.set(node, keep(node.op) ? same : expandNode(same));
  }
  return rebuilt.get(root)!;
}
