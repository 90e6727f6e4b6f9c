import type { Node, Value } from "@rectify/onnx";
import { commutedOperands, floatAttribute, producedBy } from "./match.js";
import { oneElementConstant } from "./pattern-constants.js";

/** ReLU6(v) as Clip or as Min/Max: v, the nodes, and its bounds (undefined when they are not constants). */
export interface Relu6 {
  readonly argument: Value | null | undefined;
  readonly nodes: readonly Node[];
  readonly bounds: readonly [number, number] | undefined;
}

const isConstant = (value: Value) => oneElementConstant(value) !== undefined;

/** `value` = Max(v, c) or Min(v, c) (either order): v, the node and c. */
function bounded(value: Value | null | undefined, opType: "Min" | "Max") {
  const node = producedBy(value, opType);
  const [bound, argument] = (node && commutedOperands(node, isConstant)) ?? [];
  return node && argument ? { node, argument, bound: oneElementConstant(bound)! } : undefined;
}

/** Reads Clip(v, lo, hi) (bounds as attributes before opset 11, inputs from 11), Min(Max(v, lo), hi), Max(Min(v, hi), lo) or Min(Relu(v), hi). */
export function readRelu6(gate: Value, opset: number): Relu6 | undefined {
  const clip = producedBy(gate, "Clip");
  if (clip) {
    const [argument, low, high] = clip.inputs;
    if (opset < 11)
      return {
        argument,
        nodes: [clip],
        bounds: [floatAttribute(clip, "min", -Infinity), floatAttribute(clip, "max", Infinity)],
      };
    const lo = low ? oneElementConstant(low) : Number.NEGATIVE_INFINITY;
    const hi = high ? oneElementConstant(high) : Number.POSITIVE_INFINITY;
    return {
      argument,
      nodes: [clip],
      bounds: lo === undefined || hi === undefined ? undefined : [lo, hi],
    };
  }
  const upper = bounded(gate, "Min");
  if (upper) {
    const relu = producedBy(upper.argument, "Relu");
    if (relu)
      return { argument: relu.inputs[0], nodes: [upper.node, relu], bounds: [0, upper.bound] };
    const lower = bounded(upper.argument, "Max");
    return (
      lower && {
        argument: lower.argument,
        nodes: [upper.node, lower.node],
        bounds: [lower.bound, upper.bound],
      }
    );
  }
  const lower = bounded(gate, "Max");
  const inner = lower && bounded(lower.argument, "Min");
  return (
    inner && {
      argument: inner.argument,
      nodes: [lower.node, inner.node],
      bounds: [lower.bound, inner.bound],
    }
  );
}
