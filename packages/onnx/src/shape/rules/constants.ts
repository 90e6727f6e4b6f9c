import { DataType } from "../../tensor/data-type.js";
import { dimProduct, isSize } from "../dims.js";
import { isIntegerType, knownFromTensor, knownVector, numbersOf } from "../known-values.js";
import type { RuleTable, ShapeRule } from "../rule-context.js";
import type { Dim } from "../types.js";
import { elementTypes, setTensor, shapeFromKnown, vectorLength } from "./helpers.js";

/** Constant: the type and (small) value of whichever value attribute is set. */
const constant: ShapeRule = (context) => {
  const read = context.attributes;
  const tensor = read.tensor("value");
  if (tensor) {
    let dims: number[] | undefined;
    try {
      dims = tensor.dims;
    } catch {
      dims = undefined;
    }
    setTensor(context, 0, tensor.dataType, dims, knownFromTensor(tensor, context.maxKnownElements));
    return;
  }
  const int = read.int("value_int");
  if (int !== undefined)
    return setTensor(context, 0, elementTypes.int64, [], { shape: [], values: [int] });
  const ints = read.ints("value_ints");
  if (ints) return setTensor(context, 0, elementTypes.int64, [ints.length], knownVector(ints));
  const float = read.float("value_float");
  if (float !== undefined)
    return setTensor(context, 0, elementTypes.float, [], { shape: [], values: [float] });
  const floats = read.floats("value_floats");
  if (floats)
    return setTensor(context, 0, elementTypes.float, [floats.length], knownVector(floats));
  if (read.has("value_string")) return setTensor(context, 0, DataType.STRING, []);
  if (read.has("value_strings")) {
    const strings = context.node.attribute("value_strings")?.proto.strings.length;
    return setTensor(context, 0, DataType.STRING, strings === undefined ? undefined : [strings]);
  }
  const sparse = context.node.attribute("sparse_value")?.proto.sparseTensor;
  if (sparse?.values) {
    const dims = sparse.dims.map((d) => Number(d));
    setTensor(context, 0, sparse.values.dataType, dims.every(isSize) ? dims : undefined);
  }
};

/** Shape: the input's dims as an int64 vector, sliced by start/end from opset 15. */
const shape: ShapeRule = (context) => {
  const dims = context.shape(0);
  if (!dims) return setTensor(context, 0, elementTypes.int64, [null]);
  const rank = dims.length;
  const clamp = (at: number) => Math.min(Math.max(at < 0 ? at + rank : at, 0), rank);
  const start = context.opset >= 15 ? clamp(context.attributes.int("start") ?? 0) : 0;
  const end = context.opset >= 15 ? clamp(context.attributes.int("end") ?? rank) : rank;
  const values = dims.slice(start, Math.max(start, end));
  setTensor(context, 0, elementTypes.int64, [values.length], knownVector(values));
};

const size: ShapeRule = (context) => {
  const dims = context.shape(0);
  const count = dims ? dimProduct(dims) : null;
  setTensor(
    context,
    0,
    elementTypes.int64,
    [],
    count === null ? undefined : { shape: [], values: [count] },
  );
};

/** Cast keeps the shape; integer-to-integer casts of known shape values keep the values. */
const cast: ShapeRule = (context) => {
  const to = context.attributes.int("to");
  if (to === undefined) return;
  const known = context.known(0);
  const from = context.elementType(0);
  const keep = known && isIntegerType(from) && isIntegerType(to) && to !== DataType.BOOL;
  setTensor(context, 0, to, context.shape(0), keep ? known : undefined);
};

/** ConstantOfShape: shape from the input's values, element type from the value attribute (float by default). */
const constantOfShape: ShapeRule = (context) => {
  const value = context.attributes.tensor("value");
  const elementType = value?.dataType ?? elementTypes.float;
  const known = context.known(0);
  const dims = shapeFromKnown(known);
  if (!dims) {
    const length = vectorLength(context, 0);
    return setTensor(
      context,
      0,
      elementType,
      length === undefined ? undefined : new Array(length).fill(null),
    );
  }
  let filled: { shape: number[]; values: Dim[] } | undefined;
  const count = dimProduct(dims);
  const fill = value ? numbersOf(knownFromTensor(value, 1))?.[0] : 0;
  if (
    count !== null &&
    count <= context.maxKnownElements &&
    fill !== undefined &&
    isIntegerType(elementType)
  ) {
    filled = { shape: dims as number[], values: new Array(count).fill(fill) };
  }
  setTensor(context, 0, elementType, dims, filled);
};

export const constantRules: RuleTable = {
  Constant: constant,
  ConstantOfShape: constantOfShape,
  Shape: shape,
  Size: size,
  Cast: cast,
  CastLike: (context) => {
    const to = context.elementType(1);
    if (to !== 0) setTensor(context, 0, to, context.shape(0));
  },
  Identity: (context) => {
    context.setOutput(0, context.input(0), context.known(0));
  },
};
