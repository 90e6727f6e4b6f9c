// Helpers shared by the shape inference tests and scripts/compare-shapes.ts:
// strip what a model declares about intermediate values, and compare types.
import { type Model, type proto, tensorTypeInfo } from "../../src/index.js";

/** A dimension as read from a TypeProto: size, symbol, or null. */
type Dim = number | string | null;

/**
 * Removes the types of intermediate values (value_info) and of graph
 * outputs in every graph, so inference starts from inputs and initializers
 * only. Returns the main graph's output types as they were declared.
 */
export function stripIntermediateTypes(model: Model): Map<string, proto.TypeProto | undefined> {
  const declared = new Map<string, proto.TypeProto | undefined>();
  for (const value of model.graph.outputs) declared.set(value.name, value.type);
  for (const graph of model.graph.graphs()) {
    for (const value of graph.valueInfo) value.type = undefined;
    graph.valueInfo = [];
    graph.infoOverrides.valueInfo.clear();
    for (const value of graph.outputs) {
      if (!value.isGraphInput && !value.initializer) value.type = undefined;
    }
    graph.infoOverrides.output.clear();
  }
  return declared;
}

/** Why two tensor types contradict each other (different element types, ranks or fixed sizes), or undefined. */
export function contradiction(
  expected: proto.TypeProto | undefined,
  actual: proto.TypeProto | undefined,
): string | undefined {
  if (expected?.value.case === "sequenceType" && actual?.value.case === "sequenceType")
    return contradiction(expected.value.value.elemType, actual.value.value.elemType);
  if (expected?.value.case === "optionalType" && actual?.value.case === "optionalType")
    return contradiction(expected.value.value.elemType, actual.value.value.elemType);
  const a = tensorTypeInfo(expected);
  const b = tensorTypeInfo(actual);
  if (!a || !b) {
    if (expected?.value.case && actual?.value.case && expected.value.case !== actual.value.case)
      return `${expected.value.case} vs ${actual.value.case}`;
    return undefined;
  }
  if (a.elementType !== 0 && b.elementType !== 0 && a.elementType !== b.elementType)
    return `element type ${a.elementType} vs ${b.elementType}`;
  if (!a.shape || !b.shape) return undefined;
  if (a.shape.length !== b.shape.length) return `rank ${describe(a.shape)} vs ${describe(b.shape)}`;
  for (const [index, dim] of a.shape.entries()) {
    const other = b.shape[index] ?? null;
    if (typeof dim === "number" && typeof other === "number" && dim !== other)
      return `shape ${describe(a.shape)} vs ${describe(b.shape)}`;
  }
  return undefined;
}

/** True when the type is a tensor of known rank. */
export function hasShape(type: proto.TypeProto | undefined): boolean {
  return tensorTypeInfo(type)?.shape !== undefined;
}

function describe(shape: readonly Dim[]): string {
  return `[${shape.map((d) => (d === null ? "?" : String(d))).join(", ")}]`;
}
