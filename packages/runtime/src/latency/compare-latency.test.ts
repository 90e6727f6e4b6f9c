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
  it("warms up, then runs every case once a round in a shuffled order, and reports the ratio with its interval", async () => {
    const machine = virtualMachine();
    const result = await compareLatency(
      [machine.timedCase("original", 10), machine.timedCase("optimized", 5)],
      { warmup: 2, minRounds: 4, maxRounds: 4, targetMilliseconds: 0 },
      machine.environment,
    );
    // Warm-up in the given order; then 4 rounds of both cases, none starting with the case the last ended with.
    expect(machine.order.slice(0, 4)).toEqual(["original", "optimized", "original", "optimized"]);
    const rounds = [4, 6, 8, 10].map((start) => machine.order.slice(start, start + 2));
    for (const round of rounds) expect([...round].sort()).toEqual(["optimized", "original"]);
    for (let i = 1; i < rounds.length; i++) expect(rounds[i]![0]).not.toBe(rounds[i - 1]![1]);
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

  it("gives no case a place in the order that favours it: a run right after the same session is faster, yet copies of one model read 1", async () => {
    // A machine where a session's run right after its own previous run is 5% faster (warm cache), as
    // measured on onnxruntime-node: with forward-then-reverse rounds the first and last cases got that
    // at every turn and read ~3% faster than the cases between them.
    let clock = 0;
    let previous = "";
    const random = new SeededRandom(5);
    const environment: TimingEnvironment = { now: () => clock };
    const copy = (name: string): TimedCase => ({
      name,
      async run() {
        clock += 10 * (previous === name ? 0.95 : 1) * (1 + 0.01 * (random.next() - 0.5));
        previous = name;
      },
    });
    const result = await compareLatency(
      Array.from({ length: 8 }, (_, index) => copy(`copy ${index}`)),
      { warmup: 1, minRounds: 400, maxRounds: 400 },
      environment,
    );
    for (const ratio of result.ratios) {
      expect(ratio.ratio).toBeGreaterThan(0.995);
      expect(ratio.ratio).toBeLessThan(1.005);
    }
  });

  it("with turns, runs each case several times in a row and counts the median of all but the first", async () => {
    // A machine where a run after another model's is 30% slower (cold caches): with turns of 5, each
    // round's time is that of the warm runs, so the ratio is the models' own, 0.5.
    let clock = 0;
    let previous = "";
    const order: string[] = [];
    const cost: Record<string, number> = { original: 10, optimized: 5 };
    const environment: TimingEnvironment = { now: () => clock };
    const timed = (name: string): TimedCase => ({
      name,
      async run() {
        order.push(name);
        clock += cost[name]! * (previous === name ? 1 : 1.3);
        previous = name;
      },
    });
    const result = await compareLatency(
      [timed("original"), timed("optimized")],
      { warmup: 1, minRounds: 6, maxRounds: 6, targetMilliseconds: 0, turn: 5 },
      environment,
    );
    expect(order).toHaveLength(2 + 6 * 2 * 5);
    for (let turn = 2; turn < order.length; turn += 5)
      expect(new Set(order.slice(turn, turn + 5)).size).toBe(1);
    expect(result.cases.map((entry) => entry.samples)).toEqual([
      Array(6).fill(10),
      Array(6).fill(5),
    ]);
    expect(result.ratios[0]!.ratio).toBeCloseTo(0.5, 12);
    // One run a turn: every run follows the other model, cold, and counts.
    clock = 0;
    const single = await compareLatency(
      [timed("original"), timed("optimized")],
      { warmup: 1, minRounds: 6, maxRounds: 6, targetMilliseconds: 0 },
      environment,
    );
    expect(single.cases[0]!.median).toBeCloseTo(13, 12);
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
