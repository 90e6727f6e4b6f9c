// @rectify/runtime's Session.run against a raw onnxruntime InferenceSession.run,
// side by side in one process: cpu (onnxruntime-node) and wasm (onnxruntime-web
// in Node). The model is a MatMul + Softplus whose width is tuned until a raw
// run takes ~1 ms on each provider; the runtime's latency engine
// (compareLatency) runs the cases after a warm-up in turns (forward, then
// reverse order, round after round) and compares the medians. Target: the wrapper adds ≤ 2% of the raw median.
//   pnpm --filter @rectify/runtime bench [--json] [--rounds 3000] [--threads 1]
//     [--target-ms 1] [--width N] [--providers cpu,wasm] [--breakdown]
//
// The wrapper runs on the very native session the raw side runs: its
// createSession is called while the package's InferenceSession.create hands
// back the raw session (and records the options the wrapper asked for, which
// must match the raw ones). Two sessions of the same bytes and options can
// differ by far more than the wrapper costs: 100-290 µs of a ~1 ms run on
// onnxruntime-node in some processes here, ~10 µs in others (--breakdown's A/A
// row measures it).
// The raw side runs prebuilt ort.Tensor feeds, so everything the wrapper does
// per run (feed validation, tensor wrapping, output conversion, timing) counts
// as overhead. --breakdown then times the wrapper's layers added one at a
// time on that same session, and a second raw session against the first (A/A).
// The script imports the source (tsx compiles it as tsup would), so it measures
// the working tree without a build.
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { DataType, encodeModel, ModelBuilder } from "@rectify/onnx";
import type { Feeds } from "@rectify/rewrite";
import * as ortNode from "onnxruntime-node";
import * as ortWeb from "onnxruntime-web";
import {
  compareLatency,
  createSession,
  type LatencyComparison,
  median,
  providerNamed,
  type Session,
  tensor,
  validateFeeds,
} from "../src/index.node.js";

const { values: args } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    rounds: { type: "string", default: "3000" },
    warmup: { type: "string", default: "300" },
    threads: { type: "string", default: "1" },
    "target-ms": { type: "string", default: "1" },
    width: { type: "string" },
    providers: { type: "string", default: "cpu,wasm" },
    breakdown: { type: "boolean", default: false },
  },
});
const limitPercent = 2;
const rows = 16;
/** A positive number option, or exit naming the option. */
function positive(name: string, value: string | undefined): number {
  const number = Number(value);
  if (!(number > 0)) {
    console.error(`bench-overhead: --${name} must be a positive number, got "${value}"`);
    process.exit(2);
  }
  return number;
}
const rounds = Math.round(positive("rounds", args.rounds));
const warmupRuns = Math.round(positive("warmup", args.warmup));
const threads = Math.round(positive("threads", args.threads));
const targetMilliseconds = positive("target-ms", args["target-ms"]);
const fixedWidth = args.width === undefined ? undefined : positive("width", args.width);
const providers = args.providers.split(",").filter(Boolean);
for (const provider of providers) {
  if (provider !== "cpu" && provider !== "wasm") {
    console.error(`bench-overhead: unknown provider "${provider}"; use cpu and/or wasm`);
    process.exit(2);
  }
}
const log = args.json ? () => {} : (line: string) => console.error(line);

type Provider = "cpu" | "wasm";
/** The part of an onnxruntime session both packages share. */
type RawSession = Awaited<ReturnType<typeof ortNode.InferenceSession.create>>;
type RawFeeds = Parameters<RawSession["run"]>[0];
type RawOutputs = Awaited<ReturnType<RawSession["run"]>>;

interface Result {
  provider: Provider;
  model: string;
  width: number;
  /** What the wrapper passed to InferenceSession.create (the raw session got the same). */
  sessionOptions: Record<string, unknown>;
  runs: number;
  rawMedianMs: number;
  rectifyMedianMs: number;
  overheadMicroseconds: number;
  overheadPercent: number;
  /** 95% bootstrap interval of the overhead in µs (difference of medians). */
  overheadInterval: [number, number];
  limitPercent: number;
  pass: boolean;
}

/** One case of --breakdown: its median and how far it is over the raw median. */
interface Breakdown {
  provider: Provider;
  case: string;
  medianMs: number;
  overMicroseconds: number;
  overInterval: [number, number];
}

/** x [16, width] → MatMul W (width × width, seeded) → Softplus → y, as bytes. */
function modelBytes(width: number): Uint8Array {
  const builder = new ModelBuilder({ opset: 17, seed: 7, producerName: "rectify-bench" });
  const x = builder.input("x", DataType.FLOAT, [rows, width]);
  const product = builder.op("MatMul", [x, builder.randomInitializer("w", [width, width])]);
  builder.output(builder.op("Softplus", [product]), DataType.FLOAT, [rows, width], "y");
  return encodeModel(builder.build());
}

function inputData(width: number): Float32Array {
  return Float32Array.from({ length: rows * width }, (_, i) => ((i % 29) - 14) / 14);
}

/** The options @rectify/runtime's provider passes to InferenceSession.create for `threads`. */
function rawOptions(provider: Provider): Record<string, unknown> {
  return provider === "cpu"
    ? { executionProviders: ["cpu"], intraOpNumThreads: threads }
    : { executionProviders: ["wasm"] };
}

/** A raw onnxruntime session with the options the wrapper uses. */
async function rawSession(provider: Provider, bytes: Uint8Array): Promise<RawSession> {
  if (provider === "cpu") return ortNode.InferenceSession.create(bytes, rawOptions(provider));
  // WASM threads are a setting of the one WASM instance (the wrapper imports
  // this same module and sets it too), not of the session.
  ortWeb.env.wasm.numThreads = threads;
  return (await ortWeb.InferenceSession.create(
    bytes,
    rawOptions(provider),
  )) as unknown as RawSession;
}

function rawFeeds(provider: Provider, data: Float32Array, width: number): RawFeeds {
  const Tensor = provider === "cpu" ? ortNode.Tensor : ortWeb.Tensor;
  return { x: new Tensor("float32", data, [rows, width]) } as RawFeeds;
}

/** Median raw latency of a fresh session of `width` (for tuning). */
async function rawMedian(provider: Provider, width: number): Promise<number> {
  const session = await rawSession(provider, modelBytes(width));
  const feeds = rawFeeds(provider, inputData(width), width);
  const samples: number[] = [];
  for (let i = 0; i < 250; i++) {
    const start = performance.now();
    await session.run(feeds);
    if (i >= 50) samples.push(performance.now() - start);
  }
  await session.release();
  return median(samples);
}

/**
 * The width (a multiple of 32) whose raw median came nearest the target
 * (latency grows as width²). Fresh sessions and a shared machine make each
 * reading ±10-30%, so the best of a few steps is kept; the bench reports the
 * raw median it then measures, and the overhead as a share of that.
 */
async function tuneWidth(provider: Provider): Promise<number> {
  let width = 512;
  let best = { width, error: Number.POSITIVE_INFINITY };
  for (let step = 0; step < 6; step++) {
    const milliseconds = await rawMedian(provider, width);
    log(`  tuning ${provider}: width ${width} → raw median ${milliseconds.toFixed(3)} ms`);
    const error = Math.abs(Math.log(milliseconds / targetMilliseconds));
    if (error < best.error) best = { width, error };
    if (error < Math.log(1.05)) break;
    const next = Math.min(
      4096,
      Math.max(64, Math.round((width * Math.sqrt(targetMilliseconds / milliseconds)) / 32) * 32),
    );
    if (next === width) break;
    width = next;
  }
  return best.width;
}

/** One way of running the model, timed against the others in the same rounds. */
interface Case {
  readonly name: string;
  readonly run: () => Promise<unknown>;
}

/**
 * Runs the cases with the runtime's latency engine: a warm-up, then exactly
 * `rounds` interleaved rounds (forward, then reverse order); ratios and their
 * bootstrap intervals compare each case with the first.
 */
function interleave(cases: readonly Case[]): Promise<LatencyComparison> {
  return compareLatency(cases, {
    warmup: warmupRuns,
    minRounds: rounds,
    maxRounds: rounds,
    targetMilliseconds: 0,
  });
}

/** Microseconds case `index` adds over the first, with the interval its time ratio gives. */
function overhead(comparison: LatencyComparison, index: number) {
  const base = comparison.cases[0]!.median;
  const ratio = index === 0 ? undefined : comparison.ratios[index - 1]!;
  return {
    medianMs: comparison.cases[index]!.median,
    overMicroseconds: (comparison.cases[index]!.median - base) * 1000,
    overInterval: (ratio
      ? [(ratio.low - 1) * base * 1000, (ratio.high - 1) * base * 1000]
      : [0, 0]) as [number, number],
  };
}

/**
 * A @rectify/runtime session (or, with `backendOnly`, the provider's
 * BackendSession) whose native session is `raw`: onnxruntime's
 * InferenceSession.create returns it for the duration of the call. Returns the
 * options the wrapper passed to create, to compare with the raw ones.
 */
async function wrapRawSession<T>(
  provider: Provider,
  raw: RawSession,
  create: () => Promise<T>,
): Promise<{ value: T; options: Record<string, unknown> }> {
  const InferenceSession = (provider === "cpu" ? ortNode : ortWeb).InferenceSession as {
    create: (...args: unknown[]) => Promise<unknown>;
  };
  const original = InferenceSession.create;
  let options: Record<string, unknown> | undefined;
  InferenceSession.create = async (_model: unknown, given: unknown) => {
    options = given as Record<string, unknown>;
    return raw;
  };
  try {
    const value = await create();
    if (!options) throw new Error(`${provider}: the wrapper did not call InferenceSession.create`);
    return { value, options };
  } finally {
    InferenceSession.create = original;
  }
}

async function compare(provider: Provider): Promise<{ result: Result; breakdown?: Breakdown[] }> {
  const width = fixedWidth ?? (await tuneWidth(provider));
  const bytes = modelBytes(width);
  const data = inputData(width);
  const raw = await rawSession(provider, bytes);
  const { value: wrapped, options } = await wrapRawSession(provider, raw, () =>
    createSession(bytes, { providers: [provider], threads }),
  );
  const expectedOptions = rawOptions(provider);
  if (JSON.stringify(options) !== JSON.stringify(expectedOptions)) {
    throw new Error(
      `${provider}: the wrapper asked onnxruntime for ${JSON.stringify(options)}, the raw session has ${JSON.stringify(expectedOptions)}`,
    );
  }
  const feedsRaw = rawFeeds(provider, data, width);
  const feedsWrapped = { x: tensor(data, [rows, width]) };
  const cases: Case[] = [
    { name: "raw InferenceSession.run", run: () => raw.run(feedsRaw) },
    { name: "rectify Session.run", run: () => wrapped.run(feedsWrapped) },
  ];

  // Same outputs, or the comparison is between different work.
  const rawOutput = ((await cases[0]!.run()) as RawOutputs).y!.data as Float32Array;
  const wrappedOutput = ((await cases[1]!.run()) as RawOutputs).y!.data as Float32Array;
  for (let i = 0; i < rawOutput.length; i++) {
    if (rawOutput[i] !== wrappedOutput[i])
      throw new Error(
        `${provider}: outputs differ at ${i}: ${rawOutput[i]} vs ${wrappedOutput[i]}`,
      );
  }

  const timed = await interleave(cases);
  const rawMedianMs = timed.cases[0]!.median;
  const rectifyMedianMs = timed.cases[1]!.median;
  const { overInterval } = overhead(timed, 1);
  const result: Result = {
    provider,
    model: `x[${rows},${width}] · W[${width},${width}] → Softplus`,
    width,
    sessionOptions: options,
    runs: rounds,
    rawMedianMs,
    rectifyMedianMs,
    overheadMicroseconds: (rectifyMedianMs - rawMedianMs) * 1000,
    overheadPercent: (100 * (rectifyMedianMs - rawMedianMs)) / rawMedianMs,
    overheadInterval: overInterval,
    limitPercent,
    pass: (100 * (rectifyMedianMs - rawMedianMs)) / rawMedianMs <= limitPercent,
  };
  const breakdown = args.breakdown
    ? await breakdownCases(provider, { bytes, data, width, raw, wrapped })
    : undefined;
  await wrapped.dispose(); // releases `raw` too
  return breakdown ? { result, breakdown } : { result };
}

/**
 * The wrapper's layers added one at a time, all on the same native session
 * and interleaved in the same rounds, so each row's excess over the one above
 * is what that step costs; then, apart, a second raw session against the first
 * (A/A), which is why the comparison shares one native session.
 */
async function breakdownCases(
  provider: Provider,
  setup: {
    bytes: Uint8Array;
    data: Float32Array;
    width: number;
    raw: RawSession;
    wrapped: Session;
  },
): Promise<Breakdown[]> {
  const { bytes, data, width, raw, wrapped } = setup;
  const Tensor = provider === "cpu" ? ortNode.Tensor : ortWeb.Tensor;
  const feedsRaw = rawFeeds(provider, data, width);
  const feedsWrapped = { x: tensor(data, [rows, width]) };
  const { value: backend } = await wrapRawSession(provider, raw, () =>
    providerNamed(provider).createSession(bytes, { threads }),
  );
  const layers: Case[] = [
    { name: "raw InferenceSession.run", run: () => raw.run(feedsRaw) },
    {
      name: "+ new ort.Tensor per run",
      run: () => raw.run({ x: new Tensor("float32", data, [rows, width]) } as RawFeeds),
    },
    {
      name: "provider BackendSession.run",
      run: () => backend.run(feedsWrapped),
    },
    {
      name: "+ validateFeeds",
      run: () => {
        validateFeeds(wrapped.inputs, feedsWrapped);
        return backend.run(feedsWrapped);
      },
    },
    { name: "rectify Session.run (+ timing)", run: () => wrapped.run(feedsWrapped) },
  ];
  const layerTimes = await interleave(layers);
  const rawTwin = await rawSession(provider, bytes);
  const twins = await interleave([
    layers[0]!,
    { name: "raw, a second session (A/A)", run: () => rawTwin.run(feedsRaw) },
  ]);
  await rawTwin.release();

  const table: Breakdown[] = layers.map((layer, index) => ({
    provider,
    case: layer.name,
    ...overhead(layerTimes, index),
  }));
  table.push({ provider, case: "raw, 2nd session (A/A, own rounds)", ...overhead(twins, 1) });
  const hot = validateFeedsMicroseconds(wrapped, feedsWrapped);
  table.push({
    provider,
    case: "validateFeeds, hot tight loop",
    medianMs: hot / 1000,
    overMicroseconds: hot,
    overInterval: [hot, hot],
  });
  return table;
}

/** µs per validateFeeds call on the session's declared inputs, in a tight loop. */
function validateFeedsMicroseconds(session: Session, feeds: Feeds): number {
  const calls = 200_000;
  for (let i = 0; i < calls / 10; i++) validateFeeds(session.inputs, feeds);
  const start = performance.now();
  for (let i = 0; i < calls; i++) validateFeeds(session.inputs, feeds);
  return ((performance.now() - start) * 1000) / calls;
}

const loadBefore = loadavg();
const results: Result[] = [];
const breakdown: Breakdown[] = [];
for (const provider of providers as Provider[]) {
  log(`${provider}: tuning the model to ~${targetMilliseconds} ms, then ${rounds} rounds`);
  const compared = await compare(provider);
  results.push(compared.result);
  breakdown.push(...(compared.breakdown ?? []));
}
const machine = { node: process.version, cpus: cpus().length, loadBefore, loadAfter: loadavg() };
const interval = ([low, high]: readonly [number, number]) =>
  `[${low.toFixed(1)}, ${high.toFixed(1)}]`;

if (args.json) {
  console.log(
    JSON.stringify(
      {
        threads,
        rounds,
        warmup: warmupRuns,
        machine,
        results,
        ...(args.breakdown ? { breakdown } : {}),
      },
      null,
      2,
    ),
  );
} else {
  console.log(`\n${JSON.stringify(machine)}  threads ${threads}, ${rounds} interleaved rounds`);
  console.log(
    `${"provider".padEnd(9)}${"model".padEnd(36)}${"raw ms".padStart(9)}${"rectify ms".padStart(12)}${"overhead µs".padStart(13)}${"(95% CI)".padStart(18)}${"overhead".padStart(10)}  ≤ ${limitPercent}%`,
  );
  for (const r of results) {
    console.log(
      `${r.provider.padEnd(9)}${r.model.padEnd(36)}${r.rawMedianMs.toFixed(3).padStart(9)}${r.rectifyMedianMs.toFixed(3).padStart(12)}${r.overheadMicroseconds.toFixed(1).padStart(13)}${interval(r.overheadInterval).padStart(18)}${`${r.overheadPercent.toFixed(2)}%`.padStart(10)}  ${r.pass ? "PASS" : "FAIL"}`,
    );
  }
  if (args.breakdown) {
    console.log(
      `\n${"provider".padEnd(9)}${"case".padEnd(36)}${"median ms".padStart(10)}${"over raw µs".padStart(13)}${"(95% CI)".padStart(18)}`,
    );
    for (const row of breakdown) {
      console.log(
        `${row.provider.padEnd(9)}${row.case.padEnd(36)}${row.medianMs.toFixed(4).padStart(10)}${row.overMicroseconds.toFixed(2).padStart(13)}${interval(row.overInterval).padStart(18)}`,
      );
    }
  }
}
