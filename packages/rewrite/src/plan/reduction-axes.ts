import { type Program, ProgramBuilder, type ProgramOperand } from "../lower/program.js";
import type { Site } from "../sites/site.js";

/**
 * How a softmax-like site's reductions are written: over `axes` of the
 * input directly, or — for the pre-13 form on an input of unknown rank —
 * on the input flattened to 2-D at `flattenAt`, reduced over its axis 1 and
 * reshaped back.
 */
export interface ReductionLayout {
  readonly axes: readonly number[];
  /** Set when the input is flattened to 2-D at this axis first (and reshaped back after). */
  readonly flattenAt?: number;
}

/** The rank of a value when its type says it. */
export function rankOf(site: Site): number | undefined {
  const type = site.input.type?.value;
  return (
    (type?.case === "tensorType" ? type.value.shape?.dim.length : undefined) ?? site.inferred?.rank
  );
}

/**
 * The reduction layout of a softmax-like site. From opset 13 Softmax and
 * LogSoftmax normalise along `axis`; before 13 they normalise over every
 * axis from `axis` on (the input flattened to 2-D there), which is a
 * reduction over [axis, …, rank − 1] when the rank is known or the axis is
 * counted from the end (negative reduce axes are valid from opset 11).
 */
export function reductionLayout(site: Site): ReductionLayout | string {
  const axis = site.axis!;
  const rank = rankOf(site);
  if (rank !== undefined && (axis >= rank || axis < -rank))
    return `axis ${axis} is outside the input's rank ${rank}`;
  const normal = rank !== undefined && axis < 0 ? axis + rank : axis;
  if (site.opset >= 13) return { axes: [normal] };
  const through = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) => from + i);
  if (rank !== undefined) return { axes: through(normal, rank) };
  if (axis < 0 && site.opset >= 11) return { axes: through(axis, 0) };
  return { flattenAt: axis, axes: [1] };
}

/**
 * Wraps a program written for a 2-D input: Flatten(x, axis) feeds it, and
 * its result is reshaped to x's shape (Shape, Reshape: no rank needed).
 */
export function flattened(program: Program, axis: number): Program {
  const builder = new ProgramBuilder();
  const flat = builder.add("Flatten", [{ kind: "input" }], {
    attributes: [{ name: "axis", type: "int", value: axis }],
  });
  const moved = (operand: ProgramOperand | null): ProgramOperand | null => {
    if (!operand) return null;
    if (operand.kind === "input") return flat;
    if (operand.kind === "step") return { kind: "step", index: operand.index + 1 };
    return operand;
  };
  for (const step of program.steps) {
    builder.add(step.opType, step.inputs.map(moved), {
      attributes: step.attributes,
      bool: step.bool,
      domain: step.domain,
    });
  }
  const shape = builder.add("Shape", [{ kind: "input" }]);
  return builder.finish(builder.add("Reshape", [moved(program.result), shape]));
}
