import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DataType,
  decodeModel,
  decodeTensor,
  encodeTensor,
  type Model,
  ModelBuilder,
  SeededRandom,
  Tensor,
  tensorType,
} from "@rectify/onnx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RewriteError } from "../errors/rewrite-error.js";
import { maxJsonInputRank, readFeeds } from "./read-feeds.js";

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "rectify-read-feeds-"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** x: float32 [batch, 3], ids: int64 [2], mask: bool [2], w: float32 [3] with a default (optional). */
function testModel(): Model {
  const builder = new ModelBuilder();
  builder.input("x", DataType.FLOAT, ["batch", 3]);
  builder.input("ids", DataType.INT64, [2]);
  builder.input("mask", DataType.BOOL, [2]);
  const w = builder.constant(DataType.FLOAT, [3], [0, 0, 0], "w");
  builder.graph.addInput(w, tensorType(DataType.FLOAT, [3]));
  return builder.model;
}

/** A little-endian .npy file as numpy.save writes it (version 1.0). */
function npy(
  descr: string,
  shape: readonly number[],
  data: ArrayBufferView,
  fortran = false,
): Buffer {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortran ? "True" : "False"}, 'shape': ${shapeText}, }`;
  const header = `${dict.padEnd(Math.ceil((11 + dict.length) / 64) * 64 - 11, " ")}\n`;
  const prefix = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0, 0]);
  prefix.writeUInt16LE(header.length, 8);
  return Buffer.concat([
    prefix,
    Buffer.from(header, "latin1"),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength),
  ]);
}

async function write(name: string, content: Uint8Array | string): Promise<string> {
  const path = join(folder, name);
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, content);
  return path;
}

function pb(
  dataType: DataType,
  dims: number[],
  values: ArrayLike<number> | ArrayLike<bigint>,
  name = "",
) {
  return encodeTensor(Tensor.fromArray(dataType, dims, values, name));
}

async function errorOf(run: () => Promise<unknown>): Promise<RewriteError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof RewriteError) return error;
    throw new Error(`expected a RewriteError, got ${String(error)}`);
  }
  throw new Error("expected a RewriteError, nothing was thrown");
}

describe("readFeeds", () => {
  it("reads .npy by file stem, .pb by tensor name and .json by key", async () => {
    const x = await write("named/x.npy", npy("<f4", [2, 3], new Float32Array([1, 2, 3, 4, 5, 6])));
    const ids = await write(
      "named/anything.pb",
      pb(DataType.INT64, [2], [7n, -(2n ** 60n)], "ids"),
    );
    const mask = await write("named/mask.json", JSON.stringify({ mask: [true, false] }));
    const feeds = await readFeeds(testModel(), [mask, x, ids]);
    expect(Object.keys(feeds).sort()).toEqual(["ids", "mask", "x"]);
    expect(feeds.x!.type).toBe("float32");
    expect(feeds.x!.dims).toEqual([2, 3]);
    expect(Array.from(feeds.x!.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(feeds.ids!.type).toBe("int64");
    expect(Array.from(feeds.ids!.data as BigInt64Array)).toEqual([7n, -(2n ** 60n)]);
    expect(feeds.mask).toEqual({ type: "bool", dims: [2], data: new Uint8Array([1, 0]) });
  });

  it("matches unnamed files to the unfed required inputs in order", async () => {
    const ids = await write("positional/ids.npy", npy("<i8", [2], new BigInt64Array([1n, 2n])));
    const a = await write("positional/a.npy", npy("<f4", [1, 3], new Float32Array([9, 8, 7])));
    const b = await write("positional/b.npy", npy("|b1", [2], new Uint8Array([0, 1])));
    const feeds = await readFeeds(testModel(), [a, ids, b]);
    expect(Array.from(feeds.x!.data as Float32Array)).toEqual([9, 8, 7]);
    expect(Array.from(feeds.ids!.data as BigInt64Array)).toEqual([1n, 2n]);
    expect(Array.from(feeds.mask!.data as Uint8Array)).toEqual([0, 1]);
    expect(feeds.w).toBeUndefined();
  });

  it("accepts an optional input (one with a default) when a file names it", async () => {
    const json = await write(
      "optional/all.json",
      JSON.stringify({ x: [[1, 2, 3]], ids: [1, 2], mask: [0, 1], w: [0.5, 0.25, 0.125] }),
    );
    const feeds = await readFeeds(testModel(), [json]);
    expect(Array.from(feeds.w!.data as Float32Array)).toEqual([0.5, 0.25, 0.125]);
  });

  it("reads big-endian and fortran-order .npy files into row-major host order", async () => {
    const big = Buffer.alloc(24);
    [1.5, -2, 3, 4, 5, 6].forEach((v, i) => {
      big.writeFloatBE(v, i * 4);
    });
    const header = npy(">f4", [2, 3], new Uint8Array(24));
    const bigFile = Buffer.concat([header.subarray(0, header.length - 24), big]);
    // Fortran order: the 2×3 matrix [[1, 2, 3], [4, 5, 6]] stored column by column.
    const fortranFile = npy("<f4", [2, 3], new Float32Array([1, 4, 2, 5, 3, 6]), true);
    const rest = [await write("order/ids.json", JSON.stringify({ ids: [0, 0], mask: [0, 0] }))];
    const fromBig = await readFeeds(testModel(), [await write("order/x.npy", bigFile), ...rest]);
    expect(Array.from(fromBig.x!.data as Float32Array)).toEqual([1.5, -2, 3, 4, 5, 6]);
    const fromFortran = await readFeeds(testModel(), [
      await write("order-f/x.npy", fortranFile),
      ...rest,
    ]);
    expect(fromFortran.x!.dims).toEqual([2, 3]);
    expect(Array.from(fromFortran.x!.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("reads a test data set directory of input_<n>.pb files in numeric order", async () => {
    const builder = new ModelBuilder();
    const names = Array.from({ length: 12 }, (_, i) => `in${i}`);
    for (const name of names) builder.input(name, DataType.FLOAT, [1]);
    // Unnamed tensors, so the file number alone decides the input (input_10 after input_9).
    for (const [i] of names.entries())
      await write(`set/test_data_set_0/input_${i}.pb`, pb(DataType.FLOAT, [1], [i * 10]));
    await write("set/test_data_set_0/output_0.pb", pb(DataType.FLOAT, [1], [-1]));
    const feeds = await readFeeds(builder.model, [join(folder, "set/test_data_set_0")]);
    for (const [i, name] of names.entries())
      expect(Array.from(feeds[name]!.data as Float32Array), name).toEqual([i * 10]);
  });

  const softplusSet = "/usr/share/libonnx-testdata/data/node/test_softplus";
  it.skipIf(!existsSync(softplusSet))(
    "reads the ONNX backend test data (libonnx-testdata test_softplus)",
    async () => {
      const model = decodeModel(await readFile(join(softplusSet, "model.onnx")));
      const directory = join(softplusSet, "test_data_set_0");
      const feeds = await readFeeds(model, [directory]);
      const reference = decodeTensor(await readFile(join(directory, "input_0.pb")));
      const name = model.graph.inputs[0]!.name;
      expect(Object.keys(feeds)).toEqual([name]);
      expect(feeds[name]!.dims).toEqual(reference.dims);
      expect(feeds[name]!.type).toBe("float32");
      expect(Array.from(feeds[name]!.data as Float32Array)).toEqual(
        Array.from(reference.toArray() as Float32Array),
      );
    },
  );

  describe("JSON", () => {
    const model = () => {
      const builder = new ModelBuilder();
      builder.input("f", DataType.FLOAT, [2, 2]);
      builder.input("h", DataType.FLOAT16, [3]);
      builder.input("n", DataType.INT64, [2]);
      builder.input("u", DataType.UINT8, ["len"]);
      return builder.model;
    };

    it("infers dims from nested arrays and types from the model, or takes them explicitly", async () => {
      const path = await write(
        "json/ok.json",
        JSON.stringify({
          f: { dims: [2, 2], data: [1, "NaN", "-Infinity", 4] },
          h: [1, -2, 0.5],
          n: { type: "int64", dims: [2], data: ["9007199254740993", -3] },
          u: [255, 0, 7],
        }),
      );
      const feeds = await readFeeds(model(), [path]);
      expect(feeds.f!.dims).toEqual([2, 2]);
      expect(Array.from(feeds.f!.data as Float32Array)).toEqual([
        1,
        Number.NaN,
        Number.NEGATIVE_INFINITY,
        4,
      ]);
      expect(feeds.h).toEqual({
        type: "float16",
        dims: [3],
        data: new Uint16Array([0x3c00, 0xc000, 0x3800]),
      });
      expect(Array.from(feeds.n!.data as BigInt64Array)).toEqual([9007199254740993n, -3n]);
      expect(feeds.u).toEqual({ type: "uint8", dims: [3], data: new Uint8Array([255, 0, 7]) });
    });

    const cases: [string, string, RegExp][] = [
      [
        "unknown",
        '{"g": [1]}',
        /entry "g", but the model has no input of that name; its inputs are "f", "h", "n", "u"/,
      ],
      [
        "ragged",
        '{"f": [[1, 2], [3]]}',
        /input "f" is a ragged array: data\[1\] should have 2 entries/,
      ],
      ["too deep", '{"f": [[1, 2], [3, [4]]]}', /ragged array: data\[1\]\[1\] nests deeper/],
      [
        "fraction",
        '{"n": [1.5, 2]}',
        /input "n" has data\[0\] = 1\.5, which is not a valid int64 value/,
      ],
      ["range", '{"u": [256]}', /data\[0\] = 256, which is not a valid uint8 value/],
      ["bad type", '{"f": {"type": "float128", "data": [1, 2, 3, 4]}}', /type "float128"/],
      [
        "count",
        '{"f": {"dims": [2, 2], "data": [1, 2, 3]}}',
        /dims \[2, 2\] \(4 elements\) but 3 data values/,
      ],
      ["no data", '{"f": {"dims": [2, 2]}}', /needs a "data" array/],
      ["not object", "[1, 2]", /must hold a JSON object keyed by input name/],
      ["syntax", '{"f": [1, 2,', /is not valid JSON/],
      [
        "declared type",
        '{"f": {"type": "float64", "data": [[1, 2], [3, 4]]}}',
        /input "f" must be float32 but the file holds float64; convert it \(numpy: array\.astype\(numpy\.float32\)\)/,
      ],
    ];
    for (const [label, text, message] of cases) {
      it(`names the file and the problem: ${label}`, async () => {
        const path = await write(`json/${label.replace(/ /g, "-")}.json`, text);
        const error = await errorOf(() => readFeeds(model(), [path]));
        expect(error.code).toBe("INPUTS_INVALID");
        expect(error.message).toMatch(message);
        expect(error.message).toContain(path);
        expect(error.location.file).toBe(path);
      });
    }
  });

  describe("validation", () => {
    const good = {
      ids: () => write("v/ids.npy", npy("<i8", [2], new BigInt64Array([1n, 2n]))),
      mask: () => write("v/mask.npy", npy("|b1", [2], new Uint8Array([1, 1]))),
    };

    it("accepts any size on a symbolic dim", async () => {
      const x = await write("v/x.npy", npy("<f4", [5, 3], new Float32Array(15)));
      const feeds = await readFeeds(testModel(), [x, await good.ids(), await good.mask()]);
      expect(feeds.x!.dims).toEqual([5, 3]);
    });

    it("names a missing input with its type and shape", async () => {
      const error = await errorOf(async () =>
        readFeeds(testModel(), [await good.ids(), await good.mask()]),
      );
      expect(error.message).toMatch(/no inputs file feeds "x" \(float32 \["batch", 3\]\)/);
      expect(error.message).toMatch(/fed "ids", "mask"/);
      expect(error.location.value).toBe("x");
    });

    it("rejects an input given twice", async () => {
      const x1 = await write("v/x.npy", npy("<f4", [1, 3], new Float32Array(3)));
      const x2 = await write("v/x.json", JSON.stringify({ x: [[1, 2, 3]] }));
      const error = await errorOf(async () =>
        readFeeds(testModel(), [x1, x2, await good.ids(), await good.mask()]),
      );
      expect(error.message).toBe(
        `input "x" is given twice: by ${x1} and by ${x2}; pass each input once`,
      );
      expect(error.location).toEqual({ file: x2, value: "x" });
    });

    it("rejects a wrong element type, rank or static dim", async () => {
      const cases: [string, Buffer, RegExp][] = [
        [
          "double.npy",
          npy("<f8", [1, 3], new Float64Array(3)),
          /input "x" must be float32 but the file holds float64; convert it \(numpy: array\.astype\(numpy\.float32\)\)/,
        ],
        [
          "rank.npy",
          npy("<f4", [3], new Float32Array(3)),
          /input "x" must have rank 2 \["batch", 3\] but the file holds dims \[3\]/,
        ],
        [
          "dim.npy",
          npy("<f4", [2, 4], new Float32Array(8)),
          /must have dims \["batch", 3\] but the file holds \[2, 4\] \(axis 1 is 4, not 3\)/,
        ],
      ];
      for (const [name, bytes, message] of cases) {
        const path = await write(`v/${name}`, bytes);
        const error = await errorOf(async () =>
          readFeeds(testModel(), [path, await good.ids(), await good.mask()]),
        );
        expect(error.code).toBe("INPUTS_INVALID");
        expect(error.message).toMatch(message);
        expect(error.location).toEqual({ file: path, value: "x" });
      }
    });

    it("rejects inputs that disagree on the size of a shared dim name", async () => {
      const builder = new ModelBuilder();
      builder.input("a", DataType.FLOAT, ["batch", 2]);
      builder.input("b", DataType.FLOAT, ["batch", "seq"]);
      const a = await write("v/a.npy", npy("<f4", [3, 2], new Float32Array(6)));
      const b = await write("v/b.npy", npy("<f4", [4, 5], new Float32Array(20)));
      const error = await errorOf(() => readFeeds(builder.model, [a, b]));
      expect(error.message).toBe(
        `${b}: input "b" has 4 on axis 0 ("batch") but input "a" (${a}) has 3 for "batch"; inputs sharing a dim name must agree on its size`,
      );
      expect(error.location).toEqual({ file: b, value: "b" });
      const agreeing = await write("v/b.npy", npy("<f4", [3, 5], new Float32Array(15)));
      const feeds = await readFeeds(builder.model, [a, agreeing]);
      expect(feeds.b!.dims).toEqual([3, 5]);
    });

    it("rejects a file with no input left to feed", async () => {
      const x = await write("v/x.npy", npy("<f4", [1, 3], new Float32Array(3)));
      const extra = await write("v/extra.npy", npy("<f4", [3], new Float32Array(3)));
      const error = await errorOf(async () =>
        readFeeds(testModel(), [x, await good.ids(), await good.mask(), extra]),
      );
      expect(error.message).toMatch(
        /extra\.npy is not named after an input and every required input \("x", "ids", "mask"\) is already fed/,
      );
      expect(error.location.file).toBe(extra);
    });

    it("rejects unknown extensions, missing paths and directories without input files", async () => {
      const text = await write("v/inputs.txt", "1 2 3");
      expect((await errorOf(() => readFeeds(testModel(), [text]))).message).toMatch(
        /extension "\.txt"; rectify reads \.npy, \.pb \(TensorProto\), \.json/,
      );
      const missing = join(folder, "v/nope.npy");
      const notFound = await errorOf(() => readFeeds(testModel(), [missing]));
      expect(notFound.message).toMatch(/cannot read inputs file .*nope\.npy: ENOENT/);
      expect(notFound.location.file).toBe(missing);
      await mkdir(join(folder, "v/empty"), { recursive: true });
      expect(
        (await errorOf(() => readFeeds(testModel(), [join(folder, "v/empty")]))).message,
      ).toMatch(/holds no input_<n>\.pb files/);
    });
  });

  describe("hostile files", () => {
    it("refuses JSON nested deeper than maxJsonInputRank instead of overflowing the stack", async () => {
      const deep = await write("h/deep.json", `{"x": ${"[".repeat(50_000)}1${"]".repeat(50_000)}}`);
      const error = await errorOf(() => readFeeds(testModel(), [deep]));
      expect(error).toBeInstanceOf(RewriteError);
      expect(error).toMatchObject({ code: "INPUTS_INVALID", location: { value: "x" } });
      expect(error.message).toMatch(
        new RegExp(`deep\\.json: input "x" nests arrays more than ${maxJsonInputRank} deep`),
      );
      const wrapped = await write(
        "h/wrapped.json",
        `{"x": {"data": ${"[".repeat(70)}1${"]".repeat(70)}}}`,
      );
      expect((await errorOf(() => readFeeds(testModel(), [wrapped]))).message).toMatch(
        /more than 64 deep/,
      );
    });

    it("never opens a FIFO given as an inputs file or inside a test data set folder", async () => {
      const { execFileSync } = await import("node:child_process");
      await mkdir(join(folder, "h/set"), { recursive: true });
      const fifo = join(folder, "h/x.npy");
      execFileSync("mkfifo", [fifo]);
      execFileSync("mkfifo", [join(folder, "h/set/input_0.pb")]);
      expect((await errorOf(() => readFeeds(testModel(), [fifo]))).message).toMatch(
        /inputs file .*x\.npy is not a regular file/,
      );
      expect(
        (await errorOf(() => readFeeds(testModel(), [join(folder, "h/set")]))).message,
      ).toMatch(/input_0\.pb is not a regular file/);
    });
  });

  describe("damaged files", () => {
    it("reports truncated and garbage .pb, .npy and .json files as INPUTS_INVALID", async () => {
      const validPb = pb(DataType.FLOAT, [1, 3], [1, 2, 3], "x");
      const validNpy = npy("<f4", [1, 3], new Float32Array([1, 2, 3]));
      const random = new SeededRandom(3);
      const garbage = (length: number) => {
        const bytes = new Uint8Array(length);
        for (let i = 0; i < length; i++) bytes[i] = random.int(0, 256);
        return bytes;
      };
      const files: [string, Uint8Array][] = [
        ["cut.pb", validPb.subarray(0, validPb.length - 5)],
        ["cut-header.pb", validPb.subarray(0, 3)],
        ["garbage.pb", garbage(64)],
        ["cut.npy", validNpy.subarray(0, validNpy.length - 1)],
        ["cut-header.npy", validNpy.subarray(0, 20)],
        ["garbage.npy", garbage(64)],
        ["garbage.json", garbage(64)],
        ["empty.npy", new Uint8Array()],
        ["empty.pb", new Uint8Array()],
      ];
      for (const [name, bytes] of files) {
        const path = await write(`damaged/${name}`, bytes);
        const error = await errorOf(() => readFeeds(testModel(), [path]));
        expect(error.code, name).toBe("INPUTS_INVALID");
        expect(error.location.file, name).toBe(path);
        expect(error.message, name).toContain(path);
      }
      const empty = await errorOf(() => readFeeds(testModel(), [join(folder, "damaged/empty.pb")]));
      expect(empty.message).toMatch(
        /empty\.pb \(0 bytes\) does not hold a tensor: its TensorProto has no data_type/,
      );
    });

    it("reports a .pb tensor of an unsupported element type, naming the input", async () => {
      const text = encodeTensor(Tensor.fromArray(DataType.STRING, [1], ["hi"], "x"));
      const path = await write("damaged/strings.pb", text);
      const error = await errorOf(() => readFeeds(testModel(), [path]));
      expect(error.message).toMatch(/input "x" in .*strings\.pb has element type STRING/);
      expect(error.location).toEqual({ file: path, value: "x" });
    });
  });
});
