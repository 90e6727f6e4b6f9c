export { OnnxError, isOnnxError, type OnnxErrorCode, type OnnxErrorLocation } from "./errors/onnx-error.js";
export { decodeModel, decodeTensor, type DecodeOptions } from "./codec/decode.js";
export { encodeModel, encodeModelChunks, encodeTensor, maxProtobufBytes } from "./codec/encode.js";
export { loadModel, loadExternalData, type LoadOptions } from "./io/load.js";
export { saveModel, type SaveOptions, type ExternalDataOptions } from "./io/save.js";
export { Model, ModelFunction, type OpsetImport } from "./ir/model.js";
export { Graph, type GraphKind, type NodeSpec, type DeadNodeOptions } from "./ir/graph.js";
export { Node } from "./ir/node.js";
export { Value, type Use } from "./ir/value.js";
export { Attribute, AttributeType, type AttributeValue } from "./ir/attribute.js";
export { modelTensors, type TensorSite } from "./ir/tensors.js";
export { modelFromProto } from "./ir/from-proto.js";
export { modelToProto } from "./ir/to-proto.js";
export { diffModels } from "./ir/diff.js";
export { Tensor, tensorFor, type TensorArray, type ExternalDataInfo } from "./tensor/tensor.js";
export {
  DataType,
  dataTypeInfo,
  dataTypeName,
  parseDataType,
  allDataTypes,
  rawByteLength,
  type DataTypeInfo,
} from "./tensor/data-type.js";
export {
  decodeMiniFloat,
  encodeMiniFloat,
  float16BitsToNumber,
  float32ToFloat16Bits,
  bfloat16BitsToNumber,
  float32ToBfloat16Bits,
} from "./tensor/float-formats.js";
export * as proto from "./proto/onnx_pb.js";
export { validateModel, assertValidModel, type ValidationIssue, type ValidationCode } from "./validate/validate.js";
export { ModelBuilder, type ModelBuilderOptions } from "./builder/model-builder.js";
export { GraphBuilder, type NodeOptions, type RandomTensorOptions } from "./builder/graph-builder.js";
export { float, int, floats, ints, toAttribute, type AttributeInput, type TypedAttributeValue } from "./builder/attributes.js";
export { tensorType, sequenceType, tensorTypeInfo, type Dimension } from "./builder/types.js";
export { SeededRandom } from "./builder/random.js";
