// Shared fuzzing engine for @rectify/onnx: a seeded generator of corrupt
// ONNX inputs (byte-level and protobuf-structure-level mutations of real
// models, plus synthetic garbage) and a checker that feeds each input to
// decodeModel and then exercises the IR. Used by test/fuzz.test.ts (against
// src) and scripts/fuzz.mjs (against dist); the library is passed in so both
// check the same rules. Plain ESM so the script runs without a TS loader.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Every OnnxError code the package declares (src/errors/onnx-error.ts). */
export const knownErrorCodes = [
  "DECODE_TRUNCATED",
  "DECODE_WIRE_TYPE",
  "DECODE_INVALID",
  "DECODE_TOO_DEEP",
  "DECODE_EMPTY",
  "ENCODE_TOO_LARGE",
  "ENCODE_INVALID",
  "TENSOR_INVALID",
  "TENSOR_UNSUPPORTED",
  "EXTERNAL_DATA",
  "GRAPH_INVALID",
  "GRAPH_CYCLE",
  "VALIDATION_FAILED",
  "BUILDER_INVALID",
  "IO_READ",
  "IO_WRITE",
];

export const testdataRoot = "/usr/share/libonnx-testdata/data";

/**
 * ~30 varied models from Debian's libonnx-testdata: If/Loop/Scan/SequenceMap
 * subgraphs, sequence and optional types, float/int64/int32/bool/double
 * tensors as raw_data and typed fields, strings, training info, and the
 * largest pytorch-converted models (Conv3d weights).
 */
export const corpusModels = [
  "node/test_if",
  "node/test_if_seq",
  "node/test_if_opt",
  "node/test_loop11",
  "node/test_loop13_seq",
  "node/test_loop16_seq_none",
  "node/test_scan9_sum",
  "node/test_scan_sum",
  "node/test_sequence_map_add_2_sequences_expanded",
  "node/test_sequence_map_extract_shapes",
  "node/test_range_float_type_positive_delta_expanded",
  "node/test_range_int32_type_negative_delta_expanded",
  "node/test_constantofshape_int_zeros",
  "node/test_layer_normalization_3d_axis_negative_1_epsilon_expanded",
  "node/test_castlike_FLOAT_to_BFLOAT16_expanded",
  "node/test_cast_STRING_to_FLOAT",
  "node/test_optional_get_element_sequence",
  "node/test_max_float16",
  "node/test_blackmanwindow_expanded",
  "node/test_nllloss_NCd1d2_with_weight_reduction_sum_ii_expanded",
  "simple/test_strnorm_model_monday_casesensintive_lower",
  "simple/test_sequence_model1",
  "simple/test_gradient_of_add_and_mul",
  "simple/test_expand_shape_model1",
  "pytorch-converted/test_Conv3d_groups",
  "pytorch-converted/test_Conv3d",
  "pytorch-converted/test_ConvTranspose2d",
  "pytorch-converted/test_BatchNorm2d_eval",
  "pytorch-converted/test_PixelShuffle",
  "pytorch-operator/test_operator_non_float_params",
  "pytorch-operator/test_operator_addconstant",
  "pytorch-operator/test_operator_repeat_dim_overflow",
];

/** Reads the corpus models that exist under `root`, in list order. */
export function loadCorpus(root = testdataRoot, names = corpusModels) {
  const corpus = [];
  for (const name of names) {
    const path = join(root, name, "model.onnx");
    if (existsSync(path)) corpus.push({ name, bytes: new Uint8Array(readFileSync(path)) });
  }
  return corpus;
}

// ---------------------------------------------------------------- randomness

function mix32(x) {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Seeded PRNG (mulberry32); case i of a run uses caseRandom(seed, i) so any case regenerates alone. */
export function createRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const random = {
    next,
    /** Integer in [0, n). */
    int: (n) => Math.floor(next() * n),
    /** Integer in [lo, hi]. */
    range: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
    bytes: (n) => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = Math.floor(next() * 256);
      return out;
    },
  };
  return random;
}

/** The PRNG for case `index` of the run seeded with `seed`. */
export function caseRandom(seed, index) {
  return createRandom(mix32((seed >>> 0) ^ mix32(index + 0x9e3779b9)));
}

// ------------------------------------------------------------ wire encoding

function varintBytes(value) {
  let v = BigInt.asUintN(64, BigInt(value));
  const out = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

function concat(parts) {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function readVarint(bytes, pos, end) {
  let value = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) return undefined;
    const b = bytes[pos++];
    value |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) return { value: BigInt.asUintN(64, value), pos };
    shift += 7n;
  }
  return undefined;
}

/**
 * Parses protobuf bytes into a field tree without a schema: length-delimited
 * values whose contents parse exactly as a message get `children` (a guess:
 * strings sometimes parse too, which only makes mutations more varied).
 * Records where each tag and length prefix sat in the original bytes.
 */
export function parseFields(bytes, start = 0, end = bytes.length, depth = 0) {
  const fields = [];
  let pos = start;
  while (pos < end) {
    const tagOffset = pos;
    const tag = readVarint(bytes, pos, end);
    if (!tag) return undefined;
    pos = tag.pos;
    const number = Number(tag.value >> 3n);
    const wireType = Number(tag.value & 7n);
    if (number === 0 || number > 536870911) return undefined;
    const field = { number, wireType, tagOffset };
    switch (wireType) {
      case 0: {
        const v = readVarint(bytes, pos, end);
        if (!v) return undefined;
        field.varint = v.value;
        pos = v.pos;
        break;
      }
      case 1:
      case 5: {
        const width = wireType === 1 ? 8 : 4;
        if (pos + width > end) return undefined;
        field.data = bytes.slice(pos, pos + width);
        pos += width;
        break;
      }
      case 2: {
        const lengthOffset = pos;
        const v = readVarint(bytes, pos, end);
        if (!v || v.value > BigInt(end - v.pos)) return undefined;
        const length = Number(v.value);
        pos = v.pos;
        field.lengthOffset = lengthOffset;
        field.lengthBytes = pos - lengthOffset;
        field.data = bytes.slice(pos, pos + length);
        if (length > 0 && depth < 64) {
          const children = parseFields(bytes, pos, pos + length, depth + 1);
          if (children) field.children = children;
        }
        pos += length;
        break;
      }
      default:
        return undefined;
    }
    fields.push(field);
  }
  return fields;
}

function serializeField(field, out) {
  out.push(Uint8Array.from(varintBytes((BigInt(field.number) << 3n) | BigInt(field.wireType))));
  switch (field.wireType) {
    case 0:
      out.push(Uint8Array.from(varintBytes(field.varint ?? 0n)));
      break;
    case 1:
    case 5:
      out.push(field.data);
      break;
    case 2: {
      const body = field.children ? serializeFields(field.children) : field.data;
      out.push(Uint8Array.from(varintBytes(body.length)), body);
      break;
    }
  }
}

/** Encodes a field tree back to bytes, recomputing every length prefix. */
export function serializeFields(fields) {
  const out = [];
  for (const field of fields) serializeField(field, out);
  return concat(out);
}

function cloneField(field) {
  const copy = { ...field };
  if (field.children) copy.children = field.children.map(cloneField);
  return copy;
}

/** Every field in the tree with the list that holds it. */
function flatten(fields, out = [], depth = 0) {
  for (let index = 0; index < fields.length; index++) {
    const field = fields[index];
    out.push({ field, list: fields, index, depth });
    if (field.children) flatten(field.children, out, depth + 1);
  }
  return out;
}

// ----------------------------------------------------------------- mutators

const interestingVarints = [
  0n,
  1n,
  2n,
  7n,
  8n,
  127n,
  128n,
  255n,
  0x7fffn,
  0xffffn,
  0x7fffffffn,
  0x80000000n,
  0xffffffffn,
  0x100000000n,
  2n ** 53n - 1n,
  2n ** 53n,
  2n ** 62n,
  2n ** 63n - 1n,
  2n ** 63n,
  2n ** 64n - 1n,
  2n ** 64n - 2n,
];

const hugeLengths = [
  [0xff, 0xff, 0xff, 0xff, 0x0f], // 2^32 - 1
  [0x80, 0x80, 0x80, 0x80, 0x10], // 2^32
  [0xff, 0xff, 0xff, 0xff, 0x07], // 2^31 - 1
  [0x80, 0x80, 0x80, 0x80, 0x08], // 2^31
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], // 2^64 - 1
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], // 11-byte varint
  [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80], // never terminates
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f], // 2^56 - 1
];

function splice(bytes, at, remove, insert) {
  return concat([
    bytes.subarray(0, at),
    insert,
    bytes.subarray(Math.min(bytes.length, at + remove)),
  ]);
}

function lengthDelimited(fields) {
  return flatten(fields).filter(
    (e) => e.field.wireType === 2 && e.field.lengthOffset !== undefined,
  );
}

/** Byte-level mutations: each returns new bytes and a label. */
const byteMutators = {
  truncate(bytes, random) {
    const at = random.chance(0.2)
      ? bytes.length - random.range(1, Math.min(8, bytes.length))
      : random.int(bytes.length);
    return [bytes.slice(0, at), `truncate@${at}`];
  },
  bitFlip(bytes, random) {
    const out = bytes.slice();
    const flips = random.range(1, 8);
    const where = [];
    for (let i = 0; i < flips && out.length; i++) {
      const at = random.int(out.length);
      out[at] ^= 1 << random.int(8);
      where.push(at);
    }
    return [out, `bitflip@${where.join(",")}`];
  },
  overwrite(bytes, random) {
    const out = bytes.slice();
    const count = random.range(1, 16);
    const at = random.int(Math.max(1, out.length));
    const palette = [0x00, 0xff, 0x7f, 0x80, 0x0a, 0x12, 0x3a, 0x0b, 0x0c, 0x07, 0x0f];
    for (let i = 0; i < count && at + i < out.length; i++)
      out[at + i] = random.chance(0.5) ? random.pick(palette) : random.int(256);
    return [out, `overwrite@${at}x${count}`];
  },
  insert(bytes, random) {
    const at = random.int(bytes.length + 1);
    const count = random.range(1, 32);
    return [splice(bytes, at, 0, random.bytes(count)), `insert@${at}x${count}`];
  },
  delete(bytes, random) {
    const at = random.int(Math.max(1, bytes.length));
    const count = random.range(1, Math.min(64, Math.max(1, bytes.length - at)));
    return [splice(bytes, at, count, new Uint8Array(0)), `delete@${at}x${count}`];
  },
  hugeLength(bytes, random, fields) {
    const candidates = fields ? lengthDelimited(fields) : [];
    if (candidates.length === 0) return byteMutators.overwrite(bytes, random);
    const { field } = random.pick(candidates);
    let replacement;
    const choice = random.int(10);
    if (choice < 6) replacement = Uint8Array.from(random.pick(hugeLengths));
    else {
      const delta = random.pick([1n, -1n, 2n, 100n, -100n]);
      let next = BigInt(field.data.length) + delta;
      if (next < 0n) next = 0n;
      replacement = Uint8Array.from(varintBytes(next));
    }
    return [
      splice(bytes, field.lengthOffset, field.lengthBytes, replacement),
      `length@${field.lengthOffset}=${[...replacement].map((b) => b.toString(16).padStart(2, "0")).join("")}`,
    ];
  },
  wireType(bytes, random, fields) {
    const all = fields ? flatten(fields) : [];
    if (all.length === 0) return byteMutators.bitFlip(bytes, random);
    const { field } = random.pick(all);
    const out = bytes.slice();
    const wire = random.int(8);
    out[field.tagOffset] = (out[field.tagOffset] & ~7) | wire;
    return [out, `wiretype@${field.tagOffset}=${wire}`];
  },
  duplicateChunk(bytes, random) {
    const from = random.int(Math.max(1, bytes.length));
    const length = random.range(1, Math.max(1, Math.min(256, bytes.length - from)));
    const chunk = bytes.slice(from, from + length);
    const times = random.chance(0.1) ? random.range(2, 200) : 1;
    const to = random.int(bytes.length + 1);
    const parts = [];
    for (let i = 0; i < times; i++) parts.push(chunk);
    return [splice(bytes, to, 0, concat(parts)), `dup[${from},+${length}]x${times}@${to}`];
  },
  tagNumber(bytes, random, fields) {
    const all = fields ? flatten(fields) : [];
    if (all.length === 0) return byteMutators.bitFlip(bytes, random);
    const { field } = random.pick(all);
    const out = bytes.slice();
    // Keep the wire type; change the low 4 bits of the field number (one-byte tags).
    out[field.tagOffset] = (out[field.tagOffset] & 0x87) | (random.int(16) << 3);
    return [out, `tagnumber@${field.tagOffset}`];
  },
};

/** Structure-level mutations on a parsed tree: lengths stay consistent, so the damage reaches the IR. */
const treeMutators = {
  setVarint(fields, random) {
    const all = flatten(fields).filter((e) => e.field.wireType === 0);
    if (all.length === 0) return "setVarint:none";
    const { field } = random.pick(all);
    field.varint = random.chance(0.8)
      ? random.pick(interestingVarints)
      : BigInt(random.int(1 << 30));
    return `varint#${field.number}=${field.varint}`;
  },
  setBytes(fields, random) {
    const all = flatten(fields).filter((e) => e.field.wireType === 2);
    if (all.length === 0) return "setBytes:none";
    const { field } = random.pick(all);
    delete field.children;
    const choice = random.int(5);
    if (choice === 0) field.data = new Uint8Array(0);
    else if (choice === 1) field.data = field.data.slice(0, random.int(field.data.length + 1));
    else if (choice === 2) field.data = concat([field.data, random.bytes(random.range(1, 64))]);
    else if (choice === 3)
      field.data = Uint8Array.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]); // invalid UTF-8
    else {
      const others = all.filter((e) => !e.field.children);
      field.data = others.length ? random.pick(others).field.data.slice() : random.bytes(8);
    }
    return `bytes#${field.number}`;
  },
  copyName(fields, random) {
    // Copy one short string over another: rewires node inputs/outputs (cycles, dangling names, duplicates).
    const strings = flatten(fields).filter(
      (e) => e.field.wireType === 2 && e.field.data.length < 64,
    );
    if (strings.length < 2) return "copyName:none";
    const from = random.pick(strings).field;
    const to = random.pick(strings).field;
    delete to.children;
    to.data = from.data.slice();
    return `copy#${from.number}->#${to.number}`;
  },
  remove(fields, random) {
    const all = flatten(fields);
    if (all.length === 0) return "remove:none";
    const { list, index, field } = random.pick(all);
    list.splice(index, 1);
    return `remove#${field.number}`;
  },
  duplicate(fields, random) {
    const all = flatten(fields);
    if (all.length === 0) return "duplicate:none";
    const { list, index, field } = random.pick(all);
    const times = random.chance(0.2) ? random.range(2, 50) : 1;
    for (let i = 0; i < times; i++) list.splice(index + 1, 0, cloneField(field));
    return `duplicate#${field.number}x${times}`;
  },
  transplant(fields, random) {
    const all = flatten(fields);
    const messages = all.filter((e) => e.field.children);
    if (all.length === 0 || messages.length === 0) return "transplant:none";
    const moved = cloneField(random.pick(all).field);
    const target = random.pick(messages).field.children;
    target.splice(random.int(target.length + 1), 0, moved);
    return `transplant#${moved.number}`;
  },
  renumber(fields, random) {
    const all = flatten(fields);
    if (all.length === 0) return "renumber:none";
    const { field } = random.pick(all);
    field.number = random.chance(0.9) ? random.range(1, 30) : random.pick([1000, 536870911, 19000]);
    return `renumber=${field.number}`;
  },
  retype(fields, random) {
    const all = flatten(fields);
    if (all.length === 0) return "retype:none";
    const { field } = random.pick(all);
    const wire = random.pick([0, 1, 2, 5]);
    const old = field.wireType;
    field.wireType = wire;
    delete field.children;
    if (wire === 0) field.varint = random.pick(interestingVarints);
    else if (wire === 1) field.data = random.bytes(8);
    else if (wire === 5) field.data = random.bytes(4);
    else if (old === 0) field.data = Uint8Array.from(varintBytes(field.varint ?? 0n));
    else field.data ??= new Uint8Array(0);
    return `retype#${field.number}:${old}->${wire}`;
  },
  swap(fields, random) {
    const lists = flatten(fields)
      .filter((e) => e.field.children && e.field.children.length > 1)
      .map((e) => e.field.children);
    lists.push(fields);
    const list = random.pick(lists);
    if (list.length < 2) return "swap:none";
    const a = random.int(list.length);
    const b = random.int(list.length);
    [list[a], list[b]] = [list[b], list[a]];
    return `swap${a}<->${b}`;
  },
  selfNest(fields, random) {
    // Put a copy of a message inside one of its own descendants, repeatedly: deep but well-formed.
    const messages = flatten(fields).filter((e) => e.field.children && e.field.children.length > 0);
    if (messages.length === 0) return "selfNest:none";
    const { field } = random.pick(messages);
    const levels = random.chance(0.3) ? random.range(50, 400) : random.range(1, 8);
    const original = field.children.map(cloneField);
    let inner = field;
    for (let i = 0; i < levels; i++) {
      const copy = {
        number: field.number,
        wireType: 2,
        data: new Uint8Array(0),
        children: original.map(cloneField),
      };
      inner.children.push(copy);
      inner = copy;
    }
    return `selfNest#${field.number}x${levels}`;
  },
};

// ---------------------------------------------------------------- garbage

function tag(number, wireType) {
  return varintBytes((BigInt(number) << 3n) | BigInt(wireType));
}

/** Well-formed nesting `depth` levels deep along a repeating field path, innermost payload `leaf`. */
export function nestedMessages(prefix, cycle, depth, leaf = new Uint8Array(0)) {
  // Built inside out with precomputed headers so 100k levels stay linear.
  const headers = [];
  let size = leaf.length;
  for (let level = depth - 1; level >= 0; level--) {
    const number = cycle[level % cycle.length];
    const header = [...tag(number, 2), ...varintBytes(size)];
    headers.push(header);
    size += header.length;
  }
  const prefixHeaders = [];
  for (let i = prefix.length - 1; i >= 0; i--) {
    const header = [...tag(prefix[i], 2), ...varintBytes(size)];
    prefixHeaders.push(header);
    size += header.length;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const header of [...prefixHeaders.reverse(), ...headers.reverse()]) {
    out.set(header, at);
    at += header.length;
  }
  out.set(leaf, at);
  return out;
}

function repeat(pattern, times) {
  const out = new Uint8Array(pattern.length * times);
  for (let i = 0; i < times; i++) out.set(pattern, i * pattern.length);
  return out;
}

const pngHeader = Uint8Array.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52,
]);

const garbageMakers = {
  deepGraphs(random) {
    // ModelProto.graph(7) -> GraphProto.node(1) -> NodeProto.attribute(5) -> AttributeProto.g(6) -> node(1) ...
    const depth = random.pick([150, 250, 1000, 10_000, 100_000]);
    return [nestedMessages([7], [1, 5, 6], depth), `deepGraphs x${depth}`];
  },
  deepTypes(random) {
    // graph(7).input(11).type(2).sequence_type(4).elem_type(1).sequence_type(4)...
    const depth = random.pick([150, 300, 10_000, 100_000]);
    return [nestedMessages([7, 11, 2], [4, 1], depth), `deepTypes x${depth}`];
  },
  deepUnknown(random) {
    const depth = random.pick([1000, 100_000]);
    return [nestedMessages([], [random.pick([1, 7, 20, 99])], depth), `deepUnknown x${depth}`];
  },
  startBytes(random) {
    const times = random.pick([1000, 100_000]);
    const pattern = random.pick([
      [0x0a, 0x80, 0x80, 0x80],
      [0x3a, 0x80, 0x80, 0x80, 0x80, 0x80],
      [0x3a],
      [0x0a, 0xff],
    ]);
    return [repeat(Uint8Array.from(pattern), times), `startBytes ${pattern.join(",")} x${times}`];
  },
  groups(random) {
    const depth = random.pick([100, 1000, 100_000]);
    const number = random.pick([1, 7, 20]);
    const open = tag(number, 3);
    const close = tag(number, 4);
    const kind = random.int(3);
    let bytes;
    if (kind === 0) bytes = repeat(Uint8Array.from(open), depth);
    else if (kind === 1)
      bytes = concat([repeat(Uint8Array.from(open), depth), repeat(Uint8Array.from(close), depth)]);
    else
      bytes = concat([
        Uint8Array.from([0x08, 0x07]),
        repeat(Uint8Array.from(open), depth),
        repeat(Uint8Array.from(close), depth),
      ]);
    return [bytes, `groups #${number} ${["open", "balanced", "after-ir_version"][kind]} x${depth}`];
  },
  text(random) {
    const texts = [
      "hello world",
      "<html><body>not a model</body></html>",
      '{"ir_version": 8}',
      "ir_version: 8\ngraph {}\n",
      "\n",
    ];
    return [new TextEncoder().encode(random.pick(texts)), "text"];
  },
  png() {
    return [pngHeader.slice(), "png"];
  },
  random(random) {
    const n = random.pick([1, 2, 3, 5, 16, 100, 4096]);
    return [random.bytes(n), `random x${n}`];
  },
  zeros(random) {
    const n = random.pick([1, 2, 10, 1000]);
    return [new Uint8Array(n), `zeros x${n}`];
  },
  empty() {
    return [new Uint8Array(0), "empty"];
  },
};

const byteMutatorNames = Object.keys(byteMutators);
const treeMutatorNames = Object.keys(treeMutators);
const garbageNames = Object.keys(garbageMakers);

/** Builds per-model data the generator reuses (parsed field trees). */
export function prepareCorpus(corpus) {
  return corpus.map((entry) => ({ ...entry, fields: parseFields(entry.bytes) }));
}

/**
 * Generates one fuzz input from a prepared corpus: byte mutations (stacked
 * 1-3), structure mutations (then sometimes a byte mutation), splices of two
 * models, and synthetic garbage (deep nesting, groups, text, PNG, random).
 */
export function generateCase(prepared, random) {
  const roll = random.next();
  if (roll < 0.06 || prepared.length === 0) {
    const name = random.pick(garbageNames);
    const [bytes, label] = garbageMakers[name](random);
    return { bytes, description: `garbage:${label}` };
  }
  const base = random.pick(prepared);
  if (roll < 0.11) {
    const other = random.pick(prepared);
    const a = random.int(base.bytes.length + 1);
    const b = random.int(other.bytes.length + 1);
    return {
      bytes: concat([base.bytes.subarray(0, a), other.bytes.subarray(b)]),
      description: `${base.name}: splice[0,${a})+${other.name}[${b},end)`,
    };
  }
  if (roll < 0.5 && base.fields) {
    const tree = base.fields.map(cloneField);
    const steps = [];
    const count = random.range(1, 4);
    for (let i = 0; i < count; i++)
      steps.push(treeMutators[random.pick(treeMutatorNames)](tree, random));
    let bytes = serializeFields(tree);
    if (random.chance(0.25)) {
      const [mutated, label] = byteMutators[random.pick(byteMutatorNames)](
        bytes,
        random,
        parseFields(bytes),
      );
      bytes = mutated;
      steps.push(label);
    }
    return { bytes, description: `${base.name}: tree ${steps.join(" ; ")}` };
  }
  let bytes = base.bytes;
  let fields = base.fields;
  const steps = [];
  const count = random.range(1, 3);
  for (let i = 0; i < count; i++) {
    const [mutated, label] = byteMutators[random.pick(byteMutatorNames)](bytes, random, fields);
    bytes = mutated;
    fields = undefined; // offsets no longer match after the first mutation
    steps.push(label);
  }
  return { bytes, description: `${base.name}: bytes ${steps.join(" ; ")}` };
}

// ------------------------------------------------------------------ checker

function errorSummary(error) {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 500);
  return String(error).slice(0, 500);
}

/**
 * Runs one input through decodeModel and, if it decodes, through the IR
 * (encodeModel, re-decode of the encoding, every tensor's dims / rawBytes /
 * toArray, topologicalSort of every graph). Only OnnxError with a known code
 * may escape any step. Returns the outcome and, on a broken rule, `failure`.
 */
export function runCase(lib, bytes) {
  const allowed = (error) =>
    error instanceof lib.OnnxError &&
    knownErrorCodes.includes(error.code) &&
    typeof error.message === "string" &&
    error.message.length > 0 &&
    typeof error.location === "object" &&
    error.location !== null;
  const result = { outcome: "decoded", code: undefined, irErrors: [], failure: undefined };
  const guard = (stage, action) => {
    try {
      action();
      return true;
    } catch (error) {
      if (allowed(error)) {
        result.irErrors.push(`${stage}:${error.code}`);
        return false;
      }
      result.failure ??= {
        stage,
        error: errorSummary(error),
        stack: error instanceof Error ? error.stack : undefined,
      };
      return false;
    }
  };
  let model;
  try {
    model = lib.decodeModel(bytes, { source: "fuzz-case" });
  } catch (error) {
    if (allowed(error)) {
      result.outcome = "rejected";
      result.code = error.code;
      return result;
    }
    result.outcome = "crashed";
    result.failure = {
      stage: "decode",
      error: errorSummary(error),
      stack: error instanceof Error ? error.stack : undefined,
    };
    return result;
  }
  let encoded;
  guard("encode", () => {
    encoded = lib.encodeModel(model);
  });
  if (encoded) {
    // What encodeModel wrote must decode again: any error here is a bug.
    try {
      lib.decodeModel(encoded);
    } catch (error) {
      result.failure ??= {
        stage: "re-decode",
        error: errorSummary(error),
        stack: error instanceof Error ? error.stack : undefined,
      };
    }
  }
  guard("tensors", () => {
    for (const { tensor } of lib.modelTensors(model)) {
      guard("tensor.dims", () => tensor.dims);
      let skip = false;
      guard("tensor.kind", () => {
        skip = tensor.isExternal || tensor.dataType === 8; // DataType.STRING
      });
      if (skip) continue;
      guard("tensor.rawBytes", () => tensor.rawBytes());
      guard("tensor.toArray", () => tensor.toArray());
    }
  });
  guard("graphs", () => {
    for (const graph of model.graphs()) guard("topologicalSort", () => graph.topologicalSort());
  });
  return result;
}

/**
 * Runs `cases` inputs (or until `seconds` pass) and summarizes: outcomes,
 * rejections per code, IR-step errors per code, per-case time, RSS growth,
 * and failures (broken rules or cases slower than `slowMs`).
 */
export function runFuzz({
  lib,
  corpus,
  seed,
  cases,
  seconds = Infinity,
  slowMs = 2000,
  maxFailures = 20,
  beforeCase,
  onFailure,
  onProgress,
}) {
  const prepared = prepareCorpus(corpus);
  const summary = {
    seed,
    cases: 0,
    decoded: 0,
    rejected: 0,
    crashed: 0,
    byCode: {},
    irErrors: {},
    failures: [],
    failureKinds: {},
    slowest: { ms: 0, description: "" },
    totalMs: 0,
    rssStart: process.memoryUsage().rss,
    rssPeak: 0,
    rssGrowth: 0,
  };
  summary.rssPeak = summary.rssStart;
  const started = performance.now();
  for (let index = 0; index < cases; index++) {
    if ((performance.now() - started) / 1000 > seconds) break;
    const random = caseRandom(seed, index);
    const { bytes, description } = generateCase(prepared, random);
    beforeCase?.(index);
    const t0 = performance.now();
    const result = runCase(lib, bytes);
    const ms = performance.now() - t0;
    summary.cases++;
    if (result.outcome === "decoded") summary.decoded++;
    else if (result.outcome === "rejected") {
      summary.rejected++;
      summary.byCode[result.code] = (summary.byCode[result.code] ?? 0) + 1;
    } else summary.crashed++;
    for (const e of result.irErrors) summary.irErrors[e] = (summary.irErrors[e] ?? 0) + 1;
    if (ms > summary.slowest.ms)
      summary.slowest = { ms, description: `case ${index}: ${description}` };
    let failure = result.failure;
    if (!failure && ms > slowMs)
      failure = { stage: "time", error: `took ${ms.toFixed(0)} ms (limit ${slowMs} ms)` };
    if (failure) {
      const entry = { index, description, size: bytes.length, ms, ...failure, bytes };
      const kind = `${failure.stage}: ${failure.error
        .replace(/\d+/g, "N")
        .replace(/"[^"]*"/g, '"…"')
        .slice(0, 90)}`;
      summary.failureKinds[kind] = (summary.failureKinds[kind] ?? 0) + 1;
      if (summary.failures.length < maxFailures) summary.failures.push(entry);
      onFailure?.(entry);
    }
    if ((index & 63) === 0) {
      const rss = process.memoryUsage().rss;
      if (rss > summary.rssPeak) summary.rssPeak = rss;
      onProgress?.(summary, index);
    }
  }
  summary.totalMs = performance.now() - started;
  const rss = process.memoryUsage().rss;
  if (rss > summary.rssPeak) summary.rssPeak = rss;
  summary.rssGrowth = summary.rssPeak - summary.rssStart;
  return summary;
}

/** Human-readable summary lines. */
export function formatSummary(summary) {
  const mb = (n) => `${(n / 1048576).toFixed(0)} MB`;
  const lines = [
    `fuzz seed=${summary.seed} cases=${summary.cases} in ${(summary.totalMs / 1000).toFixed(1)} s`,
    `  decoded OK: ${summary.decoded}, rejected with OnnxError: ${summary.rejected}, other exceptions: ${summary.crashed}`,
    `  rejected per code: ${
      Object.entries(summary.byCode)
        .sort((a, b) => b[1] - a[1])
        .map(([c, n]) => `${c}=${n}`)
        .join(", ") || "none"
    }`,
    `  IR-step OnnxErrors after successful decode: ${
      Object.entries(summary.irErrors)
        .sort((a, b) => b[1] - a[1])
        .map(([c, n]) => `${c}=${n}`)
        .join(", ") || "none"
    }`,
    `  slowest case: ${summary.slowest.ms.toFixed(1)} ms (${summary.slowest.description.slice(0, 160)})`,
    `  RSS start ${mb(summary.rssStart)}, peak ${mb(summary.rssPeak)}, growth ${mb(summary.rssGrowth)}`,
    `  failures: ${Object.values(summary.failureKinds).reduce((a, b) => a + b, 0)}`,
  ];
  for (const [kind, n] of Object.entries(summary.failureKinds)) lines.push(`    ${n} x ${kind}`);
  for (const f of summary.failures)
    lines.push(
      `    e.g. case ${f.index} [${f.stage}] ${f.error} <- ${f.description.slice(0, 200)} (${f.size} bytes)`,
    );
  return lines.join("\n");
}
