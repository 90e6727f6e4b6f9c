// The measurement core on real onnxruntime-node: accuracy figures, feeds,
// the Pareto front, and one original/optimized pair timed by the runtime's
// latency engine.
import { decodeModel } from "@rectify/onnx";
import { createSession } from "@rectify/runtime";
import { describe, expect, it } from "vitest";
import { compareAccuracy } from "../src/measure/accuracy.js";
import { feedSpecOf, feedsFromSpec } from "../src/measure/feeds.js";
import { measurePair } from "../src/measure/measure-pair.js";
import { optimizeFor } from "../src/measure/optimize-for.js";
import { paretoFront } from "../src/measure/pareto.js";
import { torchModels } from "../src/zoo/files.js";
import { generatedModels } from "../src/zoo/generated.js";

const f32 = (dims: number[], values: number[]) => ({
  type: "float32" as const,
  dims,
  data: Float32Array.from(values),
});

describe("compareAccuracy", () => {
  it("measures max |error|, the lowest cosine and top-1 agreement over rows", () => {
    const original = { logits: f32([2, 3], [1, 2, 3, 3, 2, 1]), score: f32([1], [2]) };
    const optimized = { logits: f32([2, 3], [1, 2, 3, 1, 2, 3]), score: f32([1], [2.5]) };
    const accuracy = compareAccuracy(original, optimized);
    expect(accuracy.maxAbs).toBe(2);
    // Row 2 flipped its argmax; the scalar output has no classes.
    expect(accuracy.top1).toBe(0.5);
    expect(accuracy.cosine).toBeCloseTo(24 / 28, 6);
    expect(accuracy.nonFinite).toBe(0);
  });

  it("counts NaN on one side only and then gives no max |error|", () => {
    const accuracy = compareAccuracy({ y: f32([2], [1, 2]) }, { y: f32([2], [1, Number.NaN]) });
    expect(accuracy.nonFinite).toBe(1);
    expect(accuracy.maxAbs).toBeNull();
    expect(
      compareAccuracy({ y: f32([1], [Number.NaN]) }, { y: f32([1], [Number.NaN]) }).nonFinite,
    ).toBe(0);
  });

  it("fails naming an output the optimized model lacks", () => {
    expect(() => compareAccuracy({ y: f32([1], [1]) }, {})).toThrow(/no output y/);
  });
});

describe("paretoFront", () => {
  it("keeps the points no other point beats on both error and speed", () => {
    const front = paretoFront([
      { error: 1e-5, speedup: 0.9 },
      { error: 1e-3, speedup: 1.2 },
      { error: 1e-3, speedup: 1.1 },
      { error: 1e-1, speedup: 1.2 },
      { error: 1e-2, speedup: 1.5 },
    ]);
    expect(front).toEqual([true, true, false, false, true]);
  });
});

describe("feeds", () => {
  it("sizes random inputs and gives control inputs by value (stateful-vad's int64 sr)", async () => {
    const vad = torchModels().find((model) => model.id === "torch/stateful-vad");
    expect(vad).toBeDefined();
    const model = decodeModel(await vad!.load());
    const spec = feedSpecOf(vad!);
    // Plain JSON: it crosses into the browser page.
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    const feeds = feedsFromSpec(model, spec);
    expect(feeds.sr).toEqual({ type: "int64", dims: [], data: BigInt64Array.of(16000n) });
    expect(feeds.input!.dims).toEqual([1, 512]);
    expect(feeds.state!.dims).toEqual([2, 1, 64]);
    // Seeded: the same feeds every time.
    expect(feedsFromSpec(model, spec).input!.data).toEqual(feeds.input!.data);
  });
});

describe("measurePair", () => {
  it("measures an optimized generated model against its original on cpu", async () => {
    const zoo = generatedModels().find((model) => model.id === "mlp-gelu")!;
    const bytes = await zoo.load();
    const optimized = await optimizeFor(zoo.id, bytes, "algebraic", { budget: 1e-3 });
    expect(optimized.entry.changed).toBe(true);
    expect(optimized.entry.substituted).toBeGreaterThanOrEqual(4);
    expect(optimized.entry.ops.Erf).toBeUndefined();
    const run = await measurePair(createSession, {
      model: zoo.id,
      target: "algebraic",
      provider: "cpu",
      environment: "node",
      original: bytes,
      optimized: optimized.bytes!,
      feeds: feedsFromSpec(decodeModel(bytes), feedSpecOf(zoo)),
      latency: { warmup: 1, minRounds: 5, maxRounds: 5, targetMilliseconds: 0, control: true },
    });
    expect(run.status, run.error).toBe("measured");
    // 4 GELUs within 1e-3 each, through 256-wide layers: well under 1e-2 at the softmax output.
    expect(run.accuracy!.maxAbs).toBeGreaterThan(0);
    expect(run.accuracy!.maxAbs).toBeLessThan(1e-2);
    expect(run.accuracy!.top1).toBeGreaterThan(0.9);
    expect(run.latency!.rounds).toBe(5);
    expect(run.latency!.speedupLow).toBeLessThanOrEqual(run.latency!.speedup);
    expect(run.latency!.speedupHigh).toBeGreaterThanOrEqual(run.latency!.speedup);
    expect(run.latency!.control).toBeDefined();
    expect(run.fallback!.predicted).toEqual({ original: 0, optimized: 0 });
  });

  it("reports a model the provider cannot load as failed, with the runtime's code", async () => {
    const run = await measurePair(createSession, {
      model: "broken",
      target: "algebraic",
      provider: "cpu",
      environment: "node",
      original: new Uint8Array([1, 2, 3]),
      optimized: new Uint8Array([1, 2, 3]),
      feeds: {},
      latency: { minRounds: 1 },
    });
    expect(run.status).toBe("failed");
    expect(run.error).toMatch(/^MODEL_INVALID/);
  });
});
