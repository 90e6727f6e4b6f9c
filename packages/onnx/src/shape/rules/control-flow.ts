import type { Graph } from "../../ir/graph.js";
import { isSize } from "../dims.js";
import type { RuleContext, RuleTable, ShapeRule } from "../rule-context.js";
import { joinTypes, tensorOf } from "../type-proto.js";
import type { Dim, ValueType } from "../types.js";
import { elementTypes } from "./helpers.js";

const scalarInt64 = tensorOf(elementTypes.int64, []);
const scalarBool = tensorOf(elementTypes.bool, []);

/** A type with its shape forgotten (what stays true when a loop may change shapes every iteration). */
function elementOnly(type: ValueType | undefined): ValueType | undefined {
  return type?.kind === "tensor" ? tensorOf(type.elementType, undefined) : type;
}

function sameType(a: ValueType | undefined, b: ValueType | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Infers a loop body whose carried values may change from one iteration to
 * the next: re-infers with the join of what went in and what came out until
 * nothing changes (at most three passes, the last with shapes forgotten).
 * Returns the body's outputs and the carried types that hold on every iteration.
 */
function inferLoopBody(
  context: RuleContext,
  body: Graph,
  carried: (ValueType | undefined)[],
  bodyInputs: (carried: (ValueType | undefined)[]) => (ValueType | undefined)[],
  carriedOutputOffset: number,
): { outputs: (ValueType | undefined)[]; carried: (ValueType | undefined)[] } {
  let current = carried;
  for (let pass = 0; ; pass++) {
    const outputs = context.inferSubgraph(body, bodyInputs(current));
    const next = current.map((type, index) =>
      joinTypes(type, outputs[carriedOutputOffset + index]),
    );
    if (next.every((type, index) => sameType(type, current[index])) || pass === 2) {
      return { outputs, carried: next };
    }
    current = pass === 1 ? next.map(elementOnly) : next;
  }
}

const ifRule: ShapeRule = (context) => {
  const thenBranch = context.attributes.graph("then_branch");
  const elseBranch = context.attributes.graph("else_branch");
  if (!thenBranch || !elseBranch) return;
  const thenTypes = context.inferSubgraph(thenBranch, []);
  const elseTypes = context.inferSubgraph(elseBranch, []);
  if (thenTypes.length !== elseTypes.length || thenTypes.length !== context.outputCount) {
    return context.conflict("the branches of If have different numbers of outputs than the node");
  }
  for (const [index, type] of thenTypes.entries()) {
    context.setOutput(index, joinTypes(type, elseTypes[index]));
  }
};

/** Prepends a dimension to a body output: the iteration axis of a scan output. */
function stacked(type: ValueType | undefined, dim: Dim, axis = 0): ValueType | undefined {
  if (type?.kind !== "tensor") return undefined;
  if (!type.shape) return tensorOf(type.elementType, undefined);
  const at = axis < 0 ? axis + type.shape.length + 1 : axis;
  if (at < 0 || at > type.shape.length) return tensorOf(type.elementType, undefined);
  return tensorOf(type.elementType, [...type.shape.slice(0, at), dim, ...type.shape.slice(at)]);
}

const loop: ShapeRule = (context) => {
  const body = context.attributes.graph("body");
  if (!body) return;
  const carriedCount = context.inputCount - 2;
  if (carriedCount < 0 || body.inputs.length !== carriedCount + 2) {
    return context.conflict("the Loop body's inputs do not match the node's loop-carried inputs");
  }
  const carried = Array.from({ length: carriedCount }, (_, index) => context.input(index + 2));
  const result = inferLoopBody(
    context,
    body,
    carried,
    (types) => [scalarInt64, scalarBool, ...types],
    1,
  );
  for (let index = 0; index < context.outputCount; index++) {
    if (index < carriedCount) context.setOutput(index, result.carried[index]);
    else context.setOutput(index, stacked(result.outputs[index + 1], null));
  }
};

/** A tensor type with one axis removed (a scan input's slice). */
function without(type: ValueType | undefined, axes: number[]): ValueType | undefined {
  if (type?.kind !== "tensor") return undefined;
  if (!type.shape) return tensorOf(type.elementType, undefined);
  const rank = type.shape.length;
  const drop = axes.map((axis) => (axis < 0 ? axis + rank : axis));
  if (drop.some((axis) => axis < 0 || axis >= rank)) return tensorOf(type.elementType, undefined);
  return tensorOf(
    type.elementType,
    type.shape.filter((_, axis) => !drop.includes(axis)),
  );
}

function dimAt(type: ValueType | undefined, axis: number): Dim {
  if (type?.kind !== "tensor" || !type.shape) return null;
  const at = axis < 0 ? axis + type.shape.length : axis;
  return type.shape[at] ?? null;
}

const scan: ShapeRule = (context) => {
  const body = context.attributes.graph("body");
  const scanInputs = context.attributes.int("num_scan_inputs");
  if (!body || scanInputs === undefined || scanInputs < 0) return;
  // Opset 8 has a leading optional sequence_lens input and a batch axis on everything.
  const legacy = context.opset < 9;
  const first = legacy ? 1 : 0;
  const stateCount = context.inputCount - first - scanInputs;
  if (stateCount < 0 || body.inputs.length !== stateCount + scanInputs) {
    return context.conflict("the Scan body's inputs do not match the node's inputs");
  }
  const inputAxes = legacy ? [] : (context.attributes.ints("scan_input_axes") ?? []);
  const states = Array.from({ length: stateCount }, (_, index) => context.input(first + index));
  const scanned = Array.from({ length: scanInputs }, (_, index) =>
    context.input(first + stateCount + index),
  );
  const batch = legacy ? dimAt(states[0] ?? scanned[0], 0) : null;
  const sequence = dimAt(scanned[0], legacy ? 1 : (inputAxes[0] ?? 0));
  const stateInBody = (type: ValueType | undefined) => (legacy ? without(type, [0]) : type);
  const slices = scanned.map((type, index) =>
    without(type, legacy ? [0, 1] : [inputAxes[index] ?? 0]),
  );
  const result = inferLoopBody(
    context,
    body,
    states.map(stateInBody),
    (types) => [...types, ...slices],
    0,
  );
  const outputAxes = legacy ? [] : (context.attributes.ints("scan_output_axes") ?? []);
  for (let index = 0; index < context.outputCount; index++) {
    if (index < stateCount) {
      const state = result.carried[index];
      context.setOutput(index, legacy ? stacked(state, batch) : state);
    } else {
      const slice = result.outputs[index];
      const axis = outputAxes[index - stateCount] ?? 0;
      const withSequence = stacked(
        slice,
        isSize(sequence) || typeof sequence === "string" ? sequence : null,
        legacy ? 0 : axis,
      );
      context.setOutput(index, legacy ? stacked(withSequence, batch) : withSequence);
    }
  }
};

/** If, Loop and Scan: their bodies are inferred with inputs typed from the outer scope. */
export const controlFlowRules: RuleTable = {
  If: ifRule,
  Loop: loop,
  Scan: scan,
};
