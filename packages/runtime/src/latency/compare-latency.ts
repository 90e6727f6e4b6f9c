import { SeededRandom } from "@rectify/onnx";
import type {
  LatencyCase,
  LatencyComparison,
  LatencyNoise,
  LatencyOptions,
  LatencyRatio,
} from "@rectify/rewrite/light";
import { median, quantile, ratioInterval, spread } from "./statistics.js";

/** One thing to time: a name and one run of it. */
export interface TimedCase {
  readonly name: string;
  run(): Promise<unknown>;
}

/** The clock and machine facts the engine reads (a test passes its own clock). */
export interface TimingEnvironment {
  now(): number;
  /** The 1-minute load average, where the platform has one. */
  load?(): number | undefined;
  readonly cores?: number;
}

/** performance.now, and in Node the load average and core count (read without importing node:os, so browsers bundle this as is). */
export function platformEnvironment(): TimingEnvironment {
  const process = (
    globalThis as {
      process?: {
        getBuiltinModule?(name: string): unknown;
      };
    }
  ).process;
  const os = process?.getBuiltinModule?.("node:os") as
    | { loadavg(): number[]; availableParallelism?(): number; cpus(): unknown[] }
    | undefined;
  const browserCores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
    ?.hardwareConcurrency;
  const cores = os ? (os.availableParallelism?.() ?? os.cpus().length) : browserCores;
  return {
    now: () => performance.now(),
    ...(os ? { load: () => os.loadavg()[0] } : {}),
    ...(cores !== undefined ? { cores } : {}),
  };
}

/** Default settings, also what the report states. */
export const latencyDefaults = {
  warmup: 5,
  minRounds: 20,
  maxRounds: 200,
  targetMilliseconds: 2000,
} as const;

// Past these, a comparison is flagged noisy (and says why).
const spreadLimit = 0.2;
const controlLimit = 0.05;

/**
 * The order of each round: a seeded shuffle of the cases, never starting with
 * the case the round before ended with. A run right after another run of the
 * same session finds its weights and buffers in cache, and the engine's
 * threads awake: measured 2026-12-03 on a 0.4 ms CNN (onnxruntime-node, 8
 * sessions of one model), the forward-then-reverse order used before, which
 * runs the first and last cases twice in a row at every turn, made those two
 * read 3–5% faster than the six between them. Shuffled, every case follows
 * every other (and never itself) equally often on average.
 */
export function roundOrders(count: number, seed = 20261203): () => number[] {
  const random = new SeededRandom(seed);
  let last = -1;
  return () => {
    const order = Array.from({ length: count }, (_, index) => index);
    for (let i = count - 1; i > 0; i--) {
      const j = random.int(0, i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    if (count > 1 && order[0] === last) {
      const swap = 1 + random.int(0, count - 1);
      [order[0], order[swap]] = [order[swap]!, order[0]!];
    }
    last = order[count - 1]!;
    return order;
  };
}

/**
 * Times cases side by side: a warm-up, then rounds that run every case once,
 * each round in a new shuffled order (roundOrders), so each follows the others
 * equally often and slow drift (thermal, other processes) hits all alike. Each case after the
 * first is compared with the first by the ratio of medians and its paired
 * bootstrap interval. `control`, when given, is a second instance of the
 * first case (a second session of the same model): its ratio should read 1,
 * and how far it is from 1 is the noise floor of the other ratios.
 */
export async function compareLatency(
  cases: readonly TimedCase[],
  options: LatencyOptions & { readonly controlCase?: TimedCase } = {},
  environment: TimingEnvironment = platformEnvironment(),
): Promise<LatencyComparison> {
  if (cases.length === 0) throw new RangeError("compareLatency needs at least one case");
  const warmup = options.warmup ?? latencyDefaults.warmup;
  const minRounds = options.minRounds ?? latencyDefaults.minRounds;
  const maxRounds = Math.max(minRounds, options.maxRounds ?? latencyDefaults.maxRounds);
  const target = options.targetMilliseconds ?? latencyDefaults.targetMilliseconds;
  const all = options.controlCase ? [...cases, options.controlCase] : [...cases];
  const loadBefore = environment.load?.();
  for (let i = 0; i < warmup; i++) for (const entry of all) await entry.run();
  const samples = all.map(() => [] as number[]);
  const started = environment.now();
  let rounds = 0;
  const order = roundOrders(all.length, options.seed);
  const turn = Math.max(1, Math.floor(options.turn ?? 1));
  const times: number[] = [];
  while (rounds < maxRounds && (rounds < minRounds || environment.now() - started < target)) {
    for (const index of order()) {
      times.length = 0;
      for (let run = 0; run < turn; run++) {
        const before = environment.now();
        await all[index]!.run();
        // With turns, the first run of each is the warm-up after the other cases.
        if (turn === 1 || run > 0) times.push(environment.now() - before);
      }
      samples[index]!.push(times.length === 1 ? times[0]! : median(times));
    }
    rounds++;
  }
  const elapsedMilliseconds = environment.now() - started;
  const loadAfter = environment.load?.();
  const timed: LatencyCase[] = all.map((entry, index) => ({
    name: entry.name,
    samples: samples[index]!,
    median: median(samples[index]!),
    p90: quantile(samples[index]!, 0.9),
    spread: spread(samples[index]!),
  }));
  const baseline = timed[0]!;
  const ratio = (other: LatencyCase): LatencyRatio => {
    const value = other.median / baseline.median;
    const [low, high] = ratioInterval(
      baseline.samples,
      other.samples,
      options.seed !== undefined ? { seed: options.seed } : {},
    );
    return {
      name: other.name,
      baseline: baseline.name,
      ratio: value,
      low,
      high,
      speedup: 1 / value,
      speedupLow: 1 / high,
      speedupHigh: 1 / low,
    };
  };
  const control = options.controlCase ? ratio(timed.at(-1)!) : undefined;
  const reported = options.controlCase ? timed.slice(0, -1) : timed;
  return {
    cases: reported,
    ratios: reported.slice(1).map(ratio),
    noise: noiseOf(timed, control, loadBefore, loadAfter, environment.cores),
    warmup,
    rounds,
    elapsedMilliseconds,
  };
}

function noiseOf(
  cases: readonly LatencyCase[],
  control: LatencyRatio | undefined,
  loadBefore: number | undefined,
  loadAfter: number | undefined,
  cores: number | undefined,
): LatencyNoise {
  const reasons: string[] = [];
  const peak = Math.max(loadBefore ?? 0, loadAfter ?? 0);
  if (cores !== undefined && peak > cores)
    reasons.push(
      `load average ${peak.toFixed(1)} on ${cores} cores: other work competed for the CPU`,
    );
  for (const entry of cases)
    if (entry.spread > spreadLimit)
      reasons.push(
        `runs of ${entry.name} scatter by ${(entry.spread * 100).toFixed(0)}% (interquartile range over median)`,
      );
  if (control && (control.low > 1 + controlLimit || control.high < 1 - controlLimit))
    reasons.push(
      `the same-model control read ${control.ratio.toFixed(3)} (${control.low.toFixed(3)}–${control.high.toFixed(3)}), not 1: differences of that size mean nothing here`,
    );
  return {
    ...(loadBefore !== undefined ? { loadBefore } : {}),
    ...(loadAfter !== undefined ? { loadAfter } : {}),
    ...(cores !== undefined ? { cores } : {}),
    ...(control ? { control } : {}),
    noisy: reasons.length > 0,
    reasons,
  };
}
