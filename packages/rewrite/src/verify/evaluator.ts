// The rewriter verifies by running models through this interface only, so it
// stays usable where no onnxruntime is installed; @rectify/runtime (and tests)
// implement it. Nothing here may import onnxruntime.

/** Element types feeds and outputs carry, named as onnxruntime-common names them. */
export type FeedType =
  | "float32"
  | "float64"
  | "float16"
  | "int8"
  | "uint8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64"
  | "bool";

/** The typed arrays a FeedTensor's data may be (float16 as raw Uint16Array bits, bool as Uint8Array 0/1). */
export type FeedData =
  | Float32Array
  | Float64Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** A dense tensor in row-major (C) order, as fed to or returned by an Evaluator. */
export interface FeedTensor {
  readonly type: FeedType;
  readonly dims: readonly number[];
  readonly data: FeedData;
}

/** Named model inputs (or outputs). */
export type Feeds = Readonly<Record<string, FeedTensor>>;

/** Runs serialized models; the rewriter measures accuracy with it. */
export interface Evaluator {
  /** Short name for reports, e.g. "onnxruntime-node 1.30.0 (cpu)". */
  readonly name: string;
  /** Runs the serialized model on `feeds` and returns every graph output by name. */
  run(model: Uint8Array, feeds: Feeds): Promise<Record<string, FeedTensor>>;
}

/** Runs serialized models; the rewriter measures accuracy with it, and speed when it can time. */
export interface TimingEvaluator extends Evaluator {
  /**
   * Times `models` side by side on `feeds` (warm-up, then interleaved rounds)
   * and compares each with the first. @rectify/runtime's latency engine
   * implements it; the rewriter never imports the runtime.
   */
  compareLatency(
    models: readonly { readonly name: string; readonly bytes: Uint8Array }[],
    feeds: Feeds,
    options?: LatencyOptions,
  ): Promise<LatencyComparison>;
}

/** One node as the engine ran it, after its own graph optimizations (fusions, layout changes). */
export interface EngineNode {
  /** The node's name in the engine's graph (fused nodes get new names, often derived from an original node's). */
  readonly name: string;
  readonly opType: string;
  /** "" for ONNX's default domain, else e.g. "com.microsoft". */
  readonly domain: string;
  /** Tensor names read and written, when the engine's optimized graph was available (empty otherwise). */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Median over the profiled runs of this node's kernel milliseconds per run (0 when the profiler never timed it). */
  readonly milliseconds: number;
}

/** Where an engine spends a model's run, node by node (onnxruntime's profiler). */
export interface EngineProfile {
  /** The nodes the engine ran, in the order of the optimized graph (or of first appearance in the profile). */
  readonly nodes: readonly EngineNode[];
  /** Median over runs of the sum of all nodes' kernel milliseconds. */
  readonly kernelMilliseconds: number;
  /** Median wall-clock milliseconds of one profiled run. */
  readonly runMilliseconds: number;
  /** Profiled runs (after warm-up). */
  readonly runs: number;
  /** True when node inputs and outputs come from the engine's optimized graph; false: names and op types only. */
  readonly graph: boolean;
}

/** How a profile is taken. */
export interface ProfileOptions {
  /** Runs before profiling starts to count (default 3). */
  readonly warmup?: number;
  /** Profiled runs (default 10). */
  readonly runs?: number;
}

/** A timing evaluator that can also say where time goes inside a model. */
export interface ProfilingEvaluator extends TimingEvaluator {
  /** Runs the model with the engine's profiler on and returns each node's kernel time. */
  profile(model: Uint8Array, feeds: Feeds, options?: ProfileOptions): Promise<EngineProfile>;
}

/** Whether an Evaluator can profile models (has profile). */
export function canProfile(evaluator: Evaluator): evaluator is ProfilingEvaluator {
  return (
    canTime(evaluator) && typeof (evaluator as Partial<ProfilingEvaluator>).profile === "function"
  );
}

/** Whether an Evaluator can time models (has compareLatency). */
export function canTime(evaluator: Evaluator): evaluator is TimingEvaluator {
  return typeof (evaluator as Partial<TimingEvaluator>).compareLatency === "function";
}

/** How a latency comparison runs. */
export interface LatencyOptions {
  /** Runs of each case before timing (default 5). */
  readonly warmup?: number;
  /** Timed rounds at least (default 20); each round runs every case once (or `turn` times), in a shuffled order. */
  readonly minRounds?: number;
  /** Timed rounds at most (default 200). */
  readonly maxRounds?: number;
  /** Keep adding rounds (up to maxRounds) until this many milliseconds have passed (default 2000). */
  readonly targetMilliseconds?: number;
  /** Also time a second session of the first model: a same-model control whose ratio should read 1. */
  readonly control?: boolean;
  /** Seed of the bootstrap resampling (default fixed, so an interval repeats run to run). */
  readonly seed?: number;
  /**
   * Runs of a case in a row at its turn in each round (default 1; an evaluator
   * may choose more for its provider). With more than one, the first warms the
   * case back up after the others ran (caches, threads) and is not counted,
   * and the median of the rest is the round's time.
   */
  readonly turn?: number;
}

/** The timings of one case. */
export interface LatencyCase {
  readonly name: string;
  /** Milliseconds of each timed run, in round order. */
  readonly samples: readonly number[];
  readonly median: number;
  readonly p90: number;
  /** Interquartile range over the median: how much the runs scatter. */
  readonly spread: number;
}

/** One case against the baseline: median(case) / median(baseline), with its 95% bootstrap interval. */
export interface LatencyRatio {
  readonly name: string;
  readonly baseline: string;
  /** Time ratio: below 1 is faster than the baseline. */
  readonly ratio: number;
  readonly low: number;
  readonly high: number;
  /** 1 / ratio, and its interval (1/high … 1/low). */
  readonly speedup: number;
  readonly speedupLow: number;
  readonly speedupHigh: number;
}

/** What the machine did while timing, and whether the result can be trusted. */
export interface LatencyNoise {
  /** Load average (1 min) before and after, where the platform reports it. */
  readonly loadBefore?: number;
  readonly loadAfter?: number;
  /** Logical CPUs, where known. */
  readonly cores?: number;
  /** The same-model control's ratio, when asked for: it should contain 1. */
  readonly control?: LatencyRatio;
  /** True when any reason below applies. */
  readonly noisy: boolean;
  /** Why the timings are doubtful, in words. */
  readonly reasons: readonly string[];
}

/** A side-by-side timing of cases; ratios compare each with the first. */
export interface LatencyComparison {
  readonly cases: readonly LatencyCase[];
  readonly ratios: readonly LatencyRatio[];
  readonly noise: LatencyNoise;
  readonly warmup: number;
  readonly rounds: number;
  readonly elapsedMilliseconds: number;
}
