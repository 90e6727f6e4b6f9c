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
import {
  modelCodec,
  type SizedMessage,
  sizeMessage,
  writeSized,
  writeToBuffer,
} from "../wire/codec.js";
import { fileKind } from "./regular-file.js";
import { discardTemporaryFile, trackTemporaryFile } from "./temporary-files.js";

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
  const { sized, plan } = await planSave(model, path, options);
  if (sized.byteLength > maxProtobufBytes) {
    throw new OnnxError(
      "ENCODE_TOO_LARGE",
      `the model encodes to ${sized.byteLength} bytes, over protobuf's 2 GiB limit; save it with externalData: { threshold: 1024 }`,
      { file: path },
    );
  }
  await writeAtomically(path, sized, plan.location, plan.placements);
}

/** The files saveModel(model, path, options) would write: the model file, then its external data file if it has one. */
export async function saveModelPaths(
  model: Model,
  path: string,
  options: SaveOptions = {},
): Promise<string[]> {
  const { dirname, join } = await import("node:path");
  const { plan } = await planSave(model, path, options);
  return plan.location ? [path, join(dirname(path), plan.location)] : [path];
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

async function planSave(model: Model, path: string, options: SaveOptions) {
  const { basename } = await import("node:path");
  const defaultLocation = `${basename(path)}.data`;
  const explicit = options.externalData;
  let plan = planExternal(model, explicit === false ? false : (explicit ?? null), defaultLocation);
  let sized = sizeMessage(modelCodec, plan.proto);
  if (sized.byteLength > maxProtobufBytes && explicit === undefined) {
    plan = planExternal(model, {}, defaultLocation);
    sized = sizeMessage(modelCodec, plan.proto);
  }
  return { sized, plan };
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

/**
 * Writes the data file (if any) and the model file under temporary names,
 * then renames them into place. The model is encoded while it is written:
 * each finished run of chunks goes out as a positional writev right away, so
 * the thread pool writes the start of the file while JavaScript encodes the
 * rest (a 200 MB model, fresh process: 187–294 ms encoding first, then
 * writing; ~150 ms overlapped; scripts/bench-io.mjs).
 */
async function writeAtomically(
  path: string,
  sized: SizedMessage<ModelProto>,
  dataLocation: string | undefined,
  placements: Placement[],
): Promise<void> {
  const { open, rename, stat } = await import("node:fs/promises");
  const { dirname, join } = await import("node:path");
  const suffix = `.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  const temporaryModel = `${path}${suffix}`;
  const dataPath = dataLocation ? join(dirname(path), dataLocation) : undefined;
  const temporaryData = dataPath ? `${dataPath}${suffix}` : undefined;
  // Renaming over a device, FIFO or folder would replace it (as root, even /dev/null): regular files only.
  for (const destination of dataPath ? [path, dataPath] : [path]) {
    const existing = await stat(destination).catch(() => undefined);
    if (existing && !existing.isFile()) {
      throw new OnnxError(
        "IO_WRITE",
        `cannot write model to ${path}: ${destination} is ${fileKind(existing)}; models are written to regular files only, choose another path`,
        { file: destination },
      );
    }
  }
  const untrackModel = await trackTemporaryFile(temporaryModel);
  const untrackData = temporaryData ? await trackTemporaryFile(temporaryData) : () => {};

  /** Streams chunks to `file` with positional writevs while `produce` runs; resolves when all are written. */
  const writeStreaming = async (
    file: string,
    produce: (sink: (chunk: Uint8Array) => void) => void,
  ) => {
    // "wx": never follow or reuse whatever already sits at the temporary name.
    const handle = await open(file, "wx");
    const pending: Promise<unknown>[] = [];
    let batch: Uint8Array[] = [];
    let batchBytes = 0;
    let position = 0;
    const flush = () => {
      if (batch.length === 0) return;
      const expected = batchBytes;
      const at = position;
      const write = handle.writev(batch, position).then(({ bytesWritten }) => {
        // A regular file is only written short when the disk is full or a quota is hit.
        if (bytesWritten !== expected)
          throw new Error(`short write at byte ${at}: ${bytesWritten} of ${expected} bytes`);
      });
      // Observed by Promise.allSettled below; this keeps an early failure from being reported as unhandled meanwhile.
      write.catch(() => {});
      pending.push(write);
      position += batchBytes;
      batch = [];
      batchBytes = 0;
    };
    let outcome: { failed: false } | { failed: true; error: unknown } = { failed: false };
    try {
      produce((chunk) => {
        batch.push(chunk);
        batchBytes += chunk.byteLength;
        // writev takes at most IOV_MAX (1024) buffers; 4 MiB batches keep the pool busy early.
        if (batch.length >= 512 || batchBytes >= 4 * 1024 * 1024) flush();
      });
      flush();
    } catch (error) {
      outcome = { failed: true, error };
    }
    // Never close (or delete) the file under writes that are still running.
    const results = await Promise.allSettled(pending);
    await handle.close();
    if (outcome.failed) throw outcome.error;
    const rejected = results.find((r) => r.status === "rejected");
    if (rejected) throw (rejected as PromiseRejectedResult).reason;
  };

  try {
    const writes: Promise<void>[] = [];
    if (temporaryData) {
      writes.push(
        writeStreaming(temporaryData, (sink) => {
          let position = 0;
          for (const { bytes, offset } of placements) {
            if (offset > position) sink(new Uint8Array(offset - position));
            sink(bytes);
            position = offset + bytes.byteLength;
          }
        }),
      );
    }
    writes.push(writeStreaming(temporaryModel, (sink) => writeSized(sized, sink)));
    const results = await Promise.allSettled(writes);
    const failed = results.find((r) => r.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
    if (temporaryData && dataPath) await rename(temporaryData, dataPath);
    untrackData();
    await rename(temporaryModel, path);
    untrackModel();
  } catch (cause) {
    await discardTemporaryFile(temporaryModel, untrackModel);
    if (temporaryData) await discardTemporaryFile(temporaryData, untrackData);
    if (cause instanceof OnnxError) throw cause;
    throw new OnnxError(
      "IO_WRITE",
      `cannot write model to ${path}: ${(cause as Error).message}`,
      { file: path },
      { cause },
    );
  }
}
