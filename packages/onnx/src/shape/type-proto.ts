import { create } from "@bufbuild/protobuf";
import {
  type TensorShapeProto_Dimension,
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  type TypeProto,
  TypeProto_OptionalSchema,
  TypeProto_SequenceSchema,
  TypeProto_TensorSchema,
  TypeProtoSchema,
} from "../proto/onnx_pb.js";
import type { Dim, TensorType, ValueType } from "./types.js";

/** Deeply nested declared types are hostile; stop reading them here. */
const maxTypeDepth = 16;

/** Reads a declared TypeProto into the inference form (negative or absurd sizes become unknown). */
export function fromTypeProto(type: TypeProto | undefined, depth = 0): ValueType | undefined {
  if (!type || depth > maxTypeDepth) return undefined;
  switch (type.value.case) {
    case "tensorType": {
      const tensor = type.value.value;
      const shape = tensor.shape?.dim.map((dim): Dim => {
        if (dim.value.case === "dimValue") {
          const size = Number(dim.value.value);
          return Number.isSafeInteger(size) && size >= 0 ? size : null;
        }
        if (dim.value.case === "dimParam" && dim.value.value !== "") return dim.value.value;
        return null;
      });
      return { kind: "tensor", elementType: tensor.elemType, shape };
    }
    case "sequenceType":
      return { kind: "sequence", element: fromTypeProto(type.value.value.elemType, depth + 1) };
    case "optionalType":
      return { kind: "optional", element: fromTypeProto(type.value.value.elemType, depth + 1) };
    case undefined:
      return undefined;
    default:
      return { kind: "other", proto: type };
  }
}

function dimToProto(dim: Dim): TensorShapeProto_Dimension {
  // Only sizes that are sizes are written; anything else a rule let through becomes unknown.
  if (typeof dim === "number" && Number.isSafeInteger(dim) && dim >= 0)
    return create(TensorShapeProto_DimensionSchema, {
      value: { case: "dimValue", value: BigInt(dim) },
    });
  if (typeof dim === "string")
    return create(TensorShapeProto_DimensionSchema, { value: { case: "dimParam", value: dim } });
  return create(TensorShapeProto_DimensionSchema);
}

/** Writes an inferred type as a TypeProto. */
export function toTypeProto(type: ValueType): TypeProto {
  switch (type.kind) {
    case "tensor": {
      const tensor = create(TypeProto_TensorSchema, { elemType: type.elementType });
      if (type.shape)
        tensor.shape = create(TensorShapeProtoSchema, { dim: type.shape.map(dimToProto) });
      return create(TypeProtoSchema, { value: { case: "tensorType", value: tensor } });
    }
    case "sequence": {
      const sequence = create(TypeProto_SequenceSchema);
      if (type.element) sequence.elemType = toTypeProto(type.element);
      return create(TypeProtoSchema, { value: { case: "sequenceType", value: sequence } });
    }
    case "optional": {
      const optional = create(TypeProto_OptionalSchema);
      if (type.element) optional.elemType = toTypeProto(type.element);
      return create(TypeProtoSchema, { value: { case: "optionalType", value: optional } });
    }
    default:
      return type.proto;
  }
}

/** A tensor type from parts. */
export function tensorOf(elementType: number, shape: readonly Dim[] | undefined): TensorType {
  return { kind: "tensor", elementType, shape };
}

/** The result of refining a declared type with an inferred one. */
export interface Refinement {
  readonly type: ValueType | undefined;
  /** What disagrees, when declared and inferred contradict each other. */
  readonly conflict?: string;
}

function describeShape(shape: readonly Dim[]): string {
  return `[${shape.map((d) => (d === null ? "?" : String(d))).join(", ")}]`;
}

/**
 * Combines a declared type with an inferred one: the declared type wins where
 * it says something, inference fills in what it leaves open (a fixed size
 * refines a symbolic one), and two different fixed facts are a conflict.
 */
export function refine(
  declared: ValueType | undefined,
  inferred: ValueType | undefined,
  depth = 0,
): Refinement {
  if (!declared) return { type: inferred };
  if (!inferred || depth > maxTypeDepth) return { type: declared };
  if (declared.kind !== inferred.kind) {
    return { type: declared, conflict: `declared ${declared.kind}, inferred ${inferred.kind}` };
  }
  if (declared.kind === "other" || inferred.kind === "other") return { type: declared };
  if (declared.kind === "tensor" && inferred.kind === "tensor") {
    let conflict: string | undefined;
    let elementType = declared.elementType;
    if (elementType === 0) elementType = inferred.elementType;
    else if (inferred.elementType !== 0 && inferred.elementType !== elementType)
      conflict = `declared element type ${elementType}, inferred ${inferred.elementType}`;
    let shape = declared.shape;
    if (!shape) shape = inferred.shape;
    else if (inferred.shape) {
      if (inferred.shape.length !== shape.length) {
        conflict ??= `declared rank ${shape.length}, inferred ${describeShape(inferred.shape)}`;
      } else {
        const merged = shape.map((dim, index) => {
          const other = inferred.shape![index] ?? null;
          if (typeof dim === "number") {
            if (typeof other === "number" && other !== dim)
              conflict ??= `declared ${describeShape(declared.shape!)}, inferred ${describeShape(inferred.shape!)}`;
            return dim;
          }
          if (typeof other === "number") return other;
          return dim ?? other;
        });
        shape = merged;
      }
    }
    return { type: { kind: "tensor", elementType, shape }, conflict };
  }
  const declaredElement = (declared as { element: ValueType | undefined }).element;
  const inferredElement = (inferred as { element: ValueType | undefined }).element;
  const inner = refine(declaredElement, inferredElement, depth + 1);
  return {
    type: { kind: declared.kind as "sequence" | "optional", element: inner.type },
    conflict: inner.conflict,
  };
}

/** True when `a` says more than `b` (a known element type, rank or dimension `b` lacks). */
export function moreSpecific(a: ValueType | undefined, b: ValueType | undefined): boolean {
  if (!a) return false;
  if (!b) return a.kind !== "tensor" || a.elementType !== 0 || a.shape !== undefined;
  if (a.kind === "tensor" && b.kind === "tensor") {
    if (a.elementType !== 0 && b.elementType === 0) return true;
    if (!a.shape) return false;
    if (!b.shape) return true;
    return a.shape.some((dim, index) => {
      const other = b.shape![index] ?? null;
      if (dim === null) return false;
      if (typeof dim === "number") return typeof other !== "number";
      return other === null;
    });
  }
  if ((a.kind === "sequence" || a.kind === "optional") && a.kind === b.kind) {
    return moreSpecific(a.element, (b as { element: ValueType | undefined }).element);
  }
  return false;
}

/** Joins two types that may both occur (If branches): what they agree on. */
export function joinTypes(
  a: ValueType | undefined,
  b: ValueType | undefined,
): ValueType | undefined {
  if (!a || !b || a.kind !== b.kind) return undefined;
  if (a.kind === "tensor" && b.kind === "tensor") {
    const elementType = a.elementType === b.elementType ? a.elementType : 0;
    let shape: Dim[] | undefined;
    if (a.shape && b.shape && a.shape.length === b.shape.length)
      shape = a.shape.map((dim, index) => (dim === b.shape![index] ? dim : null));
    return { kind: "tensor", elementType, shape };
  }
  if (a.kind === "other" || a.kind === "tensor") return undefined;
  return {
    kind: a.kind,
    element: joinTypes(a.element, (b as { element: ValueType | undefined }).element),
  };
}
