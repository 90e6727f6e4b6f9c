import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelBuilder } from "../builder/model-builder.js";
import { decodeModel } from "../codec/decode.js";
import { modelTensors } from "../ir/tensors.js";
import { DataType } from "../tensor/data-type.js";
import { loadModel } from "./load.js";
import { encodeModelInline } from "./plan-external.js";
import { saveModel, saveModelPaths } from "./save.js";
import { trackTemporaryFile } from "./temporary-files.js";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "rectify-hostile-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function model() {
  const b = new ModelBuilder({ seed: 3 });
  const x = b.input("x", DataType.FLOAT, [1, 64]);
  const w = b.randomInitializer("w", [64, 64]);
  b.output(b.op("Relu", [b.op("MatMul", [x, w])]), DataType.FLOAT, [1, 64], "y");
  return b.build();
}

/** A folder holding m.onnx whose weights live in m.onnx.data; returns the folder. */
async function externalModel(name: string): Promise<string> {
  const folder = join(root, name);
  await mkdir(folder);
  await saveModel(model(), join(folder, "m.onnx"), { externalData: { threshold: 0 } });
  return folder;
}

describe("hostile model files", () => {
  it("does not follow a symbolic link out of the model's folder", async () => {
    const folder = await externalModel("link");
    const secret = join(root, "secret.bin");
    await writeFile(secret, (await readFile(join(folder, "m.onnx.data"))).fill(7));
    await rm(join(folder, "m.onnx.data"));
    await symlink(secret, join(folder, "m.onnx.data"));
    const error = await loadModel(join(folder, "m.onnx")).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "EXTERNAL_DATA", location: { value: "w", file: secret } });
    expect((error as Error).message).toMatch(
      /tensor "w" is stored in "m\.onnx\.data", which resolves \(through a symbolic link\) to .*secret\.bin, outside the model's folder/,
    );
  });

  it("follows a symbolic link that stays inside the folder", async () => {
    const folder = await externalModel("inner-link");
    await mkdir(join(folder, "weights"));
    execFileSync("mv", [join(folder, "m.onnx.data"), join(folder, "weights", "data.bin")]);
    await symlink(join("weights", "data.bin"), join(folder, "m.onnx.data"));
    const loaded = await loadModel(join(folder, "m.onnx"));
    const w = loaded.graph.localValue("w")!.initializer!;
    expect(w.hasData).toBe(true);
    expect(w.dims).toEqual([64, 64]);
  });

  it("never opens a FIFO named as external data or as the model, and names directories", async () => {
    const fifoFolder = await externalModel("fifo");
    await rm(join(fifoFolder, "m.onnx.data"));
    execFileSync("mkfifo", [join(fifoFolder, "m.onnx.data")]);
    await expect(loadModel(join(fifoFolder, "m.onnx"))).rejects.toThrowError(
      /tensor "w" is stored in "m\.onnx\.data", which cannot be read: it is a FIFO \(named pipe\), not a regular file/,
    );
    const directoryFolder = await externalModel("directory");
    await rm(join(directoryFolder, "m.onnx.data"));
    await mkdir(join(directoryFolder, "m.onnx.data"));
    await expect(loadModel(join(directoryFolder, "m.onnx"))).rejects.toMatchObject({
      code: "EXTERNAL_DATA",
      message: expect.stringMatching(/it is a directory, not a regular file/),
    });
    const fifoModel = join(root, "model.fifo.onnx");
    execFileSync("mkfifo", [fifoModel]);
    await expect(loadModel(fifoModel)).rejects.toMatchObject({
      code: "IO_READ",
      message: expect.stringMatching(/model\.fifo\.onnx: it is a FIFO \(named pipe\)/),
    });
    await expect(loadModel(root)).rejects.toMatchObject({
      code: "IO_READ",
      message: expect.stringMatching(/it is a directory, not a regular file/),
    });
  });

  it("refuses to save over a FIFO or a folder and leaves no temporary file", async () => {
    const folder = join(root, "save-special");
    await mkdir(folder);
    const fifo = join(folder, "out.onnx");
    execFileSync("mkfifo", [fifo]);
    await expect(saveModel(model(), fifo)).rejects.toMatchObject({
      code: "IO_WRITE",
      message: expect.stringMatching(
        /out\.onnx is a FIFO \(named pipe\); models are written to regular files only/,
      ),
    });
    expect((await stat(fifo)).isFIFO()).toBe(true);
    await mkdir(join(folder, "d.onnx"));
    await expect(saveModel(model(), join(folder, "d.onnx"))).rejects.toMatchObject({
      code: "IO_WRITE",
    });
    expect((await readdir(folder)).sort()).toEqual(["d.onnx", "out.onnx"]);
  });

  it("saveModelPaths names the data file saveModel writes", async () => {
    const folder = await externalModel("paths");
    const loaded = await loadModel(join(folder, "m.onnx"));
    expect(await saveModelPaths(loaded, "/x/out.onnx")).toEqual([
      "/x/out.onnx",
      "/x/out.onnx.data",
    ]);
    expect(await saveModelPaths(model(), "/x/out.onnx")).toEqual(["/x/out.onnx"]);
    expect(await saveModelPaths(loaded, "/x/out.onnx", { externalData: false })).toEqual([
      "/x/out.onnx",
    ]);
  });

  it("encodeModelInline carries loaded external data inside the bytes", async () => {
    const folder = await externalModel("inline");
    const loaded = await loadModel(join(folder, "m.onnx"));
    const decoded = decodeModel(encodeModelInline(loaded));
    const tensors = [...modelTensors(decoded)].map((site) => site.tensor);
    expect(tensors.some((tensor) => tensor.isExternal)).toBe(false);
    const w = decoded.graph.localValue("w")!.initializer!;
    expect(w.toArray()).toEqual(loaded.graph.localValue("w")!.initializer!.toArray());
    // The loaded model itself still points at its data file.
    expect(loaded.graph.localValue("w")!.initializer!.isExternal).toBe(true);
  });

  it("installs signal handlers only while temporary files exist", async () => {
    const before = process.listenerCount("SIGTERM");
    const beforeInterrupt = process.listenerCount("SIGINT");
    const untrackFirst = await trackTemporaryFile(join(root, "a.tmp"));
    const untrackSecond = await trackTemporaryFile(join(root, "b.tmp"));
    expect(process.listenerCount("SIGTERM")).toBe(before + 1);
    untrackFirst();
    expect(process.listenerCount("SIGTERM")).toBe(before + 1);
    untrackSecond();
    expect(process.listenerCount("SIGTERM")).toBe(before);
    await saveModel(model(), join(root, "plain.onnx"));
    expect(process.listenerCount("SIGINT")).toBe(beforeInterrupt);
  });
});
