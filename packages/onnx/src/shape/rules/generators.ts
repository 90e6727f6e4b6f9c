import { isSize } from "../dims.js";
import { isIntegerType, knownVector, numbersOf } from "../known-values.js";
import type { RuleTable, ShapeRule } from "../rule-context.js";
import { elementTypes, setTensor } from "./helpers.js";

/** Range: length max(ceil((limit - start) / delta), 0) when the scalars are known. */
const range: ShapeRule = (context) => {
  const elementType = context.elementType(0) || context.elementType(1) || context.elementType(2);
  const [start, limit, delta] = [0, 1, 2].map((index) => numbersOf(context.known(index))?.[0]);
  if (start === undefined || limit === undefined || delta === undefined || delta === 0) {
    return setTensor(context, 0, elementType, [null]);
  }
  const count = Math.max(Math.ceil((limit - start) / delta), 0);
  if (!Number.isSafeInteger(count)) return setTensor(context, 0, elementType, [null]);
  let known: ReturnType<typeof knownVector> | undefined;
  if (isIntegerType(elementType) && count <= context.maxKnownElements) {
    known = knownVector(Array.from({ length: count }, (_, index) => start + index * delta));
  }
  setTensor(context, 0, elementType, [count], known);
};

/** Ops whose output has a `dtype` attribute (or the input's type) and a given or input-like shape. */
function likeInput(defaultFromInput: boolean): ShapeRule {
  return (context) => {
    const dtype = context.attributes.int("dtype");
    const elementType = dtype ?? (defaultFromInput ? context.elementType(0) : elementTypes.float);
    setTensor(context, 0, elementType, context.shape(0));
  };
}

/** Random generators with a `shape` attribute. */
const randomWithShape: ShapeRule = (context) => {
  const dims = context.attributes.ints("shape");
  const elementType = context.attributes.int("dtype") ?? elementTypes.float;
  setTensor(context, 0, elementType, dims?.every(isSize) ? dims : undefined);
};

/** Generators: Range, random tensors, EyeLike, NonZero, Multinomial. */
export const generatorRules: RuleTable = {
  Range: range,
  EyeLike: likeInput(true),
  RandomNormalLike: likeInput(true),
  RandomUniformLike: likeInput(true),
  Bernoulli: likeInput(true),
  RandomNormal: randomWithShape,
  RandomUniform: randomWithShape,
  NonZero: (context) => {
    const rank = context.shape(0)?.length;
    setTensor(context, 0, elementTypes.int64, rank === undefined ? [null, null] : [rank, null]);
  },
  Multinomial: (context) => {
    const batch = context.shape(0)?.[0] ?? null;
    const samples = context.attributes.int("sample_size") ?? 1;
    setTensor(context, 0, context.attributes.int("dtype") ?? elementTypes.int32, [batch, samples]);
  },
};
