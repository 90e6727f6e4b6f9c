import {
  type Expr,
  expandOps,
  expressionNodes,
  type PrimitiveOp,
} from "../expression/expression.js";
import { opDefinitions } from "../expression/ops.js";

/** A plan step: a primitive op, the argument, a constant, or a reduction of a row-uniform value (itself). */
export type PlanOp = PrimitiveOp | "Input" | "Constant" | "Identity";

/** One node of a flattened expression, with what the WASM kernels need to know about it. */
export interface PlanNode {
  readonly op: PlanOp;
  /** Indices of the operands in `ExpressionPlan.nodes`. */
  readonly inputs: readonly number[];
  /** Index into `ExpressionPlan.constants` for a Constant, else −1. */
  readonly constant: number;
  /** Differs from element to element of a row (depends on the input other than through a reduction). */
  readonly varying: boolean;
  /**
   * Reductions nested below this node: a varying node or a reduction of
   * depth d needs pass d over the row; a row-uniform node of depth d is
   * known once pass d − 1 has finished.
   */
  readonly depth: number;
}

/**
 * An expression flattened for the WASM kernels: nodes in topological order
 * (the root last), constants in the order they occur, and a structure key
 * that is equal for two expressions exactly when they differ only in their
 * constants (so one compiled kernel serves both, reading constants at run time).
 */
export interface ExpressionPlan {
  readonly nodes: readonly PlanNode[];
  readonly constants: readonly number[];
  readonly structure: string;
  /** Passes over a row that compute reductions before the final pass (0 for elementwise expressions). */
  readonly reductionPasses: number;
  /** The result differs per element (softmax); false when it is one value per row (LogSumExp). */
  readonly rootVarying: boolean;
  readonly reduces: boolean;
}

/**
 * Which kernel a plan is for. Fused kernels take every op with an f32x4 form
 * (ReluSum unrolled); the interpreter's instructions have at most three
 * operands, so ops with longer operand lists are expanded for it. Ops with
 * no f32x4 form (Lookup) are expanded for both.
 */
export type PlanFor = "fused" | "interpreter";

/** Whether the kernel `kind` computes `op` itself (else it is expanded). */
export function kernelComputes(op: PrimitiveOp, kind: PlanFor): boolean {
  const definition = opDefinitions[op];
  if (definition.reduction) return true;
  if (definition.wasm === undefined) return false;
  return kind === "fused" || typeof definition.arity === "number";
}

/** Flattens an expression into a plan (see ExpressionPlan). */
export function planExpression(expression: Expr, kind: PlanFor = "fused"): ExpressionPlan {
  const root = expandOps(expression, (op) => kernelComputes(op, kind));
  const expressionOrder = expressionNodes(root);
  const index = new Map<Expr, number>();
  const nodes: PlanNode[] = [];
  const constants: number[] = [];
  const keys: string[] = [];
  for (const node of expressionOrder) {
    const inputs = node.inputs.map((input) => index.get(input)!);
    const operands = inputs.map((i) => nodes[i]!);
    let op: PlanOp = node.op;
    let varying = false;
    let depth = 0;
    let constant = -1;
    if (node.op === "Input") varying = true;
    else if (node.op === "Constant") {
      constant = constants.length;
      constants.push(node.value);
    } else if (node.op === "ReduceMax" || node.op === "ReduceSum") {
      const operand = operands[0]!;
      if (operand.varying) depth = operand.depth + 1;
      else {
        op = "Identity"; // the reduction of a row-uniform value is that value
        depth = operand.depth;
      }
    } else {
      varying = operands.some((operand) => operand.varying);
      depth = Math.max(0, ...operands.map((operand) => operand.depth));
    }
    index.set(node, nodes.length);
    nodes.push({ op, inputs, constant, varying, depth });
    keys.push(inputs.length === 0 ? op : `${op}(${inputs.join(",")})`);
  }
  const last = nodes[nodes.length - 1]!;
  const reductionPasses = Math.max(
    0,
    ...nodes.filter((node) => isReduction(node.op)).map((node) => node.depth),
  );
  return {
    nodes,
    constants,
    structure: keys.join(";"),
    reductionPasses,
    rootVarying: last.varying,
    reduces: reductionPasses > 0,
  };
}

/** A reduction over a row's varying values (not the Identity form). */
export function isReduction(op: PlanOp): op is "ReduceMax" | "ReduceSum" {
  return op === "ReduceMax" || op === "ReduceSum";
}

/**
 * The varying nodes pass `pass` must evaluate per element to compute its
 * `targets`, in topological order (row-uniform values and reductions of
 * earlier passes are read, not recomputed).
 */
export function varyingClosure(plan: ExpressionPlan, targets: readonly number[]): number[] {
  const needed = new Set<number>();
  const visit = (i: number) => {
    const node = plan.nodes[i]!;
    if (needed.has(i) || !node.varying) return;
    needed.add(i);
    for (const input of node.inputs) visit(input);
  };
  for (const target of targets) {
    const node = plan.nodes[target]!;
    if (isReduction(node.op)) visit(node.inputs[0]!);
    else visit(target);
  }
  return [...needed].sort((a, b) => a - b);
}

/** The reductions computed in reduction pass `pass` (0-based): those of depth pass + 1. */
export function reductionsOfPass(plan: ExpressionPlan, pass: number): number[] {
  const found: number[] = [];
  plan.nodes.forEach((node, i) => {
    if (isReduction(node.op) && node.depth === pass + 1) found.push(i);
  });
  return found;
}
