import { AttributeType, type Node, Tensor, type Value } from "@rectify/onnx";

/**
 * Helpers the pattern rules share: reading constants (initializers and
 * Constant nodes), finding producers, and the single-consumer check that keeps
 * a rewrite from changing a value someone else reads.
 */

/** Relative tolerance for matching constants written by exporters (float32 rounding, √2 vs 1.4142135). */
export const constantTolerance = 1e-4;

/** True when `a` and `b` agree to within the constant tolerance (relative, with an absolute floor near 0). */
export function nearlyEqual(a: number, b: number, tolerance = constantTolerance): boolean {
  // ∞ ≤ tolerance·∞ would hold: non-finite constants never match.
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b));
}

/** The data of a constant value: an initializer (not overridable by a graph input) or a Constant node's output. */
export function constantData(value: Value | null | undefined): Float64Array | undefined {
  if (!value) return undefined;
  if (value.initializer) {
    // An initializer that is also a graph input is only a default: the caller may feed another value.
    if (value.isGraphInput) return undefined;
    return safeFloat64(value.initializer);
  }
  const producer = value.producer;
  if (!producer || producer.opType !== "Constant" || producer.domain !== "") return undefined;
  for (const attribute of producer.attributes) {
    switch (attribute.name) {
      case "value":
        return attribute.type === AttributeType.TENSOR && attribute.proto.t
          ? safeFloat64(new Tensor(attribute.proto.t))
          : undefined;
      case "value_float":
        return Float64Array.of(attribute.proto.f);
      case "value_floats":
        return Float64Array.from(attribute.proto.floats);
      case "value_int":
        return Float64Array.of(Number(attribute.proto.i));
      case "value_ints":
        return Float64Array.from(attribute.proto.ints, Number);
    }
  }
  return undefined;
}

function safeFloat64(tensor: Tensor): Float64Array | undefined {
  try {
    return tensor.toFloat64Array();
  } catch {
    // Strings, external data not loaded, malformed payloads: not a usable constant.
    return undefined;
  }
}

/** The single number a constant holds (every element equal), if it is one. */
export function scalarConstant(value: Value | null | undefined): number | undefined {
  const data = constantData(value);
  if (!data || data.length === 0) return undefined;
  const first = data[0]!;
  for (let i = 1; i < data.length; i++) if (data[i] !== first) return undefined;
  return first;
}

/** True when `value` is a constant equal to `expected` within tolerance. */
export function isConstant(value: Value | null | undefined, expected: number): boolean {
  const actual = scalarConstant(value);
  return actual !== undefined && nearlyEqual(actual, expected);
}

/** The node of this graph (default domain) that computes `value` with one of `opTypes`, if any. */
export function producedBy(
  value: Value | null | undefined,
  ...opTypes: string[]
): Node | undefined {
  const producer = value?.producer;
  if (!producer || producer.domain !== "" || !opTypes.includes(producer.opType)) return undefined;
  return producer;
}

/**
 * Why the inner values of a candidate match may not be rewritten: each
 * internal value must be read only inside the match and not be a graph output.
 * Returns undefined when the match is self-contained.
 */
export function escapingValue(nodes: readonly Node[], output: Value): string | undefined {
  const inside = new Set(nodes);
  for (const node of nodes) {
    for (const value of node.outputs) {
      if (!value || value === output) continue;
      if (value.uses.some((use) => !inside.has(use.node)))
        return `inner value "${value.name}" (from ${node.describe()}) has other consumers`;
      for (const graph of value.graph.root.graphs())
        if (graph.outputs.includes(value))
          return `inner value "${value.name}" (from ${node.describe()}) is a graph output`;
    }
  }
  return undefined;
}

/**
 * For a commutative binary node: the operand pair ordered so that the first
 * satisfies `test` (tried in both orders). Returns [matched, other] or undefined.
 */
export function commutedOperands(
  node: Node,
  test: (value: Value) => boolean,
): [Value, Value] | undefined {
  const [a, b] = node.inputs;
  if (!a || !b || node.inputs.length !== 2) return undefined;
  if (test(a)) return [a, b];
  if (test(b)) return [b, a];
  return undefined;
}

/** Reads a FLOAT attribute or returns `fallback`, tolerating an INT written by some exporters. */
export function floatAttribute(node: Node, name: string, fallback: number): number {
  const attribute = node.attribute(name);
  // ONNX attribute defaults are float32 values, like attributes written in a file.
  if (!attribute) return Math.fround(fallback);
  if (attribute.type === AttributeType.INT) return Number(attribute.proto.i);
  return attribute.proto.f;
}
