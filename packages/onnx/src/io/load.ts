import { decodeModel } from "../codec/decode.js";
import { OnnxError } from "../errors/onnx-error.js";
import type { Model } from "../ir/model.js";
import { modelTensors } from "../ir/tensors.js";

/** Options for loadModel. */
export interface LoadOptions {
  /** "load" (default) reads external tensor data now; "skip" leaves it for loadExternalData. */
  externalData?: "load" | "skip";
}

/** Reads and decodes an ONNX file; external tensor data is read from files beside it. */
export async function loadModel(path: string, options: LoadOptions = {}): Promise<Model> {
  const { readFile } = await import("node:fs/promises");
  const { dirname } = await import("node:path");
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
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

/**
 * Reads the bytes of every externally stored tensor from `baseDirectory`.
 * Locations must stay inside that folder; offsets and lengths are checked
 * against the file size.
 */
export async function loadExternalData(model: Model, baseDirectory: string): Promise<void> {
  const { open } = await import("node:fs/promises");
  const { resolve, relative, isAbsolute, sep } = await import("node:path");
  const base = resolve(baseDirectory);
  const handles = new Map<
    string,
    { handle: import("node:fs/promises").FileHandle; size: number }
  >();
  try {
    for (const { tensor } of modelTensors(model)) {
      if (!tensor.isExternal || tensor.hasData) continue;
      const info = tensor.externalInfo!;
      const file = resolve(base, info.location);
      const inside = relative(base, file);
      if (
        isAbsolute(info.location) ||
        inside.startsWith(`..${sep}`) ||
        inside === ".." ||
        inside === ""
      ) {
        throw new OnnxError(
          "EXTERNAL_DATA",
          `tensor "${tensor.name}" points to "${info.location}", outside the model's folder ${base}; external data must be a relative path inside it`,
          { value: tensor.name, file },
        );
      }
      let entry = handles.get(file);
      if (!entry) {
        try {
          const handle = await open(file, "r");
          entry = { handle, size: (await handle.stat()).size };
        } catch (cause) {
          throw new OnnxError(
            "EXTERNAL_DATA",
            `tensor "${tensor.name}" is stored in "${info.location}", which cannot be opened: ${(cause as Error).message}`,
            { value: tensor.name, file },
            { cause },
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
      let done = 0;
      while (done < length) {
        const { bytesRead } = await entry.handle.read(
          bytes,
          done,
          length - done,
          info.offset + done,
        );
        if (bytesRead === 0) break;
        done += bytesRead;
      }
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
