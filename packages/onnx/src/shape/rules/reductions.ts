import { numbersOf } from "../known-values.js";
import type { RuleContext, RuleTable, ShapeRule } from "../rule-context.js";
import { elementTypes, integers, normalizeAxes, setTensor, vectorLength } from "./helpers.js";

/** Reductions read axes from an input from this opset on (ReduceSum earlier, at 13). */
function axesInputOpset(opType: string): number {
  return opType === "ReduceSum" ? 13 : 18;
}

const reduce: ShapeRule = (context) => {
  const input = context.shape(0);
  const elementType = context.elementType(0);
  const keepDims = (context.attributes.int("keepdims") ?? 1) !== 0;
  let axes: number[] | undefined;
  let given: boolean;
  if (context.opset >= axesInputOpset(context.node.opType)) {
    given = context.hasInput(1);
    axes = given ? integers(numbersOf(context.known(1))) : undefined;
    if (given && axes?.length === 0) given = false;
  } else {
    axes = context.attributes.ints("axes");
    given = axes !== undefined;
  }
  if (!input) return setTensor(context, 0, elementType, undefined);
  if (!given) {
    const noop = context.opset >= 13 && context.attributes.int("noop_with_empty_axes") === 1;
    if (noop) return setTensor(context, 0, elementType, input);
    return setTensor(context, 0, elementType, keepDims ? input.map(() => 1) : []);
  }
  if (!axes) {
    if (keepDims)
      return setTensor(
        context,
        0,
        elementType,
        input.map(() => null),
      );
    // Axes computed at run time: their count (distinct, by the spec) still fixes the rank.
    const count =
      context.opset >= axesInputOpset(context.node.opType) ? vectorLength(context, 1) : undefined;
    const rank =
      count !== undefined && count > 0 && count <= input.length ? input.length - count : undefined;
    return setTensor(
      context,
      0,
      elementType,
      rank === undefined ? undefined : new Array(rank).fill(null),
    );
  }
  const reduced = normalizeAxes(axes, input.length);
  if (!reduced) return context.conflict(`reduction axes [${axes.join(", ")}] are out of range`);
  const output = keepDims
    ? input.map((dim, axis) => (reduced.includes(axis) ? 1 : dim))
    : input.filter((_, axis) => !reduced.includes(axis));
  setTensor(context, 0, elementType, output);
};

const argReduce: ShapeRule = (context) => {
  const input = context.shape(0);
  if (!input) return setTensor(context, 0, elementTypes.int64, undefined);
  const keepDims = (context.attributes.int("keepdims") ?? 1) !== 0;
  const raw = context.attributes.int("axis") ?? 0;
  const axis = raw < 0 ? raw + input.length : raw;
  if (axis < 0 || axis >= input.length) return context.conflict(`axis ${raw} is out of range`);
  const output = keepDims
    ? input.map((dim, at) => (at === axis ? 1 : dim))
    : input.filter((_, at) => at !== axis);
  setTensor(context, 0, elementTypes.int64, output);
};

const topK: ShapeRule = (context: RuleContext) => {
  const input = context.shape(0);
  const elementType = context.elementType(0);
  if (!input) {
    setTensor(context, 0, elementType, undefined);
    return setTensor(context, 1, elementTypes.int64, undefined);
  }
  const raw = context.attributes.int("axis") ?? -1;
  const axis = raw < 0 ? raw + input.length : raw;
  if (axis < 0 || axis >= input.length) return context.conflict(`axis ${raw} is out of range`);
  const k = context.opset < 10 ? context.attributes.int("k") : numbersOf(context.known(1))?.[0];
  const size = k !== undefined && Number.isSafeInteger(k) && k >= 0 ? k : null;
  const dim = input[axis];
  if (size !== null && typeof dim === "number" && size > dim)
    return context.conflict(`k = ${size} exceeds axis size ${dim}`);
  const output = input.map((d, at) => (at === axis ? size : d));
  setTensor(context, 0, elementType, output);
  setTensor(context, 1, elementTypes.int64, output);
};

const reductionNames = [
  "ReduceSum",
  "ReduceMean",
  "ReduceMax",
  "ReduceMin",
  "ReduceProd",
  "ReduceL1",
  "ReduceL2",
  "ReduceLogSum",
  "ReduceLogSumExp",
  "ReduceSumSquare",
];

/** Reductions, arg-reductions and TopK. */
export const reductionRules: RuleTable = {
  ...Object.fromEntries(reductionNames.map((name) => [name, reduce])),
  ArgMax: argReduce,
  ArgMin: argReduce,
  TopK: topK,
};
