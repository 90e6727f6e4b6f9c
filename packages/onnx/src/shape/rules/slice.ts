import { isSize } from "../dims.js";
import { knownVector, numbersOf } from "../known-values.js";
import type { RuleContext, RuleTable, ShapeRule } from "../rule-context.js";
import type { Dim } from "../types.js";
import { integers, normalizeAxes, setTensor } from "./helpers.js";

/** The indices a slice of `size` elements visits, per the Slice spec's clamping rules. */
export function sliceRange(
  size: number,
  start: number,
  end: number,
  step: number,
): { first: number; count: number } {
  if (step > 0) {
    const from = Math.min(Math.max(start < 0 ? start + size : start, 0), size);
    const to = Math.min(Math.max(end < 0 ? end + size : end, 0), size);
    return { first: from, count: Math.max(0, Math.ceil((to - from) / step)) };
  }
  const from = Math.min(Math.max(start < 0 ? start + size : start, 0), size - 1);
  const to = Math.min(Math.max(end < 0 ? end + size : end, -1), size - 1);
  return { first: from, count: Math.max(0, Math.ceil((from - to) / -step)) };
}

/** Starts, ends, axes and steps of a Slice in either form; undefined entries are unknown. */
function sliceParameters(context: RuleContext) {
  if (context.opset < 10) {
    const read = context.attributes;
    return {
      starts: read.ints("starts"),
      ends: read.ints("ends"),
      axes: read.ints("axes"),
      steps: undefined,
      stepsGiven: false,
      axesGiven: read.has("axes"),
    };
  }
  const read = (index: number) =>
    context.hasInput(index) ? numbersOf(context.known(index)) : undefined;
  return {
    starts: read(1),
    ends: read(2),
    axes: read(3),
    steps: read(4),
    axesGiven: context.hasInput(3),
    stepsGiven: context.hasInput(4),
  };
}

const slice: ShapeRule = (context) => {
  const input = context.shape(0);
  const elementType = context.elementType(0);
  if (!input) return setTensor(context, 0, elementType, undefined);
  const { starts, ends, axes, steps, axesGiven, stepsGiven } = sliceParameters(context);
  const count = starts?.length ?? ends?.length;
  let sliced: number[] | undefined;
  if (axesGiven)
    sliced = axes ? normalizeAxes(integers(axes) ?? [Number.NaN], input.length) : undefined;
  else if (count !== undefined) sliced = Array.from({ length: count }, (_, index) => index);
  if (sliced === undefined && (axesGiven ? axes !== undefined : count !== undefined))
    return context.conflict("slice axes are out of range or repeated");
  if (!sliced || !starts || !ends || (stepsGiven && !steps)) {
    // Which axes change is unknown, or by how much: keep what is certain.
    const output = input.map((dim, axis) => (sliced && !sliced.includes(axis) ? dim : null));
    return setTensor(context, 0, elementType, output);
  }
  if (
    starts.length !== sliced.length ||
    ends.length !== sliced.length ||
    (steps && steps.length !== sliced.length)
  )
    return context.conflict("starts, ends, axes and steps of a slice differ in length");
  const output: Dim[] = [...input];
  const picks: { first: number; count: number; step: number }[] = [];
  for (const [index, axis] of sliced.entries()) {
    const step = steps?.[index] ?? 1;
    if (step === 0 || Number.isNaN(step)) return context.conflict("a slice step is 0");
    const start = starts[index]!;
    const end = ends[index]!;
    const dim = input[axis] ?? null;
    if (isSize(dim)) {
      const range = sliceRange(dim, start, end, step);
      output[axis] = range.count;
      if (axis === 0) picks.push({ ...range, step });
    } else if (!(start === 0 && step === 1 && end >= Number.MAX_SAFE_INTEGER)) output[axis] = null;
  }
  const known = context.known(0);
  let result: ReturnType<typeof knownVector> | undefined;
  if (known && input.length === 1 && known.values.length === input[0]) {
    const pick = picks[0] ?? { first: 0, count: known.values.length, step: 1 };
    result = knownVector(
      Array.from(
        { length: pick.count },
        (_, at) => known.values[pick.first + at * pick.step] ?? null,
      ),
    );
  }
  setTensor(context, 0, elementType, output, result);
};

/** Slice, in its attribute (opset < 10) and input forms. */
export const sliceRules: RuleTable = {
  Slice: slice,
};
