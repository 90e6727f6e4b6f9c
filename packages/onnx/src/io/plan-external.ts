import { create } from "@bufbuild/protobuf";
import { maxProtobufBytes, modelToProtoChecked } from "../codec/encode.js";
import { OnnxError } from "../errors/onnx-error.js";
import type { Model } from "../ir/model.js";
import { shallowClone } from "../ir/proto-clone.js";
import { modelTensors } from "../ir/tensors.js";
import {
  AttributeProto_AttributeType,
  type GraphProto,
  type ModelProto,
  StringStringEntryProtoSchema,
  type TensorProto,
  TensorProto_DataLocation,
} from "../proto/onnx_pb.js";
import { DataType } from "../tensor/data-type.js";
import type { Tensor } from "../tensor/tensor.js";
import { modelCodec, writeToBuffer } from "../wire/codec.js";
import type { ExternalDataOptions } from "./options.js";

// Where each tensor's bytes go when a model is written (pure: no file access),
// shared by saveModel (Node) and encodeModelInline (everywhere).

/** One external tensor's bytes and their offset in the data file. */
export interface Placement {
  bytes: Uint8Array;
  offset: number;
}

/** Encodes a model with every tensor inline (external data that was loaded included), for runtimes given bytes rather than a path. */
export function encodeModelInline(model: Model): Uint8Array {
  const { proto } = planExternal(model, false, "");
  return writeToBuffer(modelCodec, proto, (size) => {
    if (size > maxProtobufBytes) {
      throw new OnnxError(
        "ENCODE_TOO_LARGE",
        `the model with its external data inline encodes to ${size} bytes, over protobuf's 2 GiB limit; give the runtime the model's path instead of its bytes`,
      );
    }
  });
}

/** Decides, for every tensor, inline or external, and builds the ModelProto to write. */
export function planExternal(
  model: Model,
  mode: ExternalDataOptions | false | null,
  defaultLocation: string,
): { proto: ModelProto; location: string | undefined; placements: Placement[] } {
  const proto = modelToProtoChecked(model);
  const wrappers = new Map<TensorProto, Tensor>();
  for (const { tensor } of modelTensors(model)) wrappers.set(tensor.proto, tensor);
  const location = mode ? mode.location || defaultLocation : defaultLocation;
  const threshold = mode ? (mode.threshold ?? 1024) : Number.POSITIVE_INFINITY;
  const alignment = mode ? (mode.alignment ?? 4096) : 4096;
  const placements: Placement[] = [];
  let end = 0;

  const place = (original: TensorProto, isInitializer: boolean): TensorProto => {
    const tensor = wrappers.get(original);
    const wasExternal = original.dataLocation === TensorProto_DataLocation.EXTERNAL;
    if (!tensor || original.dataType === DataType.STRING) return original;
    if (!wasExternal && (!isInitializer || mode === false || mode === null)) return original;
    const bytes = tensor.rawBytes();
    const external = mode !== false && (wasExternal || bytes.byteLength >= threshold);
    if (!external && !wasExternal) return original; // stays inline exactly as it was stored
    const copy = shallowClone(original);
    copy.floatData = [];
    copy.int32Data = [];
    copy.int64Data = [];
    copy.doubleData = [];
    copy.uint64Data = [];
    if (!external) {
      copy.rawData = bytes;
      delete (copy as { dataLocation?: number }).dataLocation;
      copy.externalData = [];
      return copy;
    }
    const align = bytes.byteLength >= 1024 * 1024 ? alignment : 64;
    const offset = Math.ceil(end / align) * align;
    placements.push({ bytes, offset });
    end = offset + bytes.byteLength;
    delete (copy as { rawData?: Uint8Array }).rawData;
    copy.dataLocation = TensorProto_DataLocation.EXTERNAL;
    copy.externalData = [
      create(StringStringEntryProtoSchema, { key: "location", value: location }),
      create(StringStringEntryProtoSchema, { key: "offset", value: String(offset) }),
      create(StringStringEntryProtoSchema, { key: "length", value: String(bytes.byteLength) }),
    ];
    return copy;
  };

  const visitGraph = (graph: GraphProto | undefined) => {
    if (!graph) return;
    graph.initializer = graph.initializer.map((t) => place(t, true));
    graph.node.forEach((node) => {
      node.attribute = node.attribute.map((attribute) => {
        const type = attribute.type;
        if (type === AttributeProto_AttributeType.TENSOR && attribute.t) {
          const t = place(attribute.t, false);
          if (t === attribute.t) return attribute;
          const copy = shallowClone(attribute);
          copy.t = t;
          return copy;
        }
        if (attribute.g) visitGraph(attribute.g);
        for (const g of attribute.graphs) visitGraph(g);
        return attribute;
      });
    });
  };
  visitGraph(proto.graph);
  for (const fn of proto.functions) {
    for (const node of fn.node) {
      for (const attribute of node.attribute) if (attribute.g) visitGraph(attribute.g);
    }
  }
  return { proto, location: placements.length > 0 ? location : undefined, placements };
}
