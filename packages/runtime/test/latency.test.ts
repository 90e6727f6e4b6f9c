// The latency engine on real onnxruntime sessions in Node. What is asserted is
// the shape and consistency of the result, never a speed: these machines are
// shared, and speed claims come from benchmarks, not unit tests.
import { DataType, encodeModel, ModelBuilder } from "@rectify/onnx";
import { describe, expect, it } from "vitest";
import { compareSessions, createEvaluator, createSession, tensor } from "../src/index.node.js";

function softplusModel(width: number): Uint8Array {
  const builder = new ModelBuilder({ opset: 17 });
  const x = builder.input("x", DataType.FLOAT, [1, width]);
  builder.output(builder.op("Softplus", [x]), DataType.FLOAT, [1, width], "y");
  return encodeModel(builder.build());
}

const feeds = { x: tensor(new Float32Array(4096).fill(0.5), [1, 4096]) };
const quick = { warmup: 2, minRounds: 10, maxRounds: 10, targetMilliseconds: 0 };

describe.each(["cpu", "wasm"])("latency engine on %s", (provider) => {
  it("times two models side by side with a same-model control, through the Evaluator", async () => {
    const evaluator = createEvaluator({ provider, threads: 1 });
    const result = await evaluator.compareLatency(
      [
        { name: "original", bytes: softplusModel(4096) },
        { name: "copy", bytes: softplusModel(4096) },
      ],
      feeds,
      { ...quick, control: true },
    );
    expect(result.rounds).toBe(10);
    expect(result.cases.map((entry) => entry.name)).toEqual(["original", "copy"]);
    for (const entry of result.cases) {
      expect(entry.samples).toHaveLength(10);
      expect(entry.samples.every((ms) => ms > 0 && Number.isFinite(ms))).toBe(true);
      expect(entry.p90).toBeGreaterThanOrEqual(entry.median);
    }
    const [ratio] = result.ratios;
    expect(ratio!.low).toBeLessThanOrEqual(ratio!.ratio);
    expect(ratio!.ratio).toBeLessThanOrEqual(ratio!.high);
    expect(result.noise.control?.name).toBe("original (control)");
    expect(result.noise.cores).toBeGreaterThan(0);
    expect(result.noise.loadBefore).toBeGreaterThanOrEqual(0);
    expect(result.noise.reasons.length > 0).toBe(result.noise.noisy);
  });

  it("compares live sessions", async () => {
    const [a, b] = await Promise.all([
      createSession(softplusModel(4096), { providers: [provider], threads: 1 }),
      createSession(softplusModel(4096), { providers: [provider], threads: 1 }),
    ]);
    try {
      const result = await compareSessions(
        [
          { name: "a", session: a },
          { name: "b", session: b },
        ],
        feeds,
        quick,
      );
      expect(result.ratios[0]!.name).toBe("b");
      // Session.run records each run's time too: every timed and warm-up run went through it.
      expect(a.timings).toHaveLength(12);
    } finally {
      await Promise.all([a.dispose(), b.dispose()]);
    }
  });
});
