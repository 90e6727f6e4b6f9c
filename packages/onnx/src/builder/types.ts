import { create } from "@bufbuild/protobuf";
import {
  type TensorShapeProto_Dimension,
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  type TypeProto,
  TypeProto_SequenceSchema,
  TypeProto_TensorSchema,
  TypeProtoSchema,
} from "../proto/onnx_pb.js";
import type { DataType } from "../tensor/data-type.js";

/** A dimension: a fixed size, a symbolic name (`"batch"`), or null for unknown. */
export type Dimension = number | string | null;

/** A tensor type; `shape` undefined means unknown rank. */
export function tensorType(elementType: DataType, shape?: readonly Dimension[]): TypeProto {
  const tensor = create(TypeProto_TensorSchema, { elemType: elementType });
  if (shape) {
    tensor.shape = create(TensorShapeProtoSchema, {
      dim: shape.map((d): TensorShapeProto_Dimension => {
        if (typeof d === "number")
          return create(TensorShapeProto_DimensionSchema, {
            value: { case: "dimValue", value: BigInt(d) },
          });
        if (typeof d === "string")
          return create(TensorShapeProto_DimensionSchema, {
            value: { case: "dimParam", value: d },
          });
        return create(TensorShapeProto_DimensionSchema);
      }),
    });
  }
  return create(TypeProtoSchema, { value: { case: "tensorType", value: tensor } });
}

/** A sequence type of `element`. */
export function sequenceType(element: TypeProto): TypeProto {
  return create(TypeProtoSchema, {
    value: { case: "sequenceType", value: create(TypeProto_SequenceSchema, { elemType: element }) },
  });
}

/** Element type and shape of a tensor type (undefined for other kinds). */
export function tensorTypeInfo(
  type: TypeProto | undefined,
): { elementType: DataType; shape: Dimension[] | undefined } | undefined {
  if (type?.value.case !== "tensorType") return undefined;
  const tensor = type.value.value;
  return {
    elementType: tensor.elemType,
    shape: tensor.shape?.dim.map((d) =>
      d.value.case === "dimValue"
        ? Number(d.value.value)
        : d.value.case === "dimParam"
          ? d.value.value
          : null,
    ),
  };
}
