import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  DataType,
  encodeModel,
  loadModel,
  type Model,
  ModelBuilder,
  saveModel,
} from "@rectify/onnx";
import { afterAll, describe, expect, it } from "vitest";
import { evaluatorWith } from "../src/evaluator.js";
import {
  chooseProvider,
  createEvaluator,
  createSession,
  isRuntimeError,
  providerNamed,
  registeredProviders,
  tensor,
} from "../src/index.node.js";
import { lazyPackage } from "../src/providers/load-package.js";
import type { BackendOptions, ExecutionProvider } from "../src/providers/provider.js";
import { ProviderRegistry } from "../src/providers/registry.js";

const folder = mkdtempSync(join(tmpdir(), "rectify-runtime-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** x [batch, 8] → Softplus → Mul 2 → y. */
function softplusModel(): Model {
  const builder = new ModelBuilder({ opset: 17 });
  const x = builder.input("x", DataType.FLOAT, ["batch", 8]);
  const y = builder.op("Mul", [
    builder.op("Softplus", [x], {}, { name: "softplus" }),
    builder.scalar(2, DataType.FLOAT, "two"),
  ]);
  builder.output(y, DataType.FLOAT, ["batch", 8], "y");
  return builder.build();
}

const input = Float32Array.from({ length: 16 }, (_, i) => (i - 8) / 2);
const expected = Array.from(input, (x) => 2 * Math.log1p(Math.exp(x)));

function expectClose(actual: ArrayLike<number>, wanted: readonly number[], tolerance: number) {
  expect(actual.length).toBe(wanted.length);
  for (let i = 0; i < wanted.length; i++)
    expect(Math.abs(actual[i]! - wanted[i]!)).toBeLessThanOrEqual(tolerance);
}

describe("providers in Node", () => {
  it("registers cpu, wasm and webgpu, by priority, and picks cpu first", async () => {
    expect(registeredProviders().map((provider) => provider.name)).toEqual([
      "cpu",
      "wasm",
      "webgpu",
    ]);
    expect((await chooseProvider()).name).toBe("cpu");
  });

  it("says why webgpu is not available when no adapter is found, or runs on it", async () => {
    const webgpu = registeredProviders().find((provider) => provider.name === "webgpu")!;
    const availability = await webgpu.availability();
    if (!availability.available) {
      expect(availability.reason).toMatch(/webgpu/i);
      await expect(chooseProvider(["webgpu"])).rejects.toThrow(
        /no execution provider is available here \(webgpu: /,
      );
    } else {
      const session = await createSession(softplusModel(), { providers: ["webgpu"] });
      expectClose(
        (await session.run({ x: tensor(input, [2, 8]) })).y!.data as Float32Array,
        expected,
        1e-4,
      );
      await session.dispose();
    }
  });

  it("rejects unknown providers by name", async () => {
    await expect(createSession(softplusModel(), { providers: ["tpu"] })).rejects.toThrow(
      /unknown provider "tpu"; registered here: cpu, wasm, webgpu/,
    );
  });
});

describe.each(["cpu", "wasm"])("sessions on %s", (provider) => {
  it("run a model from a path, a file URL, bytes and an @rectify/onnx model, with the same outputs", async () => {
    const path = join(folder, `softplus-${provider}.onnx`);
    await saveModel(softplusModel(), path);
    for (const source of [
      path,
      pathToFileURL(path),
      encodeModel(softplusModel()),
      softplusModel(),
    ]) {
      const session = await createSession(source, { providers: [provider] });
      expect(session.provider).toBe(provider);
      expect(session.inputs.map((declaration) => declaration.name)).toEqual(["x"]);
      const outputs = await session.run({ x: tensor(input, [2, 8]) });
      expectClose(outputs.y!.data as Float32Array, expected, 1e-5);
      expect(outputs.y!.dims).toEqual([2, 8]);
      expect(session.lastRunMilliseconds).toBeGreaterThan(0);
      await session.dispose();
      await session.dispose();
      await expect(session.run({ x: tensor(input, [2, 8]) })).rejects.toThrow(/disposed/);
    }
  });

  it("validate inputs against the declared ones, naming the input and the expected shape", async () => {
    const session = await createSession(softplusModel(), { providers: [provider], warmup: 2 });
    expect(session.timings).toHaveLength(2);
    const cases: [Record<string, ReturnType<typeof tensor>>, RegExp][] = [
      [{}, /input "x" is missing: expected float32 \[batch, 8\]/],
      [
        { x: tensor(input, [2, 8]), z: tensor(input, [2, 8]) },
        /the model has no input "z"; its inputs: x/,
      ],
      [
        { x: tensor(Float64Array.from(input), [2, 8]) },
        /input "x" is float64, expected float32 \[batch, 8\]/,
      ],
      [
        { x: tensor(input, [16]) },
        /input "x" has rank 1 \(\[16\]\), expected float32 \[batch, 8\]|rank 1/,
      ],
      [
        { x: tensor(input, [4, 4]) },
        /input "x" has dims \[4, 4\], expected \[batch, 8\] \(axis 1 must be 8\)/,
      ],
    ];
    for (const [feeds, message] of cases) {
      const error = await session.run(feeds).catch((caught: unknown) => caught);
      expect(isRuntimeError(error, "INPUT_INVALID"), String(message)).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
    await session.dispose();
  });

  it("rewrite on load for the provider's profile, and say what was rewritten and what falls back", async () => {
    const session = await createSession(softplusModel(), {
      providers: [provider],
      rewrite: { budget: 1e-3 },
    });
    expect(session.rewrite).toBeDefined();
    expect(session.fallback.before).toEqual([]);
    const outputs = await session.run({ x: tensor(input, [2, 8]) });
    expectClose(
      outputs.y!.data as Float32Array,
      expected,
      2 * (session.rewrite!.maxPredictedError + 1e-5),
    );
    await session.dispose();
  });

  it("implement the rewriter's Evaluator", async () => {
    const evaluator = createEvaluator({ provider });
    expect(evaluator.name).toContain(provider);
    // A bare name is the provider, not options without one (which meant cpu).
    expect(createEvaluator(provider).name).toBe(evaluator.name);
    const outputs = await evaluator.run(encodeModel(softplusModel()), { x: tensor(input, [2, 8]) });
    expectClose(outputs.y!.data as Float32Array, expected, 1e-5);
  });
});

describe("malformed models", () => {
  it("get a MODEL_INVALID error, not a crash", async () => {
    const error = await createSession(Uint8Array.of(1, 2, 3, 4), { providers: ["cpu"] }).catch(
      (caught: unknown) => caught,
    );
    expect(isRuntimeError(error, "MODEL_INVALID")).toBe(true);
    const missing = await createSession(join(folder, "missing.onnx")).catch(
      (caught: unknown) => caught,
    );
    expect(isRuntimeError(missing, "MODEL_INVALID")).toBe(true);
    expect((missing as Error).message).toContain("missing.onnx");
  });
});

describe("missing onnxruntime packages", () => {
  it("name the package to install", async () => {
    // A real failed import of a package that is not installed, through the same loader the providers use.
    const load = lazyPackage("onnxruntime-bogus", () => import(["onnxruntime", "bogus"].join("-")));
    const error = await load().catch((caught: unknown) => caught);
    expect(isRuntimeError(error, "PACKAGE_MISSING")).toBe(true);
    expect((error as Error).message).toBe(
      "onnxruntime-bogus is not installed (or failed to load): install it with `npm install onnxruntime-bogus`",
    );
  });
});

describe("hostile arguments and external data", () => {
  it("run(null), an array or a malformed tensor is INPUT_INVALID, never a raw TypeError", async () => {
    const session = await createSession(softplusModel(), { providers: ["cpu"] });
    const bad: unknown[] = [
      null,
      undefined,
      [],
      "x",
      { x: null },
      { x: { type: "float32", dims: null, data: input } },
      { x: { type: "float32", dims: [2, 8], data: [1, 2] } },
    ];
    for (const feeds of bad) {
      const error = await session
        .run(feeds as Parameters<typeof session.run>[0])
        .catch((caught: unknown) => caught);
      expect(isRuntimeError(error, "INPUT_INVALID"), JSON.stringify(feeds) ?? "undefined").toBe(
        true,
      );
    }
    expect(
      ((await session.run(null as never).catch((caught: unknown) => caught)) as Error).message,
    ).toMatch(/feeds must be an object keyed by input name, got null; pass e\.g\. \{ x: /);
    await session.dispose();
  });

  it("times models side by side in turns, with onnxruntime's threads stopping their spin after each run, and runs them as configured", async () => {
    // Spinning threads of the sessions waiting their turn take the cores from the one running
    // (evaluator.ts has the measurements); a single run keeps onnxruntime's default.
    const cpu = providerNamed("cpu");
    const seen: BackendOptions[] = [];
    const recording: ExecutionProvider = {
      ...cpu,
      name: "recording-cpu",
      createSession: (model, options) => {
        seen.push(options);
        return cpu.createSession(model, options);
      },
    };
    const evaluator = evaluatorWith(new ProviderRegistry([recording]), "recording-cpu");
    const bytes = encodeModel(softplusModel());
    const feeds = { x: tensor(input, [2, 8]) };
    const timed = await evaluator.compareLatency([{ name: "softplus", bytes }], feeds, {
      control: true,
      warmup: 1,
      minRounds: 3,
      maxRounds: 3,
    });
    expect(timed.rounds).toBe(3);
    expect(seen.map((options) => options.sideBySide)).toEqual([true, true]);
    expectClose((await evaluator.run(bytes, feeds)).y!.data as Float32Array, expected, 1e-5);
    expect(seen[2]!.sideBySide).toBeUndefined();
  });

  it("runs a model with external data from a path or through the evaluator, whatever the working directory", async () => {
    const modelFolder = join(folder, "external");
    mkdirSync(modelFolder);
    const builder = new ModelBuilder({ opset: 17, seed: 2 });
    const x = builder.input("x", DataType.FLOAT, ["batch", 8]);
    const scale = builder.constant(DataType.FLOAT, [8], [1, 2, 3, 4, 5, 6, 7, 8], "scale");
    builder.output(builder.op("Mul", [x, scale]), DataType.FLOAT, ["batch", 8], "y");
    const path = join(modelFolder, "scaled.onnx");
    await saveModel(builder.build(), path, { externalData: { threshold: 0 } });
    expect(process.cwd()).not.toBe(modelFolder);
    const wanted = Array.from(input, (value, i) => value * ((i % 8) + 1));

    const session = await createSession(path, { providers: ["cpu"] });
    expectClose(
      (await session.run({ x: tensor(input, [2, 8]) })).y!.data as Float32Array,
      wanted,
      0,
    );
    await session.dispose();

    // The rewriter hands the evaluator bytes whose weights still point at scaled.onnx.data.
    const bytes = encodeModel(await loadModel(path));
    const feeds = { x: tensor(input, [2, 8]) };
    const withFolder = await createEvaluator({ provider: "cpu", modelFolder }).run(bytes, feeds);
    expectClose(withFolder.y!.data as Float32Array, wanted, 0);
    // Without the folder onnxruntime looks in the working directory, and fails.
    await expect(createEvaluator({ provider: "cpu" }).run(bytes, feeds)).rejects.toThrow();
  });
});
