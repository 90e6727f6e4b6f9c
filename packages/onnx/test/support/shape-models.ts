// Builds small models for the shape inference tests and reads results back.
import {
  type DataType,
  type Dimension,
  inferShapes,
  type Model,
  ModelBuilder,
  type ShapeInferenceSummary,
  tensorTypeInfo,
  type Value,
} from "../../src/index.js";

/** A builder at `opset` (no validation on build: tests feed hostile graphs too). */
export function builder(opset = 17): ModelBuilder {
  return new ModelBuilder({ opset });
}

/** Builds without validation, runs inferShapes and returns both. */
export function infer(b: ModelBuilder): { model: Model; summary: ShapeInferenceSummary } {
  const model = b.build({ validate: false });
  return { model, summary: inferShapes(model) };
}

/** The shape written on a value (undefined when the rank is unknown or there is no tensor type). */
export function shapeOf(value: Value | null | undefined): Dimension[] | undefined {
  return tensorTypeInfo(value?.type)?.shape;
}

/** The element type written on a value (0 when unknown). */
export function elementTypeOf(value: Value | null | undefined): DataType | number {
  return tensorTypeInfo(value?.type)?.elementType ?? 0;
}
