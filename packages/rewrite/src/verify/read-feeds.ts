import { DataType, decodeTensor, float32ToFloat16Bits, isOnnxError } from "@rectify/onnx";
import { RewriteError } from "../errors/rewrite-error.js";
import type { FeedData, Feeds, FeedTensor, FeedType } from "./evaluator.js";
import {
  allocateFeedData,
  checkFeedTensor,
  declaredInputs,
  feedElementCount,
  feedTypeFromDataType,
  formatDims,
  type InputDeclaration,
  type InputSource,
  isFeedType,
} from "./feeds.js";
import { parseNpy } from "./npy.js";

/**
 * One tensor read from a file, before it is matched to an input. `name` is set
 * when the file names its input (a .json key, a .pb tensor name or a .npy file
 * stem that is an input's name); otherwise the tensor is matched by position.
 */
interface ReadTensor {
  readonly file: string;
  readonly name: string | undefined;
  readonly tensor: FeedTensor;
}

/**
 * Reads user-provided inputs for a model's inputs (given a model, graph or input values) from
 * `.npy`, `.pb` (TensorProto), `.json` files and directories of `input_<n>.pb`
 * files (as in the ONNX backend test data). Files that name their input are
 * matched by name; the rest fill the still-unfed required inputs in order.
 * Every required input must be fed exactly once, with its declared element type
 * and static dims; anything else throws INPUTS_INVALID naming the file and input.
 */
export async function readFeeds(inputs: InputSource, paths: readonly string[]): Promise<Feeds> {
  const declarations = declaredInputs(inputs);
  const read: ReadTensor[] = [];
  for (const path of paths) read.push(...(await readPath(path, declarations)));
  return matchFeeds(declarations, read);
}

// node:fs is imported on first use so that importing @rectify/rewrite stays
// possible in browsers, which never call readFeeds.
async function readPath(
  path: string,
  declarations: readonly InputDeclaration[],
): Promise<ReadTensor[]> {
  const fs = await import("node:fs/promises");
  const { basename, extname, join } = await import("node:path");
  let isDirectory: boolean;
  // A FIFO or device would block the read or never end: only regular files and folders are read.
  const checkRegular = async (file: string, stats?: import("node:fs").Stats) => {
    const info = stats ?? (await fs.stat(file));
    if (!info.isFile())
      throw new RewriteError(
        "INPUTS_INVALID",
        `inputs file ${file} is not a regular file; pass .npy, .pb or .json files or a test data set folder`,
        { file },
      );
  };
  try {
    const stats = await fs.stat(path);
    isDirectory = stats.isDirectory();
    if (!isDirectory) await checkRegular(path, stats);
  } catch (cause) {
    if (cause instanceof RewriteError) throw cause;
    throw new RewriteError(
      "INPUTS_INVALID",
      `cannot read inputs file ${path}: ${(cause as Error).message}; check the path`,
      { file: path },
      { cause },
    );
  }
  if (isDirectory) {
    const files = (await fs.readdir(path))
      .map((name) => ({ name, index: /^input_(\d+)\.pb$/.exec(name)?.[1] }))
      .filter((entry): entry is { name: string; index: string } => entry.index !== undefined)
      .sort((a, b) => Number(a.index) - Number(b.index));
    if (files.length === 0) {
      throw new RewriteError(
        "INPUTS_INVALID",
        `directory ${path} holds no input_<n>.pb files; pass a test data set directory (like test_data_set_0) or the input files themselves`,
        { file: path },
      );
    }
    const result: ReadTensor[] = [];
    for (const file of files) {
      const filePath = join(path, file.name);
      await checkRegular(filePath);
      result.push(readTensorProto(await fs.readFile(filePath), filePath, declarations));
    }
    return result;
  }
  const extension = extname(path).toLowerCase();
  const bytes = await fs.readFile(path);
  if (extension === ".npy") {
    const stem = basename(path, extname(path));
    const named = declarations.some((d) => d.name === stem);
    return [{ file: path, name: named ? stem : undefined, tensor: parseNpy(bytes, path) }];
  }
  if (extension === ".pb") return [readTensorProto(bytes, path, declarations)];
  if (extension === ".json") return parseJsonFeeds(bytes, path, declarations);
  throw new RewriteError(
    "INPUTS_INVALID",
    `inputs file ${path} has extension "${extension}"; rectify reads .npy, .pb (TensorProto), .json and directories of input_<n>.pb files`,
    { file: path },
  );
}

function readTensorProto(
  bytes: Uint8Array,
  file: string,
  declarations: readonly InputDeclaration[],
): ReadTensor {
  try {
    const tensor = decodeTensor(bytes, { source: file });
    const name = tensor.name;
    if (tensor.dataType === DataType.UNDEFINED) {
      // Protobuf decodes empty and many garbage files as a message with every field unset.
      throw new RewriteError(
        "INPUTS_INVALID",
        `${file} (${bytes.byteLength} bytes) does not hold a tensor: its TensorProto has no data_type; write .pb inputs with onnx.numpy_helper.from_array(array, name).SerializeToString()`,
        { file },
      );
    }
    const type = feedTypeFromDataType(tensor.dataType, { file, ...(name ? { value: name } : {}) });
    // A copy, so the feed does not keep the file's buffer alive or alias it.
    const data = tensor.toArray() as FeedData;
    const copy = allocateFeedData(type, data.length);
    (copy as { set(source: FeedData): void }).set(data);
    const named = declarations.some((d) => d.name === name);
    return {
      file,
      name: named ? name : undefined,
      tensor: { type, dims: tensor.dims, data: copy },
    };
  } catch (cause) {
    if (cause instanceof RewriteError) throw cause;
    const reason = isOnnxError(cause) ? cause.message : String(cause);
    throw new RewriteError(
      "INPUTS_INVALID",
      `${file} is not a valid serialized TensorProto (${reason}); write .pb inputs with onnx.numpy_helper.from_array(array, name).SerializeToString()`,
      { file },
      { cause },
    );
  }
}

function parseJsonFeeds(
  bytes: Uint8Array,
  file: string,
  declarations: readonly InputDeclaration[],
): ReadTensor[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8").decode(bytes));
  } catch (cause) {
    throw new RewriteError(
      "INPUTS_INVALID",
      `${file} is not valid JSON (${(cause as Error).message}); write { "<input name>": [[...]] } or { "<input name>": { "dims": [...], "type": "float32", "data": [...] } }`,
      { file },
      { cause },
    );
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new RewriteError(
      "INPUTS_INVALID",
      `${file} must hold a JSON object keyed by input name, e.g. { "${declarations[0]?.name ?? "x"}": [[1, 2], [3, 4]] }`,
      { file },
    );
  }
  return Object.entries(parsed).map(([name, entry]) => {
    const declaration = declarations.find((d) => d.name === name);
    if (!declaration) {
      throw new RewriteError(
        "INPUTS_INVALID",
        `${file} has an entry "${name}", but the model has no input of that name; its inputs are ${declarations.map((d) => `"${d.name}"`).join(", ")}`,
        { file, value: name, path: name },
      );
    }
    return { file, name, tensor: jsonTensor(entry, declaration, file) };
  });
}

function jsonTensor(entry: unknown, declaration: InputDeclaration, file: string): FeedTensor {
  const name = declaration.name;
  const fail = (problem: string, path = name) =>
    new RewriteError("INPUTS_INVALID", `${file}: input "${name}" ${problem}`, {
      file,
      value: name,
      path,
    });
  let type: FeedType = declaration.type;
  let dims: number[];
  let flat: unknown[];
  if (entry !== null && typeof entry === "object" && !Array.isArray(entry)) {
    const record = entry as Record<string, unknown>;
    if (record.type !== undefined) {
      if (!isFeedType(record.type))
        throw fail(
          `has type ${JSON.stringify(record.type)}; use one of the onnxruntime type names such as "float32" or "int64"`,
          `${name}.type`,
        );
      type = record.type;
    }
    if (!Array.isArray(record.data))
      throw fail('needs a "data" array (flat, row-major) next to "dims"', `${name}.data`);
    const nested = nestedToFlat(record.data, fail);
    flat = nested.flat;
    if (record.dims === undefined) {
      dims = nested.dims;
    } else {
      if (!Array.isArray(record.dims) || Number.isNaN(feedElementCount(record.dims as number[])))
        throw fail(
          `has dims ${JSON.stringify(record.dims)}; expected an array of non-negative integers`,
          `${name}.dims`,
        );
      dims = record.dims as number[];
    }
  } else {
    ({ dims, flat } = nestedToFlat(entry, fail));
  }
  const count = feedElementCount(dims);
  if (count !== flat.length)
    throw fail(
      `has dims ${formatDims(dims)} (${count} elements) but ${flat.length} data values`,
      `${name}.data`,
    );
  const data = allocateFeedData(type, count);
  for (const [index, raw] of flat.entries()) {
    const value = jsonElement(raw, type);
    if (value === undefined)
      throw fail(
        `has data[${index}] = ${JSON.stringify(raw)}, which is not a valid ${type} value`,
        `${name}.data[${index}]`,
      );
    (data as unknown as { [i: number]: number | bigint })[index] = value;
  }
  return { type, dims, data };
}

/**
 * Most axes a JSON input may nest. Tensors of real models have a handful;
 * the limit keeps a hostile file (arrays nested 50,000 deep) from exhausting
 * the stack of the recursive walk below.
 */
export const maxJsonInputRank = 64;

/** Flattens a nested (rectangular) number array and infers its dims; a bare number is a scalar. */
function nestedToFlat(
  value: unknown,
  fail: (problem: string, path?: string) => RewriteError,
): { dims: number[]; flat: unknown[] } {
  const dims: number[] = [];
  let probe = value;
  while (Array.isArray(probe)) {
    dims.push(probe.length);
    if (dims.length > maxJsonInputRank)
      throw fail(
        `nests arrays more than ${maxJsonInputRank} deep; a tensor has at most ${maxJsonInputRank} axes here (write deeper data as .npy)`,
      );
    probe = probe[0];
  }
  const flat: unknown[] = [];
  const walk = (node: unknown, depth: number, path: string) => {
    if (depth === dims.length) {
      if (Array.isArray(node))
        throw fail(`is a ragged array: ${path} nests deeper than its siblings`);
      flat.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== dims[depth])
      throw fail(`is a ragged array: ${path} should have ${dims[depth]} entries like its siblings`);
    for (const [i, child] of node.entries()) walk(child, depth + 1, `${path}[${i}]`);
  };
  walk(value, 0, "data");
  return { dims, flat };
}

const integerRanges: Readonly<Partial<Record<FeedType, readonly [bigint, bigint]>>> = {
  int8: [-(2n ** 7n), 2n ** 7n - 1n],
  uint8: [0n, 2n ** 8n - 1n],
  int16: [-(2n ** 15n), 2n ** 15n - 1n],
  uint16: [0n, 2n ** 16n - 1n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
};

/** One JSON element as a typed-array value, or undefined when it does not fit `type`. */
function jsonElement(raw: unknown, type: FeedType): number | bigint | undefined {
  if (type === "bool") {
    if (typeof raw === "boolean") return raw ? 1 : 0;
    return raw === 0 || raw === 1 ? raw : undefined;
  }
  if (type === "float32" || type === "float64" || type === "float16") {
    // JSON has no NaN or Infinity, so they may be written as strings.
    const value =
      typeof raw === "number"
        ? raw
        : typeof raw === "string" && /^(NaN|-?Infinity)$/.test(raw)
          ? Number(raw)
          : undefined;
    if (value === undefined) return undefined;
    return type === "float16" ? float32ToFloat16Bits(value) : value;
  }
  const range = integerRanges[type]!;
  // 64-bit values beyond 2^53 lose precision as JSON numbers; decimal strings keep them exact.
  let value: bigint;
  if (typeof raw === "number" && Number.isInteger(raw)) value = BigInt(raw);
  else if (typeof raw === "string" && /^-?\d+$/.test(raw)) value = BigInt(raw);
  else return undefined;
  if (value < range[0] || value > range[1]) return undefined;
  return type === "int64" || type === "uint64" ? value : Number(value);
}

/** Matches read tensors to declared inputs and validates them. */
function matchFeeds(declarations: readonly InputDeclaration[], read: readonly ReadTensor[]): Feeds {
  const feeds: Record<string, FeedTensor> = {};
  const fedFrom = new Map<string, string>();
  const assign = (declaration: InputDeclaration, entry: ReadTensor) => {
    const name = declaration.name;
    const earlier = fedFrom.get(name);
    if (earlier !== undefined) {
      throw new RewriteError(
        "INPUTS_INVALID",
        `input "${name}" is given twice: by ${earlier} and by ${entry.file}; pass each input once`,
        { file: entry.file, value: name },
      );
    }
    checkAgainstDeclaration(entry, declaration);
    fedFrom.set(name, entry.file);
    feeds[name] = entry.tensor;
  };
  for (const entry of read) {
    if (entry.name !== undefined) assign(declarations.find((d) => d.name === entry.name)!, entry);
  }
  const named = new Set(read.flatMap((entry) => (entry.name === undefined ? [] : [entry.name])));
  const open = declarations.filter((d) => !d.optional && !named.has(d.name));
  let next = 0;
  for (const entry of read) {
    if (entry.name !== undefined) continue;
    const declaration = open[next++];
    if (!declaration) {
      throw new RewriteError(
        "INPUTS_INVALID",
        `${entry.file} is not named after an input and every required input (${declarations
          .filter((d) => !d.optional)
          .map((d) => `"${d.name}"`)
          .join(", ")}) is already fed; remove it or name it after the input it is for`,
        { file: entry.file },
      );
    }
    assign(declaration, entry);
  }
  const missing = declarations.filter((d) => !d.optional && !fedFrom.has(d.name));
  if (missing.length > 0) {
    const first = missing[0]!;
    throw new RewriteError(
      "INPUTS_INVALID",
      `no inputs file feeds ${missing.map(describeDeclaration).join(", ")}; ${
        read.length === 0
          ? "no files were given"
          : `the files given fed ${[...fedFrom.keys()].map((n) => `"${n}"`).join(", ") || "nothing"}`
      }; add a file for each (x.npy is matched to input "x")`,
      { value: first.name },
    );
  }
  checkSymbolicDims(declarations, feeds, fedFrom);
  return feeds;
}

/** A dim_param names one size across the model, so every input using it must agree. */
function checkSymbolicDims(
  declarations: readonly InputDeclaration[],
  feeds: Readonly<Record<string, FeedTensor>>,
  fedFrom: ReadonlyMap<string, string>,
): void {
  const seen = new Map<string, { size: number; input: string }>();
  for (const declaration of declarations) {
    const tensor = feeds[declaration.name];
    if (!tensor || !declaration.shape) continue;
    for (const [axis, dim] of declaration.shape.entries()) {
      if (typeof dim !== "string" || dim === "") continue;
      const size = tensor.dims[axis]!;
      const first = seen.get(dim);
      if (!first) {
        seen.set(dim, { size, input: declaration.name });
      } else if (first.size !== size) {
        const file = fedFrom.get(declaration.name)!;
        throw new RewriteError(
          "INPUTS_INVALID",
          `${file}: input "${declaration.name}" has ${size} on axis ${axis} ("${dim}") but input "${first.input}" (${fedFrom.get(first.input)}) has ${first.size} for "${dim}"; inputs sharing a dim name must agree on its size`,
          { file, value: declaration.name },
        );
      }
    }
  }
}

function checkAgainstDeclaration(entry: ReadTensor, declaration: InputDeclaration): void {
  const { file, tensor } = entry;
  const name = declaration.name;
  checkFeedTensor(name, tensor, { file, value: name });
  const fail = (problem: string) =>
    new RewriteError("INPUTS_INVALID", `${file}: input "${name}" ${problem}`, {
      file,
      value: name,
    });
  if (tensor.type !== declaration.type) {
    throw fail(
      `must be ${declaration.type} but the file holds ${tensor.type}; convert it (numpy: array.astype(numpy.${numpyName(declaration.type)}))`,
    );
  }
  const shape = declaration.shape;
  if (shape === undefined) return;
  if (shape.length !== tensor.dims.length) {
    throw fail(
      `must have rank ${shape.length} ${formatDims(shape)} but the file holds dims ${formatDims(tensor.dims)}`,
    );
  }
  for (const [axis, dim] of shape.entries()) {
    // Symbolic and unknown dims accept any size.
    if (typeof dim === "number" && tensor.dims[axis] !== dim) {
      throw fail(
        `must have dims ${formatDims(shape)} but the file holds ${formatDims(tensor.dims)} (axis ${axis} is ${tensor.dims[axis]}, not ${dim})`,
      );
    }
  }
}

function describeDeclaration(declaration: InputDeclaration): string {
  const shape = declaration.shape ? formatDims(declaration.shape) : "of any shape";
  return `"${declaration.name}" (${declaration.type} ${shape})`;
}

function numpyName(type: FeedType): string {
  return type === "bool" ? "bool_" : type;
}
