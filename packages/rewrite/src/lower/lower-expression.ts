import {
  applyOp,
  type Expr,
  expressionNodes,
  opDefinitions,
  type PrimitiveOp,
} from "@rectify/kernels";
import { type Program, ProgramBuilder, type ProgramOperand } from "./program.js";

/** What lowering may emit: which ops (after legalisation) and at which opset. */
export interface LoweringPolicy {
  /** Opset of the default domain where the nodes go. */
  readonly opset: number;
  /** Whether a substitute may contain `opType`. */
  allows(opType: string): boolean;
  /** The reduction axes of multivariable activations (softmax, LogSumExp). */
  readonly axes?: readonly number[];
}

/** Thrown (and caught by the planner) when an expression cannot be lowered under a policy; the message says why. */
export class LoweringRefusal extends Error {
  override readonly name = "LoweringRefusal";
}

/**
 * Opset from which an emitted op exists with numpy-style broadcasting: the
 * kernels vocabulary's for primitive ops, and these for the ONNX-only ops a
 * lowering writes (negative Unsqueeze axes from 11; Cast to bool from 9).
 */
const onnxOnlyOpset: Partial<Record<string, number>> = {
  Unsqueeze: 11,
  MatMul: 9,
  Gather: 11,
  Cast: 9,
};

function minimumOpsetOf(opType: string): number | undefined {
  if (Object.hasOwn(opDefinitions, opType))
    return opDefinitions[opType as PrimitiveOp].minimumOpset;
  return onnxOnlyOpset[opType];
}

/** A constant list of operands' values, or undefined when one is not constant. */
function constantValues(operands: readonly ProgramOperand[]): number[] | undefined {
  const values: number[] = [];
  for (const operand of operands) {
    if (operand.kind !== "constant") return undefined;
    values.push(operand.value);
  }
  return values;
}

/**
 * Lowers a kernels expression to a program of ONNX ops the policy allows,
 * folding constant subexpressions and rewriting missing ops into allowed
 * equivalents (Neg → x·(−1), Reciprocal → 1/x, Relu ↔ Max(x, 0), Clip →
 * Min(Max(x, lo), hi), Max/Min via Relu, Div by a constant → Mul). Throws
 * LoweringRefusal naming the op that cannot be had.
 */
export function lowerExpression(
  root: Expr,
  policy: LoweringPolicy,
  input: ProgramOperand = { kind: "input" },
): Program {
  const lowering = new Lowering(policy);
  const lowered = new Map<Expr, ProgramOperand>();
  for (const node of expressionNodes(root)) {
    if (node.op === "Input") lowered.set(node, input);
    else if (node.op === "Constant") lowered.set(node, { kind: "constant", value: node.value });
    else
      lowered.set(
        node,
        lowering.op(
          node.op,
          node.inputs.map((operand) => lowered.get(operand)!),
        ),
      );
  }
  return lowering.builder.finish(lowering.numeric(lowered.get(root)!));
}

class Lowering {
  readonly builder = new ProgramBuilder();

  constructor(private readonly policy: LoweringPolicy) {}

  private can(opType: string): boolean {
    return this.policy.allows(opType) && this.policy.opset >= (minimumOpsetOf(opType) ?? 1);
  }

  private refuse(opType: string, why = ""): never {
    const since = minimumOpsetOf(opType);
    const reason =
      since !== undefined && this.policy.opset < since && this.policy.allows(opType)
        ? `${opType} needs opset ${since} (the graph uses ${this.policy.opset}${this.policy.opset < 7 ? "; onnxruntime runs nothing older than opset 7: upgrade the model first, e.g. with onnx.version_converter" : ""})`
        : `the target does not allow ${opType} in substitutes`;
    throw new LoweringRefusal(why ? `${reason} (${why})` : reason);
  }

  /** A bool operand as a number of the site's type (comparisons used in arithmetic). */
  numeric(operand: ProgramOperand): ProgramOperand {
    if (!this.builder.isBool(operand)) return operand;
    if (this.can("Where"))
      return this.builder.add("Where", [
        operand,
        { kind: "constant", value: 1 },
        { kind: "constant", value: 0 },
      ]);
    this.refuse("Where", "to turn a comparison into a number");
  }

  op(op: PrimitiveOp, operands: ProgramOperand[]): ProgramOperand {
    if (
      operands.every((operand) => operand.kind === "constant") &&
      op !== "ReduceMax" &&
      op !== "ReduceSum"
    ) {
      const values = operands.map((operand) => (operand as { value: number }).value);
      return { kind: "constant", value: applyOp(op, 0, 0, 0, values) };
    }
    if (op === "Where") return this.where(operands);
    const values = operands.map((operand) => this.numeric(operand));
    const definition = opDefinitions[op];
    if (definition.comparison) {
      if (!this.can(op)) this.refuse(op);
      return this.builder.add(op, values, { bool: true });
    }
    switch (op) {
      case "Add":
      case "Mul":
        return this.binary(op, values[0]!, values[1]!);
      case "Sub":
        return this.sub(values[0]!, values[1]!);
      case "Div":
        return this.div(values[0]!, values[1]!);
      case "Max":
      case "Min":
        return this.maxMin(op, values[0]!, values[1]!);
      case "Neg":
        return this.neg(values[0]!);
      case "Reciprocal":
        if (this.can("Reciprocal")) return this.builder.add("Reciprocal", values);
        return this.div({ kind: "constant", value: 1 }, values[0]!);
      case "Relu":
        return this.relu(values[0]!);
      case "Abs":
        if (this.can("Abs")) return this.builder.add("Abs", values);
        return this.maxMin("Max", values[0]!, this.neg(values[0]!));
      case "Clip":
        return this.clip(values[0]!, values[1]!, values[2]!);
      case "Pow":
        if (values[1]!.kind === "constant" && values[1]!.value === 2)
          return this.binary("Mul", values[0]!, values[0]!);
        return this.binary("Pow", values[0]!, values[1]!);
      case "ReduceMax":
      case "ReduceSum":
        return this.reduce(op, values[0]!);
      case "ReluSum":
        return this.reluSum(values);
      case "Lookup":
        return this.lookup(values);
      default:
        if (definition.arity === 1 && !definition.reduction) {
          if (!this.can(op)) this.refuse(op);
          return this.builder.add(op, values);
        }
        throw new LoweringRefusal(`no lowering for ${op}`);
    }
  }

  /** An op through its expansion in the vocabulary (each new op lowered in turn). */
  private expand(op: PrimitiveOp, operands: ProgramOperand[]): ProgramOperand {
    const expand = opDefinitions[op].expand;
    if (expand === undefined) throw new LoweringRefusal(`no lowering for ${op}`);
    const values = operands.map((operand) =>
      operand.kind === "constant" ? operand.value : undefined,
    );
    return expand(
      operands,
      {
        apply: (inner, ...innerOperands) => this.op(inner, innerOperands),
        constant: (value) => ({ kind: "constant", value }),
      },
      values,
    );
  }

  /**
   * Σₖ cₖ·relu(x − tₖ). With constant knots and coefficients and MatMul
   * allowed, as Unsqueeze(x, −1) − t[K] → Relu → MatMul c[K]: four nodes for
   * any K (MatMul with a 1-D right operand drops the added axis). Otherwise,
   * or for one or two knots, one Sub, Relu and Mul per knot, summed.
   */
  private reluSum(operands: ProgramOperand[]): ProgramOperand {
    const [x, ...pairs] = operands;
    const constants = constantValues(pairs);
    const compact =
      constants !== undefined &&
      pairs.length >= 6 &&
      this.can("MatMul") &&
      this.can("Unsqueeze") &&
      this.can("Sub") &&
      this.can("Relu");
    if (!compact) return this.expand("ReluSum", operands);
    const knots = constants.filter((_, i) => i % 2 === 0);
    const coefficients = constants.filter((_, i) => i % 2 === 1);
    const axes = { kind: "axes", axes: [-1] } as const;
    const column =
      this.policy.opset >= 13
        ? this.builder.add("Unsqueeze", [x!, axes])
        : this.builder.add("Unsqueeze", [x!], {
            attributes: [{ name: "axes", type: "ints", value: [-1] }],
          });
    const width = { width: knots.length };
    const ramps = this.builder.add(
      "Relu",
      [this.builder.add("Sub", [column, { kind: "vector", values: knots }], width)],
      width,
    );
    return this.builder.add("MatMul", [ramps, { kind: "vector", values: coefficients }], width);
  }

  /**
   * Interpolation in a table on a uniform grid. With Gather (a lookup-table
   * device), as an index and two table reads of per-cell intercepts and
   * slopes: i = Floor((clip(x) − x₀)/h), y = A[i] + B[i]·clip(x), the tables
   * one entry longer so that x at the grid's end needs no clamp of i.
   * Otherwise through its expansion (a clipped ReluSum).
   */
  private lookup(operands: ProgramOperand[]): ProgramOperand {
    const [x, ...rest] = operands;
    const constants = constantValues(rest);
    const lut =
      constants !== undefined &&
      ["Clip", "Sub", "Mul", "Floor", "Cast", "Gather", "Add"].every((op) => this.can(op));
    if (!lut) return this.expand("Lookup", operands);
    const [start, step, ...table] = constants;
    const cells = table.length - 1;
    const end = start! + cells * step!;
    const intercepts: number[] = [];
    const slopes: number[] = [];
    for (let i = 0; i < cells; i++) {
      const slope = (table[i + 1]! - table[i]!) / step!;
      slopes.push(slope);
      intercepts.push(table[i]! - slope * (start! + i * step!));
    }
    slopes.push(0);
    intercepts.push(table[cells]!);
    const clipped = this.clip(
      x!,
      { kind: "constant", value: start! },
      { kind: "constant", value: end },
    );
    const scaled = this.builder.add("Mul", [
      this.sub(clipped, { kind: "constant", value: start! }),
      { kind: "constant", value: 1 / step! },
    ]);
    const index = this.builder.add("Cast", [this.builder.add("Floor", [scaled])], {
      attributes: [{ name: "to", type: "int", value: 7 }],
    });
    const intercept = this.builder.add("Gather", [{ kind: "vector", values: intercepts }, index]);
    const slope = this.builder.add("Gather", [{ kind: "vector", values: slopes }, index]);
    return this.builder.add("Add", [intercept, this.builder.add("Mul", [slope, clipped])]);
  }

  private binary(op: string, a: ProgramOperand, b: ProgramOperand): ProgramOperand {
    if (!this.can(op)) this.refuse(op);
    return this.builder.add(op, [a, b]);
  }

  private neg(a: ProgramOperand): ProgramOperand {
    if (this.can("Neg")) return this.builder.add("Neg", [a]);
    if (this.can("Mul")) return this.builder.add("Mul", [a, { kind: "constant", value: -1 }]);
    return this.binary("Sub", { kind: "constant", value: 0 }, a);
  }

  private sub(a: ProgramOperand, b: ProgramOperand): ProgramOperand {
    if (this.can("Sub")) return this.builder.add("Sub", [a, b]);
    if (b.kind === "constant") return this.binary("Add", a, { kind: "constant", value: -b.value });
    return this.binary("Add", a, this.neg(b));
  }

  private div(a: ProgramOperand, b: ProgramOperand): ProgramOperand {
    if (this.can("Div")) return this.builder.add("Div", [a, b]);
    // Dividing by a constant is multiplying by its reciprocal (one rounding more, ≤ 1 ulp).
    if (b.kind === "constant")
      return this.binary("Mul", a, { kind: "constant", value: 1 / b.value });
    if (this.can("Reciprocal")) return this.binary("Mul", a, this.builder.add("Reciprocal", [b]));
    this.refuse("Div");
  }

  private relu(a: ProgramOperand): ProgramOperand {
    if (this.can("Relu")) return this.builder.add("Relu", [a]);
    return this.maxMin("Max", a, { kind: "constant", value: 0 });
  }

  private maxMin(op: "Max" | "Min", a: ProgramOperand, b: ProgramOperand): ProgramOperand {
    if (this.can(op)) return this.builder.add(op, [a, b]);
    const zero = (operand: ProgramOperand) => operand.kind === "constant" && operand.value === 0;
    if (op === "Max" && (zero(a) || zero(b)) && this.can("Relu"))
      return this.builder.add("Relu", [zero(a) ? b : a]);
    if (this.can("Relu")) {
      // max(a, b) = a + relu(b − a); min(a, b) = a − relu(a − b)
      if (op === "Max") return this.binary("Add", a, this.builder.add("Relu", [this.sub(b, a)]));
      return this.sub(a, this.builder.add("Relu", [this.sub(a, b)]));
    }
    this.refuse(op);
  }

  private clip(x: ProgramOperand, lo: ProgramOperand, hi: ProgramOperand): ProgramOperand {
    const constantBounds = lo.kind === "constant" && hi.kind === "constant";
    if (this.can("Clip") && (this.policy.opset >= 11 || constantBounds)) {
      if (this.policy.opset >= 11) return this.builder.add("Clip", [x, lo, hi]);
      const bound = (operand: ProgramOperand) => (operand as { value: number }).value;
      return this.builder.add("Clip", [x], {
        attributes: [
          { name: "min", type: "float", value: bound(lo) },
          { name: "max", type: "float", value: bound(hi) },
        ],
      });
    }
    const infinite = (operand: ProgramOperand, sign: number) =>
      operand.kind === "constant" && operand.value === sign * Number.POSITIVE_INFINITY;
    const floored = infinite(lo, -1) ? x : this.maxMin("Max", x, lo);
    return infinite(hi, 1) ? floored : this.maxMin("Min", floored, hi);
  }

  private where(operands: ProgramOperand[]): ProgramOperand {
    if (!this.can("Where")) this.refuse("Where");
    let [condition, a, b] = operands as [ProgramOperand, ProgramOperand, ProgramOperand];
    if (condition.kind === "constant")
      return condition.value !== 0 ? this.numeric(a) : this.numeric(b);
    if (!this.builder.isBool(condition)) {
      // A numeric condition is true where it is non-zero.
      if (!this.can("Cast")) this.refuse("Cast", "for a numeric Where condition");
      condition = this.builder.add("Cast", [condition], {
        attributes: [{ name: "to", type: "int", value: 9 }],
        bool: true,
      });
    }
    return this.builder.add("Where", [condition, this.numeric(a), this.numeric(b)]);
  }

  private reduce(op: "ReduceMax" | "ReduceSum", x: ProgramOperand): ProgramOperand {
    const axes = this.policy.axes;
    if (axes === undefined) throw new LoweringRefusal(`${op} needs the site's axis`);
    if (!this.policy.allows(op)) this.refuse(op);
    const keepdims = { name: "keepdims", type: "int", value: 1 } as const;
    // Axes moved from an attribute to an input: ReduceSum at opset 13, ReduceMax at 18.
    const axesAsInput = this.policy.opset >= (op === "ReduceSum" ? 13 : 18);
    if (axesAsInput)
      return this.builder.add(op, [x, { kind: "axes", axes }], { attributes: [keepdims] });
    return this.builder.add(op, [x], {
      attributes: [{ name: "axes", type: "ints", value: axes }, keepdims],
    });
  }
}
