import type { FileHandle } from "node:fs/promises";
import { decodeModel } from "../codec/decode.js";
import { OnnxError } from "../errors/onnx-error.js";
import type { Model } from "../ir/model.js";
import { modelTensors } from "../ir/tensors.js";
import type { LoadOptions } from "./options.js";
import { NotRegularFile, openRegularFile } from "./regular-file.js";

/** Reads and decodes an ONNX file; external tensor data is read from files beside it. */
export async function loadModel(path: string, options: LoadOptions = {}): Promise<Model> {
  const { dirname } = await import("node:path");
  let bytes: Uint8Array;
  let opened: Awaited<ReturnType<typeof openRegularFile>>;
  try {
    opened = await openRegularFile(path);
  } catch (cause) {
    const reason = cause instanceof NotRegularFile ? cause.reason : (cause as Error).message;
    throw new OnnxError(
      "IO_READ",
      `cannot read model file ${path}: ${reason}; give the path of an .onnx file`,
      { file: path },
      { cause },
    );
  }
  try {
    // Positional reads straight into one buffer (fs.readFile reads 512 KiB
    // at a time through the thread pool, ~20% slower for a 200 MB model here).
    const { handle, size } = opened;
    try {
      bytes = new Uint8Array(size);
      const read = await readInto(handle, bytes, 0);
      if (read !== size)
        throw new Error(`the file shrank while being read (${read} of ${size} bytes)`);
    } finally {
      await handle.close();
    }
  } catch (cause) {
    throw new OnnxError(
      "IO_READ",
      `cannot read model file ${path}: ${(cause as Error).message}`,
      { file: path },
      { cause },
    );
  }
  const model = decodeModel(bytes, { source: path });
  if ((options.externalData ?? "load") === "load") await loadExternalData(model, dirname(path));
  return model;
}

/** Large reads are split into parts of at least this size, read concurrently. */
const parallelPartBytes = 32 * 1024 * 1024;
/** At most this many concurrent reads (libuv's thread pool has 4 threads by default). */
const maxParallelParts = 4;

/**
 * Fills `target` with the file's bytes from `position` on; returns how many
 * bytes were read (fewer at end of file). Files of 64 MiB and more are read
 * as up to 4 concurrent positional reads: copying out of the page cache is
 * the bottleneck, and on this 2-CPU machine two threads read a 200 MB model
 * in ~112 ms instead of ~175 ms (measured; single-threaded readers such as
 * Python's `f.read()` cannot do this).
 */
async function readInto(handle: FileHandle, target: Uint8Array, position: number): Promise<number> {
  const size = target.byteLength;
  const parts = Math.min(maxParallelParts, Math.floor(size / parallelPartBytes));
  if (parts < 2) return readRange(handle, target, 0, size, position);
  const part = Math.ceil(size / parts / 4096) * 4096;
  const jobs: Promise<number>[] = [];
  for (let start = 0; start < size; start += part) {
    jobs.push(readRange(handle, target, start, Math.min(part, size - start), position));
  }
  const counts = await Promise.all(jobs);
  // A short part (the file shrank) makes everything after it meaningless.
  let total = 0;
  for (const [i, count] of counts.entries()) {
    total += count;
    if (count < Math.min(part, size - i * part)) break;
  }
  return total;
}

/** Reads bytes [start, start + length) of the target range; returns how many were read. */
async function readRange(
  handle: FileHandle,
  target: Uint8Array,
  start: number,
  length: number,
  position: number,
): Promise<number> {
  let done = 0;
  while (done < length) {
    // Linux reads at most 0x7ffff000 bytes per call.
    const chunk = Math.min(length - done, 0x40000000);
    const { bytesRead } = await handle.read(target, start + done, chunk, position + start + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/**
 * Reads the bytes of every externally stored tensor from `baseDirectory`.
 * Locations are hostile: each must be relative, its real path (symbolic links
 * resolved) must stay inside the folder's real path, and it must be a regular
 * file (a FIFO is never opened, so it cannot hang the read). Offsets and
 * lengths are checked against the file size.
 */
export async function loadExternalData(model: Model, baseDirectory: string): Promise<void> {
  const { realpath } = await import("node:fs/promises");
  const { resolve, relative, isAbsolute, sep } = await import("node:path");
  let base: string;
  try {
    base = await realpath(resolve(baseDirectory));
  } catch (cause) {
    throw new OnnxError(
      "EXTERNAL_DATA",
      `the model's folder ${baseDirectory} cannot be resolved (${(cause as Error).message}); external data is read from the folder that holds the model`,
      { file: baseDirectory },
      { cause },
    );
  }
  const handles = new Map<string, { handle: FileHandle; size: number }>();
  const resolved = new Map<string, string>();
  try {
    for (const { tensor } of modelTensors(model)) {
      if (!tensor.isExternal || tensor.hasData) continue;
      const info = tensor.externalInfo!;
      const fail = (problem: string, cause?: unknown, file = resolve(base, info.location)) =>
        new OnnxError(
          "EXTERNAL_DATA",
          `tensor "${tensor.name}" is stored in "${info.location}", ${problem}`,
          { value: tensor.name, file },
          cause === undefined ? undefined : { cause },
        );
      const outside = (path: string) => {
        const inside = relative(base, path);
        return (
          inside === "" || inside === ".." || inside.startsWith(`..${sep}`) || isAbsolute(inside)
        );
      };
      const lexical = resolve(base, info.location);
      if (isAbsolute(info.location) || info.location.includes("\0") || outside(lexical)) {
        throw fail(
          `outside the model's folder ${base}; external data must be a relative path to a file inside that folder`,
        );
      }
      let file = resolved.get(lexical);
      if (file === undefined) {
        try {
          file = await realpath(lexical);
        } catch (cause) {
          const code = (cause as NodeJS.ErrnoException).code;
          throw fail(
            code === "ENOENT"
              ? "which does not exist; put the data file beside the model (or re-export the model with its data)"
              : `which cannot be resolved: ${(cause as Error).message}`,
            cause,
          );
        }
        // Thousands of tensors usually share one data file: resolve it once.
        resolved.set(lexical, file);
      }
      if (outside(file)) {
        throw fail(
          `which resolves (through a symbolic link) to ${file}, outside the model's folder ${base}; external data must be a regular file inside that folder`,
          undefined,
          file,
        );
      }
      let entry = handles.get(file);
      if (!entry) {
        try {
          entry = await openRegularFile(file);
        } catch (cause) {
          const reason = cause instanceof NotRegularFile ? cause.reason : (cause as Error).message;
          throw fail(
            `which cannot be read: ${reason}; external data must be a regular file inside the model's folder`,
            cause,
            file,
          );
        }
        handles.set(file, entry);
      }
      const length = info.length ?? entry.size - info.offset;
      if (info.offset + length > entry.size || length < 0) {
        throw new OnnxError(
          "EXTERNAL_DATA",
          `tensor "${tensor.name}" wants bytes ${info.offset}..${info.offset + length} of "${info.location}", but the file has ${entry.size} bytes`,
          { value: tensor.name, file, offset: info.offset },
        );
      }
      const bytes = new Uint8Array(length);
      const done = await readInto(entry.handle, bytes, info.offset);
      if (done !== length) {
        throw new OnnxError(
          "EXTERNAL_DATA",
          `short read of "${info.location}" for tensor "${tensor.name}"`,
          {
            value: tensor.name,
            file,
          },
        );
      }
      tensor.setExternalBytes(bytes);
    }
  } finally {
    await Promise.all([...handles.values()].map((entry) => entry.handle.close()));
  }
}
