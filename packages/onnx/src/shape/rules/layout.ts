import { BroadcastError, broadcastShapes } from "../dims.js";
import { numbersOf } from "../known-values.js";
import type { RuleTable, ShapeRule } from "../rule-context.js";
import type { Dim } from "../types.js";
import { integers, normalizeAxes, setTensor, shapeFromKnown, vectorLength } from "./helpers.js";

const transpose: ShapeRule = (context) => {
  const input = context.shape(0);
  const elementType = context.elementType(0);
  if (!input) return setTensor(context, 0, elementType, undefined);
  const perm = context.attributes.ints("perm") ?? input.map((_, index) => input.length - 1 - index);
  if (
    perm.length !== input.length ||
    !normalizeAxes(perm, input.length) ||
    perm.some((axis) => axis < 0)
  )
    return context.conflict(`perm [${perm.join(", ")}] does not fit rank ${input.length}`);
  const known = input.length === 1 ? context.known(0) : undefined;
  setTensor(
    context,
    0,
    elementType,
    perm.map((axis) => input[axis] ?? null),
    known,
  );
};

const expand: ShapeRule = (context) => {
  const elementType = context.elementType(0);
  let target = shapeFromKnown(context.known(1));
  if (!target) {
    const length = vectorLength(context, 1);
    if (length === undefined) return setTensor(context, 0, elementType, undefined);
    target = new Array(length).fill(null);
  }
  const output = broadcastShapes([context.shape(0), target]);
  if (output instanceof BroadcastError) return context.conflict(`cannot expand: ${output.message}`);
  setTensor(context, 0, elementType, output);
};

const tile: ShapeRule = (context) => {
  const input = context.shape(0);
  const elementType = context.elementType(0);
  if (!input) return setTensor(context, 0, elementType, undefined);
  const repeats = integers(numbersOf(context.known(1)));
  if (repeats && repeats.length !== input.length)
    return context.conflict(`${repeats.length} repeats for rank ${input.length}`);
  const output = input.map((dim, index) => {
    const times = repeats?.[index];
    if (times === undefined) return null;
    if (times === 1) return dim;
    return typeof dim === "number" ? dim * times : null;
  });
  setTensor(context, 0, elementType, output);
};

function blockRearrange(toDepth: boolean): ShapeRule {
  return (context) => {
    const input = context.shape(0);
    const elementType = context.elementType(0);
    const block = context.attributes.int("blocksize");
    if (input?.length !== 4 || !block || block <= 0)
      return setTensor(context, 0, elementType, input ? [null, null, null, null] : undefined);
    const [n, c, h, w] = input;
    const grow = (dim: Dim | undefined, by: number) => (typeof dim === "number" ? dim * by : null);
    const shrink = (dim: Dim | undefined, by: number) =>
      typeof dim === "number" && dim % by === 0 ? dim / by : null;
    const square = block * block;
    const output = toDepth
      ? [n ?? null, grow(c, square), shrink(h, block), shrink(w, block)]
      : [n ?? null, shrink(c, square), grow(h, block), grow(w, block)];
    setTensor(context, 0, elementType, output);
  };
}

/** Ops that move or repeat elements: Transpose, Expand, Tile, DepthToSpace, SpaceToDepth. */
export const layoutRules: RuleTable = {
  Transpose: transpose,
  Expand: expand,
  Tile: tile,
  SpaceToDepth: blockRearrange(true),
  DepthToSpace: blockRearrange(false),
};
