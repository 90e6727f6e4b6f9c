import { maxProtobufBytes } from "../codec/encode.js";
import { OnnxError } from "../errors/onnx-error.js";
import type { Model } from "../ir/model.js";
import type { ModelProto } from "../proto/onnx_pb.js";
import { modelCodec, type SizedMessage, sizeMessage, writeSized } from "../wire/codec.js";
import { fileKind } from "./file-kind.js";
import type { SaveOptions } from "./options.js";
import { type Placement, planExternal } from "./plan-external.js";
import { discardTemporaryFile, trackTemporaryFile } from "./temporary-files.js";

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
