// A reader for NumPy's .npy format (versions 1.0, 2.0, 3.0). Written by hand:
// the format is small (magic, header length, a Python dict literal, the data),
// and of the npm readers npyjs knows only little-endian dtypes and numpy-parser
// has no float16 or 64-bit integers, while users' files can have any of them.
import { RewriteError } from "../errors/rewrite-error.js";
import type { FeedTensor, FeedType } from "./evaluator.js";
import { feedDataOverBuffer, feedElementCount } from "./feeds.js";

const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

/** descr kind+size → FeedType. */
const typeByDescr: Readonly<Record<string, FeedType>> = {
  f2: "float16",
  f4: "float32",
  f8: "float64",
  i1: "int8",
  u1: "uint8",
  i2: "int16",
  u2: "uint16",
  i4: "int32",
  u4: "uint32",
  i8: "int64",
  u8: "uint64",
  b1: "bool",
};

const maxHeaderLength = 1 << 20;

const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Parses the bytes of a .npy file into a row-major FeedTensor; `source` names the file in errors. */
export function parseNpy(bytes: Uint8Array, source = "the .npy data"): FeedTensor {
  const fail = (problem: string) =>
    new RewriteError("INPUTS_INVALID", `${source}: ${problem}`, { file: source });
  const truncated = (what: string) =>
    fail(
      `is truncated (${bytes.byteLength} bytes, ends inside the ${what}); save it again with numpy.save`,
    );

  for (let i = 0; i < magic.length; i++) {
    if (i >= bytes.byteLength) throw truncated("magic string");
    if (bytes[i] !== magic[i]) {
      throw fail(
        "is not a .npy file (it does not start with \\x93NUMPY); write inputs with numpy.save, or use .pb or .json",
      );
    }
  }
  if (bytes.byteLength < 8) throw truncated("version");
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (major < 1 || major > 3 || minor !== 0) {
    throw fail(
      `has .npy format version ${major}.${minor}; rectify reads versions 1.0, 2.0 and 3.0`,
    );
  }
  const lengthBytes = major === 1 ? 2 : 4;
  const headerStart = 8 + lengthBytes;
  if (bytes.byteLength < headerStart) throw truncated("header length");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = headerStart + headerLength;
  if (bytes.byteLength < dataStart) throw truncated("header");

  // numpy itself refuses headers over 10,000 bytes unless told otherwise, so one
  // far larger is garbage, and parsing it would only waste time.
  if (headerLength > maxHeaderLength)
    throw fail(
      `claims a ${headerLength}-byte header; .npy headers are at most a few hundred bytes`,
    );
  // Versions 1 and 2 store the header in latin-1, version 3 in UTF-8; the keys
  // and values that matter are ASCII either way.
  const headerText = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(
    bytes.subarray(headerStart, dataStart),
  );
  const header = parseHeader(headerText, fail);

  const type = typeFor(header.descr, fail);
  const itemSize = Number(header.descr.slice(2));
  const count = feedElementCount(header.shape);
  if (Number.isNaN(count)) throw fail(`has shape (${header.shape.join(", ")}), which is too large`);
  const need = count * itemSize;
  const have = bytes.byteLength - dataStart;
  if (have < need) {
    throw fail(
      `is truncated: dtype ${header.descr} and shape (${header.shape.join(", ")}) need ${need} bytes of data but the file holds ${have}`,
    );
  }
  if (have > need) {
    throw fail(
      `has ${have - need} bytes after the data that dtype ${header.descr} and shape (${header.shape.join(", ")}) describe; the header does not match the data`,
    );
  }

  // A fresh, aligned copy (never Buffer#slice, which is a view of a shared pool): typed
  // arrays need alignment and the caller owns the result.
  let elementBytes = new Uint8Array(need);
  elementBytes.set(bytes.subarray(dataStart, dataStart + need));
  const fileIsLittleEndian = header.descr[0] !== ">";
  if (itemSize > 1 && fileIsLittleEndian !== hostIsLittleEndian) swapBytes(elementBytes, itemSize);
  if (header.fortranOrder && header.shape.length > 1)
    elementBytes = fortranToC(elementBytes, header.shape, itemSize);
  // numpy writes bools as 0/1; any other byte still means true.
  if (type === "bool")
    for (let i = 0; i < elementBytes.length; i++) elementBytes[i] = elementBytes[i] ? 1 : 0;
  return { type, dims: header.shape, data: feedDataOverBuffer(type, elementBytes.buffer) };
}

interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

function typeFor(descr: string, fail: (problem: string) => RewriteError): FeedType {
  const match = /^([<>|])([a-z]\d+)$/.exec(descr);
  const type = match ? typeByDescr[match[2]!] : undefined;
  if (!match || !type) {
    throw fail(
      `has dtype '${descr}'; rectify reads numeric dtypes ${Object.keys(typeByDescr).join(", ")} (little- or big-endian); convert with array.astype(numpy.float32)`,
    );
  }
  if (match[1] === "|" && Number(match[2]!.slice(1)) > 1) {
    throw fail(
      `has dtype '${descr}' without a byte order; expected '<${match[2]}' or '>${match[2]}'`,
    );
  }
  return type;
}

type Literal = string | number | boolean | null | Literal[] | { [key: string]: Literal };

function parseHeader(text: string, fail: (problem: string) => RewriteError): NpyHeader {
  let parsed: Literal;
  try {
    parsed = parsePythonLiteral(text.trim());
  } catch (cause) {
    throw fail(
      `has a header that is not a Python dict literal (${(cause as Error).message}); save it again with numpy.save`,
    );
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw fail("has a header that is not a dict; save it again with numpy.save");
  }
  const { descr, fortran_order: fortranOrder, shape } = parsed;
  if (typeof descr !== "string") {
    throw fail(
      `has descr ${JSON.stringify(descr ?? null)}; rectify reads plain numeric arrays, not structured or object arrays`,
    );
  }
  if (typeof fortranOrder !== "boolean") throw fail("has no boolean 'fortran_order' in its header");
  if (
    !Array.isArray(shape) ||
    !shape.every((d): d is number => typeof d === "number" && Number.isSafeInteger(d) && d >= 0)
  ) {
    throw fail(
      `has shape ${JSON.stringify(shape ?? null)}; expected a tuple of non-negative integers`,
    );
  }
  return { descr, fortranOrder, shape };
}

/** Parses the subset of Python literals .npy headers use: dicts, tuples, lists, strings, ints, True/False/None. */
function parsePythonLiteral(text: string): Literal {
  let at = 0;
  const error = (what: string) => new Error(`${what} at character ${at}`);
  const skipSpace = () => {
    while (at < text.length && /\s/.test(text[at]!)) at++;
  };
  const value = (depth: number): Literal => {
    if (depth > 8) throw error("nesting too deep");
    skipSpace();
    const char = text[at];
    if (char === undefined) throw error("unexpected end");
    if (char === "{") return sequence("}", depth, true) as { [key: string]: Literal };
    if (char === "(") return sequence(")", depth, false) as Literal[];
    if (char === "[") return sequence("]", depth, false) as Literal[];
    if (char === "'" || char === '"') {
      const end = text.indexOf(char, at + 1);
      if (end < 0) throw error("unterminated string");
      const result = text.slice(at + 1, end);
      at = end + 1;
      return result;
    }
    const word = /^(?:True|False|None|-?\d+L?)/.exec(text.slice(at, at + 32))?.[0];
    if (!word) throw error(`unexpected ${JSON.stringify(char)}`);
    at += word.length;
    if (word === "True") return true;
    if (word === "False") return false;
    if (word === "None") return null;
    return Number(word.replace(/L$/, ""));
  };
  const sequence = (close: string, depth: number, isDict: boolean): Literal => {
    at++;
    const items: Literal[] = [];
    // No prototype, so a "__proto__" key in a hostile header is just a key.
    const dict: { [key: string]: Literal } = Object.create(null);
    for (;;) {
      skipSpace();
      if (text[at] === close) {
        at++;
        return isDict ? dict : items;
      }
      const item = value(depth + 1);
      if (isDict) {
        if (typeof item !== "string") throw error("dict key is not a string");
        skipSpace();
        if (text[at] !== ":") throw error("expected ':'");
        at++;
        dict[item] = value(depth + 1);
      } else {
        items.push(item);
      }
      skipSpace();
      if (text[at] === ",") at++;
      else if (text[at] !== close) throw error(`expected ',' or '${close}'`);
    }
  };
  const result = value(0);
  skipSpace();
  if (at !== text.length) throw error("unexpected text after the dict");
  return result;
}

function swapBytes(bytes: Uint8Array, itemSize: number): void {
  for (let start = 0; start < bytes.length; start += itemSize) {
    for (let low = start, high = start + itemSize - 1; low < high; low++, high--) {
      const held = bytes[low]!;
      bytes[low] = bytes[high]!;
      bytes[high] = held;
    }
  }
}

/** Reorders column-major element bytes into row-major order. */
function fortranToC(
  bytes: Uint8Array,
  shape: readonly number[],
  itemSize: number,
): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes.length);
  const rank = shape.length;
  const fortranStrides: number[] = [];
  let stride = 1;
  for (const dim of shape) {
    fortranStrides.push(stride);
    stride *= dim;
  }
  const count = bytes.length / itemSize;
  const index = new Array<number>(rank).fill(0);
  for (let c = 0; c < count; c++) {
    let source = 0;
    for (let k = 0; k < rank; k++) source += index[k]! * fortranStrides[k]!;
    out.set(bytes.subarray(source * itemSize, source * itemSize + itemSize), c * itemSize);
    // Advance the row-major multi-index (last axis fastest).
    for (let k = rank - 1; k >= 0; k--) {
      if (++index[k]! < shape[k]!) break;
      index[k] = 0;
    }
  }
  return out;
}
