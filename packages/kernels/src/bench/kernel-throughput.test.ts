// The measuring functions of @rectify/kernels/bench on the real WASM module:
// they return data for what was asked, and refuse what cannot be measured.
// Speed itself is not asserted (timed tests are flaky): only that rates exist.
import { describe, expect, it } from "vitest";
import { KernelsError } from "../errors/kernels-error.js";
import { benchmarkIds, measureKernelThroughput, measureOpFloor } from "./index.js";

const positiveFinite = (value: number) => Number.isFinite(value) && value > 0;

describe("measureKernelThroughput", () => {
  it("measures the given ids at the given size: positive finite rates for JS, WASM and both copies", async () => {
    const progress: [number, number][] = [];
    const result = await measureKernelThroughput({
      sizes: [4096],
      rounds: 1,
      ids: ["softplus", "squareplus"],
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(result.sizes).toEqual([4096]);
    expect(result.rounds).toBe(1);
    expect(result.rows.map((row) => [row.id, row.kind, row.size, row.rounds])).toEqual([
      ["softplus", "activation", 4096, 1],
      ["squareplus", "activation", 4096, 1],
    ]);
    for (const row of result.rows)
      for (const rate of [row.js, row.wasm, row.copyJs, row.copyWasm])
        expect(positiveFinite(rate), `${row.id}: ${rate}`).toBe(true);
    expect(result.rows.map((row) => row.transcendental)).toEqual([true, false]);
    expect(progress).toEqual([
      [1, 2],
      [2, 2],
    ]);
    // Plain data: survives JSON unchanged.
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it("measures approximations and reducing activations under their ids", async () => {
    const ids = ["softmax", "softplus-squaring{n=4,k=1,terms=2}"];
    const result = await measureKernelThroughput({
      sizes: [1024],
      rounds: 1,
      ids,
      minimumMilliseconds: 2,
    });
    expect(result.rows.map((row) => [row.id, row.kind])).toEqual([
      ["softmax", "activation"],
      ["softplus-squaring{n=4,k=1,terms=2}", "approximation"],
    ]);
    for (const row of result.rows)
      expect(positiveFinite(row.wasm) && positiveFinite(row.js)).toBe(true);
    expect(benchmarkIds()).toEqual(expect.arrayContaining(ids));
  });

  it("names an unknown id in an UNKNOWN_ACTIVATION error", async () => {
    const attempt = measureKernelThroughput({
      sizes: [4096],
      rounds: 1,
      ids: ["relu", "no-such-kernel"],
    });
    await expect(attempt).rejects.toBeInstanceOf(KernelsError);
    await expect(attempt).rejects.toMatchObject({ code: "UNKNOWN_ACTIVATION" });
    await expect(attempt).rejects.toThrow(/"no-such-kernel"/);
  });

  it("refuses sizes that are not multiples of 64 and rounds below 1 with INPUT_INVALID", async () => {
    await expect(measureKernelThroughput({ sizes: [100], ids: ["relu"] })).rejects.toMatchObject({
      code: "INPUT_INVALID",
      message: expect.stringMatching(/\[100\]/),
    });
    await expect(measureKernelThroughput({ rounds: 0, ids: ["relu"] })).rejects.toMatchObject({
      code: "INPUT_INVALID",
    });
  });
});

describe("measureOpFloor", () => {
  it("gives the copy and each f32x4 op a positive rate, the copy at 1× itself", async () => {
    const result = await measureOpFloor({ rounds: 1, callsPerRound: 20 });
    expect(result.floats).toBe(65536);
    expect(result.rows.map((row) => row.op)).toEqual([
      "copy",
      "f32x4.mul",
      "f32x4.pmax",
      "f32x4.max",
      "f32x4.div",
      "f32x4.sqrt",
    ]);
    expect(result.rows[0]!.relativeToCopy).toBe(1);
    for (const row of result.rows) {
      expect(positiveFinite(row.elementsPerSecond), row.op).toBe(true);
      expect(row.microsecondsPerCall * row.elementsPerSecond).toBeCloseTo(65536 * 1e6, -3);
    }
  });
});
