import { isSize } from "../dims.js";
import { numbersOf } from "../known-values.js";
import type { RuleTable, ShapeRule } from "../rule-context.js";
import type { Dim } from "../types.js";
import { integers, setTensor } from "./helpers.js";

const gather: ShapeRule = (context) => {
  const data = context.shape(0);
  const indices = context.shape(1);
  const elementType = context.elementType(0);
  if (!data || !indices) return setTensor(context, 0, elementType, undefined);
  const raw = context.attributes.int("axis") ?? 0;
  const axis = raw < 0 ? raw + data.length : raw;
  if (axis < 0 || axis >= data.length)
    return context.conflict(`gather axis ${raw} is out of range`);
  const output = [...data.slice(0, axis), ...indices, ...data.slice(axis + 1)];
  const values = context.known(0);
  const positions = integers(numbersOf(context.known(1)));
  let known: { shape: number[]; values: Dim[] } | undefined;
  if (values && positions && data.length === 1 && isSize(data[0])) {
    const size = data[0];
    const picked: Dim[] = [];
    for (const position of positions) {
      const at = position < 0 ? position + size : position;
      if (at < 0 || at >= size)
        return context.conflict(`gather index ${position} is out of range for size ${size}`);
      picked.push(values.values[at] ?? null);
    }
    known = { shape: output as number[], values: picked };
  }
  setTensor(context, 0, elementType, output, known);
};

const gatherND: ShapeRule = (context) => {
  const data = context.shape(0);
  const indices = context.shape(1);
  const elementType = context.elementType(0);
  if (!data || !indices || indices.length === 0)
    return setTensor(context, 0, elementType, undefined);
  const batch = context.attributes.int("batch_dims") ?? 0;
  const last = indices[indices.length - 1];
  if (!isSize(last)) return setTensor(context, 0, elementType, undefined);
  if (batch + last > data.length)
    return context.conflict("gather_nd indices are deeper than the data");
  setTensor(context, 0, elementType, [...indices.slice(0, -1), ...data.slice(batch + last)]);
};

const oneHot: ShapeRule = (context) => {
  const indices = context.shape(0);
  const elementType = context.elementType(2);
  if (!indices) return setTensor(context, 0, elementType, undefined);
  const depthValue = numbersOf(context.known(1))?.[0];
  const depth =
    depthValue !== undefined && Number.isFinite(depthValue) && depthValue >= 0
      ? Math.floor(depthValue)
      : null;
  const rank = indices.length + 1;
  const raw = context.attributes.int("axis") ?? -1;
  const axis = raw < 0 ? raw + rank : raw;
  if (axis < 0 || axis >= rank) return context.conflict(`one-hot axis ${raw} is out of range`);
  setTensor(context, 0, elementType, [...indices.slice(0, axis), depth, ...indices.slice(axis)]);
};

const compress: ShapeRule = (context) => {
  const input = context.shape(0);
  const elementType = context.elementType(0);
  const raw = context.attributes.int("axis");
  if (raw === undefined) return setTensor(context, 0, elementType, [null]);
  if (!input) return setTensor(context, 0, elementType, undefined);
  const axis = raw < 0 ? raw + input.length : raw;
  if (axis < 0 || axis >= input.length)
    return context.conflict(`compress axis ${raw} is out of range`);
  setTensor(
    context,
    0,
    elementType,
    input.map((dim, at) => (at === axis ? null : dim)),
  );
};

/** Indexing ops: Gather, GatherElements, GatherND, OneHot, Compress. */
export const gatherRules: RuleTable = {
  Gather: gather,
  GatherElements: (context) => setTensor(context, 0, context.elementType(0), context.shape(1)),
  GatherND: gatherND,
  OneHot: oneHot,
  Compress: compress,
};
