// Measures one node of each op the planner prices on onnxruntime-node (CPU EP) and
// onnxruntime-web (WASM EP, in Node), relative to an elementwise Add; --write puts the
// costs into src/targets/ort-cpu.json and ort-wasm.json.
// Usage: tsx scripts/measure-op-costs.ts [--json] [--write] [--runs N]
import fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { DataType, encodeModel, ModelBuilder, SeededRandom, type Value } from "@rectify/onnx";
import * as ortNode from "onnxruntime-node";
import * as ortWeb from "onnxruntime-web";
import { captureFd1 } from "./ort-profile.js";

// 262,144 elements (1 MB of float32): the size of a typical activation tensor, and cache-resident.
// At 4M elements (the size used before 2026-12-02) every op waits on memory, and transcendental ops
// came out 2–4× cheaper relative to Add than they run in models (scripts/measure-node-overhead.ts).
const SHAPE = [512, 512];
const WARMUP = 3;
const MS = "com.microsoft";
const F = DataType.FLOAT;

type Build = (b: ModelBuilder, x: Value, c: Value) => Value;
/** One op: its key in a profile's `ops`, how to build its node, and what it needs. */
type OpSpec = {
  key: string;
  build: Build;
  opset?: number;
  positive?: boolean;
  bool?: boolean;
  /** Input x holds int64 table indices in [0, tableEntries) (Gather). */
  indices?: boolean;
  /** The output is int64 (Cast). */
  int64?: boolean;
};

/** Entries of the tables Gather reads, as the 1e-4 activation tables have (204–587). */
const tableEntries = 512;

/** A unary node `op(x)`. */
const unary =
  (op: string, attrs?: Record<string, number>): Build =>
  (b, x) =>
    b.op(op, [x], attrs);
/** A binary node whose second operand is a scalar constant, as substitutes build them. */
const binary =
  (op: string, k: number): Build =>
  (b, x) =>
    b.op(op, [x, b.scalar(k, F, "k")]);
/** Specs of space-separated ops built by `make`, with shared fields. */
const each = (ops: string, make: (op: string) => Build, more: Partial<OpSpec> = {}) =>
  ops.split(" ").map((op): OpSpec => ({ key: op, build: make(op), ...more }));
/** A com.microsoft node (extra inputs given). */
const contrib =
  (op: string, extra: (b: ModelBuilder) => Value[] = () => []): Build =>
  (b, x) =>
    b.op(op, [x, ...extra(b)], {}, { domain: MS });

const SPECS: OpSpec[] = [
  ...each("Add Sub Mul Div Max Min", (op) => binary(op, 0.5)),
  ...each("Abs Neg Relu", unary),
  { key: "Clip", build: (b, x) => b.op("Clip", [x, b.scalar(-1, F, "lo"), b.scalar(1, F, "hi")]) },
  // Log/Sqrt/Reciprocal get x > 0: NaN and ±inf paths are not what substitutes feed them.
  ...each("Sqrt Reciprocal", unary, { positive: true }),
  // Both branches full-size, as in Where(x > 0, x, f(x)) substitutes.
  { key: "Where", build: (b, x, c) => b.op("Where", [c, x, x]) },
  ...each("Less Greater", (op) => binary(op, 0), { bool: true }),
  ...each("Exp", unary),
  ...each("Log", unary, { positive: true }),
  ...each("Erf Tanh Sigmoid Softplus Softsign LeakyRelu", unary),
  { key: "PRelu", build: (b, x) => b.op("PRelu", [x, b.constant(F, [1], [0.25], "slope")]) },
  ...each("Elu Selu Celu HardSigmoid HardSwish ThresholdedRelu", unary),
  { key: "Gelu", build: unary("Gelu"), opset: 20 },
  { key: "Mish", build: unary("Mish"), opset: 18 },
  ...each("Softmax LogSoftmax", (op) => unary(op, { axis: -1 })),
  { key: "Pow", build: binary("Pow", 3) },
  // The table lookup's ops (the Lookup lowering: Floor, Cast to int64, two Gathers from a table).
  ...each("Floor", unary),
  { key: "Cast", build: (b, x) => b.op("Cast", [x], { to: DataType.INT64 }), int64: true },
  {
    key: "Gather",
    indices: true,
    build: (b, x) =>
      b.op("Gather", [
        b.constant(F, [tableEntries], new SeededRandom(3).float32(tableEntries), "table"),
        x,
      ]),
  },
  ...each("Gelu FastGelu QuickGelu", contrib).map((s) => ({ ...s, key: `${MS}.${s.key}` })),
  {
    key: `${MS}.BiasGelu`,
    build: contrib("BiasGelu", (b) => [
      b.constant(F, [SHAPE[1]!], new SeededRandom(2).float32(SHAPE[1]!, { uniform: [-1, 1] })),
    ]),
  },
];

/** The encoded single-node model of `spec`: input x (and bool c for Where), output y. */
function buildModel(spec: OpSpec): Uint8Array {
  const opsets: Record<string, number> = spec.key.startsWith(MS) ? { [MS]: 1 } : {};
  const b = new ModelBuilder({ opset: spec.opset ?? 17, opsets });
  const x = b.input("x", spec.indices ? DataType.INT64 : F, SHAPE);
  const c = spec.key === "Where" ? b.input("c", DataType.BOOL, SHAPE) : x;
  const type = spec.bool ? DataType.BOOL : spec.int64 ? DataType.INT64 : F;
  b.output(spec.build(b, x, c), type, SHAPE, "y");
  return encodeModel(b.build());
}

/** Seeded inputs shared by every run: x ~ U(-6, 6) (both sides of every knee), pos = |x| + 0.1. */
function makeData() {
  const x = new SeededRandom(1).float32(SHAPE[0]! * SHAPE[1]!, { uniform: [-6, 6] });
  return {
    x,
    pos: x.map((v) => Math.abs(v) + 0.1),
    cond: Uint8Array.from(x, (v) => +(v > 0)),
    // Indices spread over the table as a clamped, scaled input spreads them.
    indices: BigInt64Array.from(x, (v) => BigInt(Math.floor(((v + 6) / 12) * (tableEntries - 1)))),
  };
}

type Runtime = "cpu" | "wasm";
const RUNTIMES: Runtime[] = ["cpu", "wasm"];
/** The onnxruntime package of `rt`. */
const ort = (rt: Runtime) => (rt === "cpu" ? ortNode : ortWeb);
const PROFILES = fs.mkdtempSync(join(tmpdir(), "op-costs-"));
/** A session ready to run on fixed feeds; `kernelMs` ends profiling, gives kernel ms per run. */
type Bench = { run(): Promise<void>; kernelMs(): Promise<number[]> };

/** A profiled session of `spec` on `rt` (both packages share onnxruntime-common's API). */
async function prepare(rt: Runtime, spec: OpSpec, d: ReturnType<typeof makeData>, id: number) {
  // Nodes must run as written (no fusion or folding), on one thread (shared 2-core machines).
  // A whole run also copies 16 MB in and out, which a graph pays once, not per node, so
  // costs come from ORT's profiler: the node's kernel time alone.
  const s = await ort(rt).InferenceSession.create(buildModel(spec), {
    executionProviders: [rt],
    intraOpNumThreads: 1,
    graphOptimizationLevel: "disabled",
    logSeverityLevel: 3,
    enableProfiling: true,
    profileFilePrefix: join(PROFILES, `op${id}`),
  });
  const { Tensor } = ort(rt);
  const feeds = {
    x: spec.indices
      ? new Tensor("int64", d.indices, SHAPE)
      : new Tensor("float32", spec.positive ? d.pos : d.x, SHAPE),
  };
  if (spec.key === "Where") Object.assign(feeds, { c: new Tensor("bool", d.cond, SHAPE) });
  const kernelMs = async () => {
    // ORT-node writes the profile (a Chrome trace, µs) to a file; ORT-web prints it.
    const printed = await captureFd1(async () => s.endProfiling());
    const file = fs.readdirSync(PROFILES).find((f) => f.startsWith(`op${id}_`));
    const text = rt === "cpu" && file ? fs.readFileSync(join(PROFILES, file), "utf8") : printed;
    const events: { cat: string; name: string; dur: number }[] = JSON.parse(
      text.slice(text.indexOf("["), text.lastIndexOf("]") + 1) || "[]",
    );
    // Sum each run's kernels: ORT runs some ops (Mish-18) as functions of several nodes.
    const perRun: number[] = [];
    let sum = 0;
    for (const e of events) {
      if (e.cat === "Node" && e.name.endsWith("_kernel_time")) sum += e.dur / 1000;
      else if (e.name === "model_run") {
        perRun.push(sum);
        sum = 0;
      }
    }
    return perRun;
  };
  return { run: async () => void (await s.run(feeds)), kernelMs } satisfies Bench;
}

/** Median (the upper one of an even count). */
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;

/** One runtime's result for one op: wall ms per run, the node's kernel ms, kernel ms / Add's. */
type Cell = { runMs?: number; nodeMs?: number; cost?: number; skipped?: string };
type Row = { op: string } & Record<Runtime, Cell>;

/** Builds every session, then times ops interleaved across rounds; one row per op. */
async function measure(runs: number, log: (s: string) => void): Promise<Row[]> {
  ortWeb.env.wasm.numThreads = 1;
  ortWeb.env.logLevel = "error";
  const data = makeData();
  const items = [];
  for (const [id, spec] of SPECS.entries()) {
    const benches: Partial<Record<Runtime, Bench>> = {};
    const row: Row = { op: spec.key, cpu: {}, wasm: {} };
    for (const rt of RUNTIMES) {
      try {
        const bench = await prepare(rt, spec, data, id);
        await bench.run(); // Also checks that the provider has a kernel for the op.
        benches[rt] = bench;
      } catch (e) {
        row[rt].skipped = String(e instanceof Error ? e.message : e).split("\n")[0];
        log(`skip ${spec.key} on ${rt}: ${row[rt].skipped}`);
      }
    }
    items.push({ row, benches, wall: { cpu: [] as number[], wasm: [] as number[] } });
  }
  // Each round runs every op once per runtime, starting at a different op, so a noisy
  // stretch of the shared machine spreads over all ops instead of hitting a few.
  for (let round = 0; round < WARMUP + runs; round++) {
    log(`round ${round + 1}/${WARMUP + runs}${round < WARMUP ? " (warm-up)" : ""}`);
    for (let i = 0; i < items.length; i++) {
      const { benches, wall } = items[(i + round) % items.length]!;
      for (const rt of round % 2 ? [...RUNTIMES].reverse() : RUNTIMES) {
        const bench = benches[rt];
        if (!bench) continue;
        const t0 = performance.now();
        await bench.run();
        if (round >= WARMUP) wall[rt].push(performance.now() - t0);
      }
    }
  }
  for (const { row, benches, wall } of items) {
    for (const rt of RUNTIMES) {
      const kernel = (await benches[rt]?.kernelMs())?.slice(-runs); // The timed runs are last.
      if (kernel?.length !== runs) {
        row[rt].skipped ??= "no profile";
        continue;
      }
      Object.assign(row[rt], { runMs: median(wall[rt]), nodeMs: median(kernel) });
    }
  }
  fs.rmSync(PROFILES, { recursive: true, force: true });
  const rows = items.map((item) => item.row);
  for (const rt of RUNTIMES) {
    const add = rows[0]![rt].nodeMs; // Add comes first.
    if (!add) throw new Error(`no kernel time for Add on ${rt}`);
    for (const r of rows) if (r[rt].nodeMs !== undefined) r[rt].cost = r[rt].nodeMs! / add;
  }
  return rows;
}

/** The human-readable table: per runtime, wall ms per run, the node's kernel ms, and cost. */
function table(rows: Row[]): string {
  const num = (v: number | undefined, w: number) => (v?.toFixed(2) ?? "-").padStart(w);
  const cell = (c: Cell) => `${num(c.runMs, 10)}${num(c.nodeMs, 10)}${num(c.cost, 7)}`;
  return [
    `${" ".repeat(24)}${"onnxruntime-node CPU".padEnd(27)}onnxruntime-web WASM`,
    `${"op".padEnd(24)}${"    run ms   node ms   cost".repeat(2)}`,
    ...rows.map((r) => `${r.op.padEnd(24)}${cell(r.cpu)}${cell(r.wasm)}`),
  ].join("\n");
}

/** Updates the `ops` costs and the measurement note of ort-<rt>.json in place. */
function writeProfile(rt: Runtime, rows: Row[], runs: number): void {
  const file = new URL(`../src/targets/ort-${rt}.json`, import.meta.url);
  const profile = JSON.parse(fs.readFileSync(file, "utf8"));
  for (const { op, [rt]: c } of rows) {
    if (c.cost === undefined) continue;
    const cost = Math.max(0.5, Number(c.cost.toPrecision(2)));
    if (typeof profile.ops[op] === "object") profile.ops[op].cost = cost;
    else profile.ops[op] = cost;
  }
  const add = rows[0]![rt];
  const runtime = rt === "cpu" ? "onnxruntime-node CPU EP" : "onnxruntime-web WASM EP in Node";
  const note =
    "Costs are relative to one elementwise Add over the same tensor (each ONNX node is a pass over " +
    `memory), measured by scripts/measure-op-costs.ts on ${new Date().toISOString().slice(0, 10)}: ` +
    `${runtime} ${ort(rt).env.versions.common}, 1 thread, graph optimisations off, one single-node ` +
    `model per op, float32 input [${SHAPE.join(", ")}] (cache-resident, as activations in models mostly are), median of ${runs} interleaved runs of the ` +
    `node's kernel time (ORT's profiler; Add ${add.nodeMs!.toFixed(3)} ms, a whole run with its ` +
    `input/output copies ${add.runMs!.toFixed(3)} ms), 2 significant digits, minimum 0.5.`;
  const notes: string[] = profile.notes ?? [];
  const old = notes.findIndex((n) => /ENVIRONMENT measurement|guess|measure-op-costs/i.test(n));
  notes.splice(Math.max(old, 0), old >= 0 ? 1 : 0, note);
  profile.notes = notes;
  fs.writeFileSync(file, `${JSON.stringify(profile, null, 2)}\n`);
}

/** Parses flags, measures, prints, and writes when asked. */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const runs = args.includes("--runs") ? Number(args[args.indexOf("--runs") + 1]) : 15;
  if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs needs a positive integer");
  // Progress goes to stderr so that --json output stays parseable.
  const rows = await measure(runs, (s) => process.stderr.write(`${s}\n`));
  const result = { date: new Date().toISOString(), shape: SHAPE, runs, warmup: WARMUP, rows };
  console.log(args.includes("--json") ? JSON.stringify(result, null, 2) : table(rows));
  if (args.includes("--write")) for (const rt of RUNTIMES) writeProfile(rt, rows, runs);
}

await main();
