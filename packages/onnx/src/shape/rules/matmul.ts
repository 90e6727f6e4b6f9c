import { BroadcastError, broadcastShapes } from "../dims.js";
import type { RuleContext, RuleTable, ShapeRule } from "../rule-context.js";
import type { Dim } from "../types.js";
import { elementTypes, setTensor } from "./helpers.js";

/** Checks two contracted dims agree when both are fixed. */
function agree(context: RuleContext, a: Dim | undefined, b: Dim | undefined): boolean {
  if (typeof a === "number" && typeof b === "number" && a !== b) {
    context.conflict(`inner dimensions ${a} and ${b} differ`);
    return false;
  }
  return true;
}

/** numpy matmul shapes: 1-D operands are promoted then their added axis dropped; batch axes broadcast. */
export function matmulShape(
  context: RuleContext,
  a: readonly Dim[],
  b: readonly Dim[],
): Dim[] | undefined {
  if (a.length === 0 || b.length === 0) {
    context.conflict("matmul operands must not be scalars");
    return undefined;
  }
  const left = a.length === 1 ? [1, a[0]!] : a;
  const right = b.length === 1 ? [b[0]!, 1] : b;
  if (!agree(context, left[left.length - 1], right[right.length - 2])) return undefined;
  const batch = broadcastShapes([left.slice(0, -2), right.slice(0, -2)]);
  if (batch instanceof BroadcastError) {
    context.conflict(`matmul batch dimensions cannot be broadcast: ${batch.message}`);
    return undefined;
  }
  const output = [...(batch ?? [])];
  if (a.length > 1) output.push(left[left.length - 2]!);
  if (b.length > 1) output.push(right[right.length - 1]!);
  return output;
}

function matmul(resultType: (context: RuleContext) => number): ShapeRule {
  return (context) => {
    // QLinearMatMul interleaves scales and zero points: its B is input 3.
    const a = context.shape(0);
    const b = context.shape(context.node.opType === "QLinearMatMul" ? 3 : 1);
    const elementType = resultType(context);
    if (!a || !b) return setTensor(context, 0, elementType, undefined);
    const shape = matmulShape(context, a, b);
    if (shape) setTensor(context, 0, elementType, shape);
  };
}

const gemm: ShapeRule = (context) => {
  const a = context.shape(0);
  const b = context.shape(1);
  const elementType = context.elementType(0);
  if (!a || !b) return setTensor(context, 0, elementType, [null, null]);
  if (a.length !== 2 || b.length !== 2) return context.conflict("Gemm operands must be 2-D");
  const transA = context.attributes.int("transA") === 1;
  const transB = context.attributes.int("transB") === 1;
  const [m, k] = transA ? [a[1]!, a[0]!] : [a[0]!, a[1]!];
  const [kb, n] = transB ? [b[1]!, b[0]!] : [b[0]!, b[1]!];
  if (!agree(context, k, kb)) return;
  setTensor(context, 0, elementType, [m, n]);
};

/** Matrix products. */
export const matmulRules: RuleTable = {
  MatMul: matmul((context) => context.elementType(0)),
  MatMulInteger: matmul(() => elementTypes.int32),
  QLinearMatMul: matmul((context) => context.elementType(7)),
  Gemm: gemm,
  Det: (context) => {
    const input = context.shape(0);
    if (input && input.length < 2) return context.conflict("Det needs a matrix or a batch of them");
    setTensor(context, 0, context.elementType(0), input?.slice(0, -2));
  },
};
