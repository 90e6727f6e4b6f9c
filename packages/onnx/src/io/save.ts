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
  ModelProtoSchema,
  StringStringEntryProtoSchema,
  type TensorProto,
  TensorProto_DataLocation,
} from "../proto/onnx_pb.js";
import { DataType } from "../tensor/data-type.js";
import type { Tensor } from "../tensor/tensor.js";
import { encodeToChunks } from "../wire/sized-writer.js";

/** How saveModel stores tensor data. */
export interface ExternalDataOptions {
  /** Data file name, relative to the model's folder (default `<model file name>.data`). */
  location?: string;
  /** Initializers with at least this many bytes go to the data file (default 1024). */
  threshold?: number;
  /** Offsets of tensors of 1 MiB or more are aligned to this many bytes (default 4096, the usual page size, so runtimes can mmap them). */
  alignment?: number;
}

/** Options for saveModel. */
export interface SaveOptions {
  /**
   * `undefined` (default): tensors that were external stay external, and a
   * model over 2 GiB moves initializers ≥ 1 KiB out automatically. `false`:
   * everything inline. An object: initializers ≥ threshold go external.
   */
  externalData?: ExternalDataOptions | false;
}

interface Placement {
  bytes: Uint8Array;
  offset: number;
}

/**
 * Writes a model to `path` atomically: data goes to temporary files that are
 * renamed into place only when complete, so a failure leaves any existing
 * file untouched and no partial output behind. Tensor bytes are streamed from
 * where they are, not copied into one big buffer.
 */
export async function saveModel(
  model: Model,
  path: string,
  options: SaveOptions = {},
): Promise<void> {
  const { basename } = await import("node:path");
  const defaultLocation = `${basename(path)}.data`;
  const explicit = options.externalData;
  let plan = planExternal(model, explicit === false ? false : (explicit ?? null), defaultLocation);
  let encoded = encodeToChunks(ModelProtoSchema, plan.proto);
  if (encoded.byteLength > maxProtobufBytes && explicit === undefined) {
    plan = planExternal(model, {}, defaultLocation);
    encoded = encodeToChunks(ModelProtoSchema, plan.proto);
  }
  if (encoded.byteLength > maxProtobufBytes) {
    throw new OnnxError(
      "ENCODE_TOO_LARGE",
      `the model encodes to ${encoded.byteLength} bytes, over protobuf's 2 GiB limit; save it with externalData: { threshold: 1024 }`,
      { file: path },
    );
  }
  await writeAtomically(path, encoded.chunks, plan.location, plan.placements);
}

/** Decides, for every tensor, inline or external, and builds the ModelProto to write. */
function planExternal(
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

async function writeAtomically(
  path: string,
  chunks: Uint8Array[],
  dataLocation: string | undefined,
  placements: Placement[],
): Promise<void> {
  const { open, rename, rm } = await import("node:fs/promises");
  const { dirname, join } = await import("node:path");
  const suffix = `.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  const temporaryModel = `${path}${suffix}`;
  const dataPath = dataLocation ? join(dirname(path), dataLocation) : undefined;
  const temporaryData = dataPath ? `${dataPath}${suffix}` : undefined;
  const writeAll = async (file: string, parts: Uint8Array[]) => {
    const handle = await open(file, "w");
    try {
      // writev in batches: fewer syscalls than one write per chunk, under IOV_MAX.
      for (let i = 0; i < parts.length; i += 512) await handle.writev(parts.slice(i, i + 512));
    } finally {
      await handle.close();
    }
  };
  try {
    if (temporaryData) {
      const parts: Uint8Array[] = [];
      let position = 0;
      for (const { bytes, offset } of placements) {
        if (offset > position) parts.push(new Uint8Array(offset - position));
        parts.push(bytes);
        position = offset + bytes.byteLength;
      }
      await writeAll(temporaryData, parts);
    }
    await writeAll(temporaryModel, chunks);
    if (temporaryData && dataPath) await rename(temporaryData, dataPath);
    await rename(temporaryModel, path);
  } catch (cause) {
    await rm(temporaryModel, { force: true });
    if (temporaryData) await rm(temporaryData, { force: true });
    throw new OnnxError(
      "IO_WRITE",
      `cannot write model to ${path}: ${(cause as Error).message}`,
      { file: path },
      { cause },
    );
  }
}
