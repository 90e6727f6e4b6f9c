import { OnnxError } from "../errors/onnx-error.js";
import { Attribute, AttributeType } from "../ir/attribute.js";
import { Graph } from "../ir/graph.js";
import { Tensor } from "../tensor/tensor.js";

/** A typed attribute value made with `float()`, `int()`, `floats()`, `ints()` where a bare number is ambiguous. */
export interface TypedAttributeValue {
  readonly attributeType: AttributeType;
  readonly value: number | bigint | readonly (number | bigint)[];
}

/** What the builder accepts as an attribute value. */
export type AttributeInput =
  | Attribute
  | TypedAttributeValue
  | number
  | bigint
  | string
  | Uint8Array
  | Tensor
  | Graph
  | readonly number[]
  | readonly bigint[]
  | readonly string[]
  | readonly Tensor[]
  | readonly Graph[];

/** Marks a number as a FLOAT attribute. */
export function float(value: number): TypedAttributeValue {
  return { attributeType: AttributeType.FLOAT, value };
}

/** Marks a number as an INT attribute. */
export function int(value: number | bigint): TypedAttributeValue {
  return { attributeType: AttributeType.INT, value };
}

/** Marks numbers as a FLOATS attribute. */
export function floats(values: readonly number[]): TypedAttributeValue {
  return { attributeType: AttributeType.FLOATS, value: values };
}

/** Marks numbers as an INTS attribute. */
export function ints(values: readonly (number | bigint)[]): TypedAttributeValue {
  return { attributeType: AttributeType.INTS, value: values };
}

/**
 * Attribute names that standard ONNX ops declare as FLOAT(S), so that
 * `{ alpha: 1 }` becomes FLOAT 1.0 and not INT 1. Other bare integers are INT.
 */
const floatNames = new Set([
  "alpha",
  "beta",
  "gamma",
  "epsilon",
  "bias",
  "lambd",
  "momentum",
  "ratio",
  "threshold",
  "min",
  "max",
  "scale",
  "scales",
  "value_float",
  "value_floats",
  "spatial_scale",
  "fmod_float",
  "lambda",
]);

function isTyped(value: unknown): value is TypedAttributeValue {
  return typeof value === "object" && value !== null && "attributeType" in value;
}

/** Turns one name/value pair into an Attribute (see AttributeInput for inference rules). */
export function toAttribute(name: string, value: AttributeInput): Attribute {
  if (value instanceof Attribute) return value;
  if (isTyped(value)) return Attribute.create(name, value.attributeType, value.value as number);
  if (typeof value === "bigint") return Attribute.create(name, AttributeType.INT, value);
  if (typeof value === "number") {
    const type =
      Number.isInteger(value) && !floatNames.has(name) ? AttributeType.INT : AttributeType.FLOAT;
    return Attribute.create(name, type, value);
  }
  if (typeof value === "string" || value instanceof Uint8Array)
    return Attribute.create(name, AttributeType.STRING, value as Uint8Array);
  if (value instanceof Tensor) return Attribute.create(name, AttributeType.TENSOR, value);
  if (value instanceof Graph) return Attribute.create(name, AttributeType.GRAPH, value);
  if (Array.isArray(value)) {
    const list = value as readonly unknown[];
    if (list.every((v) => typeof v === "bigint"))
      return Attribute.create(name, AttributeType.INTS, list as bigint[]);
    if (list.every((v) => typeof v === "number")) {
      const allIntegers = (list as number[]).every(Number.isInteger);
      const type =
        allIntegers && !floatNames.has(name) && list.length > 0
          ? AttributeType.INTS
          : AttributeType.FLOATS;
      return Attribute.create(name, type, list as number[]);
    }
    if (list.every((v) => typeof v === "string"))
      return Attribute.create(name, AttributeType.STRINGS, list as unknown as Uint8Array[]);
    if (list.every((v) => v instanceof Tensor))
      return Attribute.create(name, AttributeType.TENSORS, list as Tensor[]);
    if (list.every((v) => v instanceof Graph))
      return Attribute.create(name, AttributeType.GRAPHS, list as Graph[]);
  }
  throw new OnnxError(
    "BUILDER_INVALID",
    `attribute "${name}": cannot infer an ONNX attribute type for this value; use float(), int(), floats() or ints()`,
  );
}

/** Turns a record of attribute inputs into Attributes, in key order. */
export function toAttributes(
  record: Readonly<Record<string, AttributeInput>> | undefined,
): Attribute[] {
  return Object.entries(record ?? {}).map(([name, value]) => toAttribute(name, value));
}
