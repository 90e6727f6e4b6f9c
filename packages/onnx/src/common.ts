// What both entry points export: everything but the file I/O, which needs
// Node (index.ts) and is a set of stand-ins that say so in browsers (index.browser.ts).
export {
  type AttributeInput,
  float,
  floats,
  int,
  ints,
  type TypedAttributeValue,
  toAttribute,
} from "./builder/attributes.js";
export {
  GraphBuilder,
  type NodeOptions,
  type RandomTensorOptions,
} from "./builder/graph-builder.js";
export { ModelBuilder, type ModelBuilderOptions } from "./builder/model-builder.js";
export { SeededRandom } from "./builder/random.js";
export { type Dimension, sequenceType, tensorType, tensorTypeInfo } from "./builder/types.js";
export { type DecodeOptions, decodeModel, decodeTensor } from "./codec/decode.js";
export { encodeModel, encodeModelChunks, encodeTensor, maxProtobufBytes } from "./codec/encode.js";
export {
  isOnnxError,
  OnnxError,
  type OnnxErrorCode,
  type OnnxErrorLocation,
} from "./errors/onnx-error.js";
export { type FileTypeStats, fileKind } from "./io/file-kind.js";
export type { ExternalDataOptions, LoadOptions, SaveOptions } from "./io/options.js";
export { encodeModelInline } from "./io/plan-external.js";
export { Attribute, AttributeType, type AttributeValue } from "./ir/attribute.js";
export { diffModels } from "./ir/diff.js";
export { modelFromProto } from "./ir/from-proto.js";
export { type DeadNodeOptions, Graph, type GraphKind, type NodeSpec } from "./ir/graph.js";
export { Model, ModelFunction, type OpsetImport } from "./ir/model.js";
export { Node } from "./ir/node.js";
export { modelTensors, type TensorSite } from "./ir/tensors.js";
export { modelToProto } from "./ir/to-proto.js";
export { type Use, Value } from "./ir/value.js";
export * as proto from "./proto/onnx_pb.js";
export { inferShapes } from "./shape/infer-shapes.js";
export type {
  Dim,
  KnownValue,
  OptionalType,
  OtherType,
  SequenceType,
  ShapeConflict,
  ShapeInferenceOptions,
  ShapeInferenceSummary,
  TensorType,
  ValueType,
} from "./shape/types.js";
export {
  allDataTypes,
  DataType,
  type DataTypeInfo,
  dataTypeInfo,
  dataTypeName,
  parseDataType,
  rawByteLength,
  type TypedField,
} from "./tensor/data-type.js";
export {
  bfloat16BitsToNumber,
  decodeMiniFloat,
  encodeMiniFloat,
  float16BitsToNumber,
  float32ToBfloat16Bits,
  float32ToFloat16Bits,
} from "./tensor/float-formats.js";
export { type ExternalDataInfo, Tensor, type TensorArray, tensorFor } from "./tensor/tensor.js";
export {
  assertValidModel,
  type ValidationCode,
  type ValidationIssue,
  validateModel,
} from "./validate/validate.js";
