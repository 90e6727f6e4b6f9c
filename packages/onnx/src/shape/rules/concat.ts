import { knownVector } from "../known-values.js";
import type { RuleTable, ShapeRule } from "../rule-context.js";
import type { Dim } from "../types.js";
import { setTensor } from "./helpers.js";

const concat: ShapeRule = (context) => {
  const elementType = context.elementType(0);
  const shapes = Array.from({ length: context.inputCount }, (_, index) => context.shape(index));
  const axisAttribute = context.attributes.int("axis");
  const known = shapes.find((shape) => shape !== undefined);
  if (!known || axisAttribute === undefined)
    return setTensor(
      context,
      0,
      elementType,
      known?.map(() => null),
    );
  const rank = known.length;
  const axis = axisAttribute < 0 ? axisAttribute + rank : axisAttribute;
  if (axis < 0 || axis >= rank)
    return context.conflict(`concat axis ${axisAttribute} is out of range for rank ${rank}`);
  if (shapes.some((shape) => shape && shape.length !== rank))
    return context.conflict("concat inputs differ in rank");
  const output: Dim[] = [];
  for (let at = 0; at < rank; at++) {
    if (at === axis) {
      let total: Dim = 0;
      for (const shape of shapes) {
        const dim = shape ? shape[at]! : null;
        if (typeof total === "number" && typeof dim === "number") total += dim;
        else if (total === 0) total = dim;
        else if (dim !== 0) total = null;
      }
      output.push(total);
      continue;
    }
    let merged: Dim = null;
    for (const shape of shapes) {
      const dim = shape?.[at] ?? null;
      if (typeof dim === "number") {
        if (typeof merged === "number" && merged !== dim)
          return context.conflict(`concat inputs differ in dim ${at}`);
        merged = dim;
      } else if (merged === null && dim !== null) merged = dim;
    }
    output.push(merged);
  }
  let values: Dim[] | undefined;
  if (rank === 1) {
    values = [];
    for (let index = 0; index < context.inputCount; index++) {
      const part = context.known(index);
      if (!part) {
        values = undefined;
        break;
      }
      values.push(...part.values);
    }
  }
  setTensor(
    context,
    0,
    elementType,
    output,
    values && output[0] === values.length ? knownVector(values) : undefined,
  );
};

/** Concat: inputs joined along one axis, known 1-D values concatenated. */
export const concatRules: RuleTable = {
  Concat: concat,
};
