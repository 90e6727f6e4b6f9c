// The engine's logic on a virtual clock: each case's run advances the clock by
// its own cost (with seeded jitter), so order, warm-up, rounds and the noise
// verdicts are checked exactly, with no wall-clock timing in a unit test.

import { SeededRandom } from "@rectify/onnx";
import { describe, expect, it } from "vitest";
import { compareLatency, type TimedCase, type TimingEnvironment } from "./compare-latency.js";

function virtualMachine(options: { load?: number; cores?: number } = {}) {
  let clock = 0;
  const order: string[] = [];
  const random = new SeededRandom(3);
  const environment: TimingEnvironment = {
    now: () => clock,
    ...(options.load !== undefined ? { load: () => options.load } : {}),
    ...(options.cores !== undefined ? { cores: options.cores } : {}),
  };
  const timedCase = (name: string, milliseconds: number, jitter = 0.02): TimedCase => ({
    name,
    async run() {
      order.push(name);
      clock += milliseconds * (1 + jitter * (random.next() - 0.5));
    },
  });
  return { environment, order, timedCase };
}

describe("compareLatency (virtual clock)", () => {
  it("warms up, then alternates the order round by round, and reports the ratio with its interval", async () => {
    const machine = virtualMachine();
    const result = await compareLatency(
      [machine.timedCase("original", 10), machine.timedCase("optimized", 5)],
      { warmup: 2, minRounds: 4, maxRounds: 4, targetMilliseconds: 0 },
      machine.environment,
    );
    expect(machine.order).toEqual([
      ...["original", "optimized", "original", "optimized"], // warm-up
      ...["original", "optimized", "optimized", "original"],
      ...["original", "optimized", "optimized", "original"],
    ]);
    expect(result.rounds).toBe(4);
    expect(result.warmup).toBe(2);
    expect(result.cases.map((entry) => entry.samples.length)).toEqual([4, 4]);
    const [ratio] = result.ratios;
    expect(ratio).toMatchObject({ name: "optimized", baseline: "original" });
    expect(ratio!.ratio).toBeCloseTo(0.5, 1);
    expect(ratio!.low).toBeLessThanOrEqual(ratio!.ratio);
    expect(ratio!.high).toBeGreaterThanOrEqual(ratio!.ratio);
    expect(ratio!.speedup).toBeCloseTo(1 / ratio!.ratio, 12);
    expect(ratio!.speedupLow).toBeCloseTo(1 / ratio!.high, 12);
    expect(result.noise).toEqual({ noisy: false, reasons: [] });
  });

  it("adds rounds until the target time has passed, within minRounds … maxRounds", async () => {
    const machine = virtualMachine();
    const cases = [machine.timedCase("a", 10), machine.timedCase("b", 10)];
    const byTime = await compareLatency(
      cases,
      { warmup: 0, minRounds: 3, maxRounds: 100, targetMilliseconds: 200 },
      machine.environment,
    );
    // Each round costs ~20 ms of virtual time: rounds stop once 200 ms have passed.
    expect(byTime.rounds).toBeGreaterThanOrEqual(10);
    expect(byTime.rounds).toBeLessThanOrEqual(11);
    const capped = await compareLatency(
      cases,
      { warmup: 0, minRounds: 3, maxRounds: 5, targetMilliseconds: 10_000 },
      machine.environment,
    );
    expect(capped.rounds).toBe(5);
  });

  it("a same-model control that reads 1 keeps the verdict clean; one that does not flags the result", async () => {
    const machine = virtualMachine();
    const cases = [machine.timedCase("original", 10), machine.timedCase("optimized", 8)];
    const clean = await compareLatency(
      cases,
      { warmup: 0, minRounds: 30, maxRounds: 30, controlCase: machine.timedCase("control", 10) },
      machine.environment,
    );
    expect(clean.cases.map((entry) => entry.name)).toEqual(["original", "optimized"]);
    expect(clean.noise.control!.low).toBeLessThanOrEqual(1.05);
    expect(clean.noise.control!.high).toBeGreaterThanOrEqual(0.95);
    expect(clean.noise.noisy).toBe(false);
    const drifting = await compareLatency(
      cases,
      { warmup: 0, minRounds: 30, maxRounds: 30, controlCase: machine.timedCase("control", 12) },
      machine.environment,
    );
    expect(drifting.noise.noisy).toBe(true);
    expect(drifting.noise.reasons.join("\n")).toMatch(/same-model control read 1\.(19|2)\d*/);
  });

  it("flags load above the core count and runs that scatter", async () => {
    const machine = virtualMachine({ load: 6.5, cores: 2 });
    const result = await compareLatency(
      [machine.timedCase("steady", 10), machine.timedCase("erratic", 10, 1.5)],
      { warmup: 0, minRounds: 40, maxRounds: 40 },
      machine.environment,
    );
    expect(result.noise).toMatchObject({ loadBefore: 6.5, loadAfter: 6.5, cores: 2, noisy: true });
    expect(result.noise.reasons[0]).toBe(
      "load average 6.5 on 2 cores: other work competed for the CPU",
    );
    expect(result.noise.reasons[1]).toMatch(/^runs of erratic scatter by \d+%/);
    expect(result.noise.reasons).toHaveLength(2);
  });

  it("needs a case", async () => {
    await expect(compareLatency([])).rejects.toThrow(RangeError);
  });
});
