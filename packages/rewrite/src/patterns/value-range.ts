import type { Value } from "@rectify/onnx";
import { producedBy, scalarConstant } from "./match.js";

/** How far a structural bound is followed back through the graph. */
const maxDepth = 8;

/**
 * Bounds a value is known to stay in from the ops that make it, without
 * running anything: x − ReduceMax(x) ≤ 0, −|x|, −x², −relu(x) ≤ 0, x² + c ≥ c, and
 * the like. Undefined when nothing is known. Used to offer stand-ins that
 * hold on part of ℝ only (e^x on (−∞, 0]) where the input cannot leave it.
 */
export function structuralRange(value: Value | null | undefined): [number, number] | undefined {
  return rangeOf(value, 0);
}

function rangeOf(value: Value | null | undefined, depth: number): [number, number] | undefined {
  if (!value || depth > maxDepth) return undefined;
  const constant = scalarConstant(value);
  if (constant !== undefined) return [constant, constant];
  const node = producedBy(
    value,
    "Add",
    "Sub",
    "Neg",
    "Mul",
    "Relu",
    "Abs",
    "Sqrt",
    "Exp",
    "Sigmoid",
    "Softplus",
    "Min",
    "Max",
  );
  if (!node) return undefined;
  const [a, b] = node.inputs;
  const inner = (operand: Value | null | undefined) => rangeOf(operand, depth + 1);
  switch (node.opType) {
    case "Relu":
    case "Abs":
    case "Sqrt":
    case "Exp":
    case "Softplus":
      return [0, Number.POSITIVE_INFINITY];
    case "Sigmoid":
      return [0, 1];
    case "Neg": {
      const range = inner(a);
      return range ? [-range[1], -range[0]] : undefined;
    }
    case "Add": {
      const left = inner(a);
      const right = inner(b);
      return left && right ? [left[0] + right[0], left[1] + right[1]] : undefined;
    }
    case "Sub": {
      // x − max(x) over any axes is ≤ 0 (and ≥ −∞).
      const max = producedBy(b, "ReduceMax");
      if (max && a && max.inputs[0] === a) return [Number.NEGATIVE_INFINITY, 0];
      const left = inner(a);
      const right = inner(b);
      return left && right ? [left[0] - right[1], left[1] - right[0]] : undefined;
    }
    case "Mul": {
      if (a && a === b) return [0, Number.POSITIVE_INFINITY];
      const left = inner(a);
      const right = inner(b);
      if (!left || !right) return undefined;
      const products = [
        left[0] * right[0],
        left[0] * right[1],
        left[1] * right[0],
        left[1] * right[1],
      ].map((p) => (Number.isNaN(p) ? 0 : p)); // 0·∞ bounds a product of a zero end: 0
      return [Math.min(...products), Math.max(...products)];
    }
    case "Min":
    case "Max": {
      const ranges = node.inputs.map(inner);
      const known = ranges.filter((range): range is [number, number] => range !== undefined);
      if (node.opType === "Min") {
        // min(·) ≤ the smallest known upper bound, whatever the others are.
        if (known.length === 0) return undefined;
        const upper = Math.min(...known.map((range) => range[1]));
        const lower =
          known.length === ranges.length
            ? Math.min(...known.map((range) => range[0]))
            : Number.NEGATIVE_INFINITY;
        return [lower, upper];
      }
      if (known.length === 0) return undefined;
      const lower = Math.max(...known.map((range) => range[0]));
      const upper =
        known.length === ranges.length
          ? Math.max(...known.map((range) => range[1]))
          : Number.POSITIVE_INFINITY;
      return [lower, upper];
    }
  }
  return undefined;
}
