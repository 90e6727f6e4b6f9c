// The browser entry's file I/O: the same functions and signatures as the Node
// entry's, so code shared between Node and browsers type-checks and bundles
// the same way, but they reject with an OnnxError that says what to do instead.
// This module imports no Node built-in, so bundlers need no `fs`/`path` shims.
import { OnnxError } from "../errors/onnx-error.js";
import type { Model } from "../ir/model.js";
import type { LoadOptions, SaveOptions } from "./options.js";

const needsNode = "file paths need Node (this is @rectify/onnx's browser build)";

/** Node only: in a browser this rejects with IO_READ; fetch the bytes and call decodeModel instead. */
export async function loadModel(path: string, _options: LoadOptions = {}): Promise<Model> {
  throw new OnnxError(
    "IO_READ",
    `cannot read model file ${path}: ${needsNode}; in a browser, fetch the model and pass its bytes to decodeModel`,
    { file: path },
  );
}

/** Node only: in a browser this rejects with IO_READ; give browsers models with their tensors inline. */
export async function loadExternalData(_model: Model, baseDirectory: string): Promise<void> {
  throw new OnnxError(
    "IO_READ",
    `cannot read external data from ${baseDirectory}: ${needsNode}; in a browser, use a model with its tensors inline (encodeModelInline in Node writes one)`,
    { file: baseDirectory },
  );
}

/** Node only: in a browser this rejects with IO_WRITE; encodeModel gives the bytes to store or download. */
export async function saveModel(
  _model: Model,
  path: string,
  _options: SaveOptions = {},
): Promise<void> {
  throw new OnnxError(
    "IO_WRITE",
    `cannot write model to ${path}: ${needsNode}; in a browser, encodeModel(model) gives the bytes to store or download`,
    { file: path },
  );
}

/** Node only: in a browser this rejects with IO_WRITE, like saveModel. */
export async function saveModelPaths(
  _model: Model,
  path: string,
  _options: SaveOptions = {},
): Promise<string[]> {
  throw new OnnxError(
    "IO_WRITE",
    `cannot plan the files of ${path}: ${needsNode}; in a browser, encodeModel(model) gives the bytes to store or download`,
    { file: path },
  );
}

/** Node only: in a browser this rejects with IO_WRITE (there are no temporary files to track). */
export async function trackTemporaryFile(path: string): Promise<() => void> {
  throw new OnnxError("IO_WRITE", `cannot track temporary file ${path}: ${needsNode}`, {
    file: path,
  });
}
