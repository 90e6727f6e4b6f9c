import { mkdir, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelBuilder } from "../builder/model-builder.js";
import { decodeModel } from "../codec/decode.js";
import { encodeModel } from "../codec/encode.js";
import { OnnxError } from "../errors/onnx-error.js";
import { diffModels } from "../ir/diff.js";
import { TensorProtoSchema } from "../proto/onnx_pb.js";
import { DataType } from "../tensor/data-type.js";
import { Tensor } from "../tensor/tensor.js";
import { loadModel } from "./load.js";
import { saveModel } from "./save.js";

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "rectify-io-"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

function mlp(seed = 1) {
  const b = new ModelBuilder({ seed });
  const x = b.input("x", DataType.FLOAT, [1, 256]);
  const w1 = b.randomInitializer("w1", [256, 256]);
  const w2 = b.randomInitializer("w2", [256, 16]);
  const bias = b.randomInitializer("bias", [16]);
  b.output(
    b.op("Add", [b.op("MatMul", [b.op("Relu", [b.op("MatMul", [x, w1])]), w2]), bias]),
    DataType.FLOAT,
    [1, 16],
    "y",
  );
  return b.build();
}

async function runPath(path: string, input: Float32Array) {
  const session = await ort.InferenceSession.create(path);
  try {
    const out = await session.run({ x: new ort.Tensor("float32", input, [1, 256]) });
    return Array.from(out.y!.data as Float32Array);
  } finally {
    await session.release();
  }
}

describe("saveModel / loadModel", () => {
  it("writes tensors above the threshold to one aligned data file that onnxruntime reads", async () => {
    const model = mlp();
    const inline = join(folder, "inline.onnx");
    const external = join(folder, "external.onnx");
    await saveModel(model, inline);
    await saveModel(model, external, { externalData: { threshold: 1024 } });
    expect((await stat(inline)).size).toBeGreaterThan(256 * 256 * 4);
    expect((await stat(external)).size).toBeLessThan(4096);
    const data = await stat(join(folder, "external.onnx.data"));
    expect(data.size).toBeGreaterThanOrEqual((256 * 256 + 256 * 16) * 4);
    const loaded = await loadModel(external);
    const w1 = loaded.graph.localValue("w1")!.initializer!;
    expect(w1.isExternal).toBe(true);
    expect(w1.externalInfo).toMatchObject({
      location: "external.onnx.data",
      offset: 0,
      length: 256 * 256 * 4,
    });
    expect(loaded.graph.localValue("w2")!.initializer!.externalInfo!.offset % 64).toBe(0);
    expect(Array.from(w1.toArray() as Float32Array)).toEqual(
      Array.from(model.graph.localValue("w1")!.initializer!.toArray() as Float32Array),
    );
    expect(loaded.graph.localValue("bias")!.initializer!.isExternal).toBe(false); // 64 bytes < threshold
    const input = Float32Array.from({ length: 256 }, (_, i) => Math.sin(i));
    expect(await runPath(external, input)).toEqual(await runPath(inline, input));
    // Saving the loaded model elsewhere keeps external tensors external, with their bytes.
    const copy = join(folder, "copy.onnx");
    await saveModel(loaded, copy);
    expect(await runPath(copy, input)).toEqual(await runPath(inline, input));
    // …and externalData: false brings everything back inline, identical to the original.
    const back = join(folder, "back.onnx");
    await saveModel(await loadModel(copy), back, { externalData: false });
    expect(Buffer.compare(await readFile(back), await readFile(inline))).toBe(0);
  });

  it("a round trip through a file keeps the IR", async () => {
    const model = mlp(2);
    const path = join(folder, "rt.onnx");
    await saveModel(model, path);
    expect(diffModels(model, await loadModel(path))).toEqual([]);
    expect(Buffer.compare(await readFile(path), Buffer.from(encodeModel(model)))).toBe(0);
  });

  it("is atomic: a failed save leaves the existing file and no temporary files", async () => {
    const target = join(folder, "atomic");
    await mkdir(target);
    const path = join(target, "model.onnx");
    await writeFile(path, "previous contents");
    const broken = mlp(3);
    const external = create(TensorProtoSchema, {
      name: "ext",
      dataType: DataType.FLOAT,
      dims: [4n],
      dataLocation: 1,
      externalData: [{ key: "location", value: "missing.bin" }],
    });
    broken.graph.addInitializer(new Tensor(external), "ext");
    await expect(saveModel(broken, path)).rejects.toThrowError(/was not loaded/);
    // the destination is a directory: the rename fails after the temp file was written
    await mkdir(join(target, "dir.onnx"));
    await expect(saveModel(mlp(), join(target, "dir.onnx"))).rejects.toMatchObject({
      code: "IO_WRITE",
    });
    expect(await readFile(path, "utf8")).toBe("previous contents");
    expect((await readdir(target)).sort()).toEqual(["dir.onnx", "model.onnx"]);
  });

  it("rejects external data outside the model folder, missing files and out-of-range offsets", async () => {
    const build = async (name: string, entries: Record<string, string>) => {
      const b = new ModelBuilder();
      const x = b.input("x", DataType.FLOAT, [4]);
      const tensor = create(TensorProtoSchema, {
        name: "w",
        dataType: DataType.FLOAT,
        dims: [4n],
        dataLocation: 1,
        externalData: Object.entries(entries).map(([key, value]) => ({ key, value })),
      });
      const w = b.graph.addInitializer(new Tensor(tensor), "w");
      b.output(b.op("Add", [x, w]), DataType.FLOAT, [4], "y");
      const path = join(folder, name);
      await writeFile(path, encodeModel(b.model));
      return path;
    };
    await writeFile(join(folder, "small.bin"), new Uint8Array(8));
    const escaping = await build("escape.onnx", { location: "../etc/passwd" });
    await expect(loadModel(escaping)).rejects.toThrowError(/outside the model's folder/);
    const missing = await build("missing.onnx", { location: "nope.bin" });
    await expect(loadModel(missing)).rejects.toMatchObject({ code: "EXTERNAL_DATA" });
    const range = await build("range.onnx", { location: "small.bin", offset: "4", length: "16" });
    await expect(loadModel(range)).rejects.toThrowError(
      /bytes 4\.\.20 of "small.bin", but the file has 8 bytes/,
    );
    const skipped = await loadModel(range, { externalData: "skip" });
    expect(skipped.graph.localValue("w")!.initializer!.hasData).toBe(false);
  });

  it("gives a clear error for a missing or non-ONNX file", async () => {
    await expect(loadModel(join(folder, "absent.onnx"))).rejects.toMatchObject({ code: "IO_READ" });
    const text = join(folder, "text.onnx");
    await writeFile(text, "this is not a model\n");
    await expect(loadModel(text)).rejects.toBeInstanceOf(OnnxError);
  });

  it("writes a model over 2 GiB with external data automatically, and refuses to encode it inline", async () => {
    const chunk = 1100 * 1024 * 1024; // two of these make 2.2 GB
    const block = new Uint8Array(chunk);
    for (let i = 0; i < chunk; i += 4096) block[i] = (i / 4096) & 0xff;
    const b = new ModelBuilder();
    const x = b.input("x", DataType.UINT8, [chunk]);
    let sum = x;
    for (const name of ["big_a", "big_b"]) {
      const proto = create(TensorProtoSchema, {
        name,
        dataType: DataType.UINT8,
        dims: [BigInt(chunk)],
        rawData: block,
      });
      sum = b.op("Add", [sum, b.graph.addInitializer(new Tensor(proto), name)]);
    }
    b.output(sum, DataType.UINT8, [chunk], "y");
    const model = b.build();
    expect(() => encodeModel(model)).toThrowError(/over protobuf's 2 GiB limit/);
    const path = join(folder, "huge.onnx");
    try {
      await saveModel(model, path);
      expect((await stat(path)).size).toBeLessThan(64 * 1024);
      const dataSize = (await stat(`${path}.data`)).size;
      expect(dataSize).toBeGreaterThan(2 ** 31);
      const loaded = await loadModel(path, { externalData: "skip" });
      const infos = ["big_a", "big_b"].map(
        (name) => loaded.graph.localValue(name)!.initializer!.externalInfo!,
      );
      expect(infos[0]).toMatchObject({ location: "huge.onnx.data", offset: 0, length: chunk });
      expect(infos[1]!.offset % 4096).toBe(0);
      expect(infos[1]!.offset).toBeGreaterThanOrEqual(chunk);
      const handle = await open(`${path}.data`, "r");
      try {
        for (const info of infos) {
          for (const at of [0, 4096 * 7, chunk - 4096]) {
            const probe = new Uint8Array(1);
            await handle.read(probe, 0, 1, info.offset + at);
            expect(probe[0]).toBe((at / 4096) & 0xff);
          }
        }
      } finally {
        await handle.close();
      }
    } finally {
      await rm(path, { force: true });
      await rm(`${path}.data`, { force: true });
    }
  }, 300_000);
});

describe("decodeModel views", () => {
  it("initializer bytes are views into the input buffer, not copies", () => {
    const bytes = encodeModel(mlp(4));
    const model = decodeModel(bytes);
    const raw = model.graph.localValue("w1")!.initializer!.rawBytes();
    expect(raw.buffer).toBe(bytes.buffer);
  });
});
