// Measures the fixed cost of one node on onnxruntime-node (CPU EP) and onnxruntime-web
// (WASM EP, in Node): chains of Add nodes on tensors of 1 to 1M elements, fitted to
// t(n) = overhead + perElement·n, with the overhead expressed in elements of Add (what the
// planner's per-op costs, measured on 4M-element tensors, leave out), both from the
// profiler's kernel times and from the session's wall time. Also prices the ops
// onnxruntime fuses activations into, relative to Add, at 4096 and 262144 elements.
// Usage: tsx scripts/measure-node-overhead.ts [--runs N] [--json [--out <path>]]
// (--json writes src/targets/probed/node-overhead.json, or <path>.)
import fs from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DataType, encodeModel, ModelBuilder, SeededRandom, type Value } from "@rectify/onnx";
import * as ortNode from "onnxruntime-node";
import * as ortWeb from "onnxruntime-web";
import { captureFd1, profileEvents } from "./ort-profile.js";
import { formatJson } from "./probe-format.js";

const MS = "com.microsoft";
const F = DataType.FLOAT;
/** Nodes in a chain; a 1-node chain gives the run's fixed cost (feeds in, outputs out). */
const CHAIN = 50;
const WARMUP = 3;
/** Each round repeats a run until it has taken this long, so µs-long runs are timed in bulk. */
const ROUND_MS = 10;
const OVERHEAD_SIZES = [1, 256, 4096, 65536, 262144, 1048576];
const OP_SIZES = [4096, 262144];
/** The length of the last axis, so that BiasGelu's bias has one length at every n. */
const LAST = 256;

type Runtime = "cpu" | "wasm";
const RUNTIMES: Runtime[] = ["cpu", "wasm"];
const ort = (rt: Runtime) => (rt === "cpu" ? ortNode : ortWeb);

/** One link of a chain: op(x) with what it needs. */
type Link = (b: ModelBuilder, x: Value) => Value;
const contrib =
  (op: string): Link =>
  (b, x) =>
    b.op(op, [x], {}, { domain: MS });
/** Ops onnxruntime fuses activations into (fusions.json), and their plain-op neighbours. */
const LINKS: Record<string, Link> = {
  Add: (b, x) => b.op("Add", [x, b.scalar(0.5, F, "k")]),
  Sigmoid: (b, x) => b.op("Sigmoid", [x]),
  HardSigmoid: (b, x) => b.op("HardSigmoid", [x]),
  [`${MS}.Gelu`]: contrib("Gelu"),
  [`${MS}.FastGelu`]: contrib("FastGelu"),
  [`${MS}.QuickGelu`]: contrib("QuickGelu"),
  [`${MS}.BiasGelu`]: (b, x) =>
    b.op(
      "BiasGelu",
      [x, b.constant(F, [LAST], new Float32Array(LAST), "bias")],
      {},
      { domain: MS },
    ),
};

/** The tensor shape of n elements: [n / 256, 256], or [1, n] below 256. */
const shapeOf = (n: number) => (n < LAST ? [1, n] : [n / LAST, LAST]);

/** A chain of `length` nodes of `op` on an n-element input. */
function chainModel(op: string, n: number, length: number): Uint8Array {
  const b = new ModelBuilder({ opset: 17, opsets: { [MS]: 1 } });
  let y = b.input("x", F, shapeOf(n));
  for (let i = 0; i < length; i++) y = LINKS[op]!(b, y);
  b.output(y, F, shapeOf(n), "y");
  return encodeModel(b.build());
}

const PROFILES = fs.mkdtempSync(join(tmpdir(), "node-overhead-"));

/** A session on fixed feeds; `kernelUs` ends profiling and gives each run's summed kernel µs. */
interface Bench {
  run(): Promise<void>;
  kernelUs?(): Promise<number[]>;
}

/** A session of the chain (profiled or not: the profiler's own cost must stay out of wall times). */
async function prepare(rt: Runtime, model: Uint8Array, n: number, profiled: string | undefined) {
  // As measure-op-costs.ts: one thread, nodes run as written (no fusion, no folding).
  const session = await ort(rt).InferenceSession.create(model, {
    executionProviders: [rt],
    intraOpNumThreads: 1,
    graphOptimizationLevel: "disabled",
    logSeverityLevel: 3,
    ...(profiled
      ? { enableProfiling: true, profileFilePrefix: join(PROFILES, `${rt}-${profiled}`) }
      : {}),
  });
  const data = new SeededRandom(1).float32(n, { uniform: [-6, 6] });
  const feeds = { x: new (ort(rt).Tensor)("float32", data, shapeOf(n)) };
  const bench: Bench = { run: async () => void (await session.run(feeds)) };
  if (profiled)
    bench.kernelUs = async () => {
      const printed = await captureFd1(async () => session.endProfiling());
      const file = fs.readdirSync(PROFILES).find((name) => name.startsWith(`${rt}-${profiled}_`));
      const text = rt === "cpu" && file ? fs.readFileSync(join(PROFILES, file), "utf8") : printed;
      const perRun: number[] = [];
      let sum = 0;
      for (const event of profileEvents(text)) {
        if (event.cat === "Node" && event.name.endsWith("_kernel_time")) sum += event.dur;
        else if (event.name === "model_run") {
          perRun.push(sum);
          sum = 0;
        }
      }
      return perRun;
    };
  return bench;
}

/** Median (the upper one of an even count). */
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
/** The q-quantile (nearest rank). */
const quantile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;

/** One timed item: a chain (op, n, length) on one runtime, with an unprofiled and a profiled session. */
interface Item {
  readonly rt: Runtime;
  readonly op: string;
  readonly n: number;
  readonly length: number;
  readonly wall: Bench;
  readonly profiled: Bench;
  /** Wall µs per run of the unprofiled session, one sample a round (the mean of `repeats` runs). */
  readonly runUs: number[];
  /** Wall µs of the profiled session's run, one a round: what the profiler itself costs. */
  readonly profiledUs: number[];
  /** The profiler's kernel µs per node, one a round (filled at the end). */
  kernelUs: number[];
  repeats: number;
}

/** The chains timed together: the 1- and 50-node Add chains of one size on one runtime, and the op chains of that size. */
type Group = Item[];

/**
 * Builds every chain's sessions, then times them in rounds. A round runs every group
 * (in a rotating, alternating order), and each group's members back to back, so that
 * differences and ratios within a group are taken per round, between runs seconds
 * apart, and a busy stretch of the shared machine hits both sides of them.
 */
async function measure(runs: number, log: (line: string) => void): Promise<Group[]> {
  ortWeb.env.wasm.numThreads = 1;
  ortWeb.env.logLevel = "error";
  const groups: Group[] = [];
  let id = 0;
  for (const rt of RUNTIMES)
    for (const n of OVERHEAD_SIZES) {
      const ops = OP_SIZES.includes(n) ? Object.keys(LINKS).filter((op) => op !== "Add") : [];
      const chains = [
        { op: "Add", length: 1 },
        { op: "Add", length: CHAIN },
        ...ops.map((op) => ({ op, length: CHAIN })),
      ];
      const group: Group = [];
      for (const { op, length } of chains) {
        const model = chainModel(op, n, length);
        group.push({
          rt,
          op,
          n,
          length,
          wall: await prepare(rt, model, n, undefined),
          profiled: await prepare(rt, model, n, `c${id++}`),
          runUs: [],
          profiledUs: [],
          kernelUs: [],
          repeats: 1,
        });
      }
      groups.push(group);
    }
  for (let round = 0; round < WARMUP + runs; round++) {
    if (round % 5 === 0)
      log(`round ${round + 1}/${WARMUP + runs}${round < WARMUP ? " (warm-up)" : ""}`);
    for (let g = 0; g < groups.length; g++) {
      const group = groups[(g + round) % groups.length]!;
      for (const item of round % 2 ? [...group].reverse() : group) {
        const t0 = performance.now();
        for (let r = 0; r < item.repeats; r++) await item.wall.run();
        const us = ((performance.now() - t0) / item.repeats) * 1000;
        // µs-long runs are timed in bulk: the repeat count is set from the last warm-up round.
        if (round === WARMUP - 1)
          item.repeats = Math.max(1, Math.min(500, Math.ceil((ROUND_MS * 1000) / us)));
        const t1 = performance.now();
        await item.profiled.run();
        if (round < WARMUP) continue;
        item.runUs.push(us);
        item.profiledUs.push((performance.now() - t1) * 1000);
      }
    }
  }
  for (const item of groups.flat())
    item.kernelUs = (await item.profiled.kernelUs!()).slice(-runs).map((us) => us / item.length);
  fs.rmSync(PROFILES, { recursive: true, force: true });
  return groups;
}

/** Per-node times of one size: kernel (profiler), wall of the whole run / nodes, marginal wall. */
interface SizeRow {
  n: number;
  kernelUs: number;
  /** Whole run of the 50-node chain / 50 (includes the run's fixed cost, shared out). */
  wallPerNodeUs: number;
  /** (run of 50 nodes − run of 1 node) / 49: a node's own wall cost, the run's fixed cost removed. */
  marginalWallUs: number;
  /** As marginalWallUs from the lower quartiles of the two runs: nearer what a quiet machine shows. */
  marginalWallQuietUs: number;
  /** The 50-node run's interquartile range / median (the shared machine's noise). */
  runSpread: number;
  /** (profiled run − unprofiled run) / 50: the profiler's own cost per node. */
  profilerUs: number;
}

/** A fit t(n) = overheadUs + perElementNs·n/1000 and the overhead in elements of Add at large n. */
interface Fit {
  overheadUs: number;
  perElementNs: number;
  /** overheadUs / Add's per-element kernel time at the largest n: how many elements of Add one node's fixed cost is worth. */
  nodeOverheadElements: number;
}

/**
 * Least squares on relative errors (weights 1/t²), so µs-long small sizes count as much as
 * ms-long large ones. A marginal time at or below 0 (noise swamped a small difference) is left out.
 */
function fitLine(rows: readonly SizeRow[], pick: (row: SizeRow) => number): Fit {
  // Every fit counts in the same unit: the wall times at the largest n carry the shared
  // machine's memory-bandwidth noise (WASM's up to 3× the kernel time), the kernel time does not.
  let [sw, sx, sy, sxx, sxy] = [0, 0, 0, 0, 0];
  for (const row of rows) {
    const t = pick(row);
    if (!(t > 0)) continue;
    const w = 1 / (t * t);
    sw += w;
    sx += w * row.n;
    sy += w * t;
    sxx += w * row.n * row.n;
    sxy += w * row.n * t;
  }
  const slope = (sw * sxy - sx * sy) / (sw * sxx - sx * sx);
  const overheadUs = (sy - slope * sx) / sw;
  const perElementLargeUs = addPerElementUs(rows);
  return {
    overheadUs: round(overheadUs),
    perElementNs: round(slope * 1000),
    nodeOverheadElements: Math.round(overheadUs / perElementLargeUs),
  };
}

/** Add's kernel µs per element at the largest n. */
const addPerElementUs = (rows: readonly SizeRow[]) => rows.at(-1)!.kernelUs / rows.at(-1)!.n;

/** Three significant digits. */
const round = (value: number) => Number(value.toPrecision(3));

/** A fused-activation op relative to Add at one size. */
interface OpCost {
  kernelUs: number;
  /** Its kernel time per node / Add's at the same n. */
  kernelVsAdd: number;
  /** (its chain's run − the 1-node Add run) / (the Add chain's run − the same). */
  marginalWallVsAdd: number;
  /** As marginalWallVsAdd from the runs' lower quartiles. */
  marginalWallVsAddQuiet: number;
}

/** One runtime's results: the Add chains per size, three fits, and the fused ops. */
interface RuntimeSummary {
  sizes: SizeRow[];
  /** Add's kernel time per element at the largest n, the unit of nodeOverheadElements. */
  addPerElementNs: number;
  kernel: Fit;
  wallPerNode: Fit;
  marginalWall: Fit;
  marginalWallQuiet: Fit;
  ops: { op: string; at: Record<string, OpCost> }[];
}

/** The median over rounds of f(round). */
const pairedMedian = (rounds: number, f: (round: number) => number) =>
  median(Array.from({ length: rounds }, (_, round) => f(round)));

/** The lower quartile of an item's run times. */
const low = (item: Item) => quantile(item.runUs, 0.25);

/** The results per runtime, from per-round differences and ratios within each group. */
function summarize(groups: readonly Group[]): Record<Runtime, RuntimeSummary> {
  const one = (rt: Runtime): RuntimeSummary => {
    const mine = groups.filter((group) => group[0]!.rt === rt);
    const sizes: SizeRow[] = mine.map(([single, chain]) => {
      const rounds = chain!.runUs.length;
      return {
        n: chain!.n,
        kernelUs: round(median(chain!.kernelUs)),
        wallPerNodeUs: round(median(chain!.runUs) / CHAIN),
        marginalWallUs: round(
          pairedMedian(rounds, (r) => (chain!.runUs[r]! - single!.runUs[r]!) / (CHAIN - 1)),
        ),
        marginalWallQuietUs: round(
          (quantile(chain!.runUs, 0.25) - quantile(single!.runUs, 0.25)) / (CHAIN - 1),
        ),
        runSpread: round(
          (quantile(chain!.runUs, 0.75) - quantile(chain!.runUs, 0.25)) / median(chain!.runUs),
        ),
        profilerUs: round(
          pairedMedian(rounds, (r) => (chain!.profiledUs[r]! - chain!.runUs[r]!) / CHAIN),
        ),
      };
    });
    const ops = Object.keys(LINKS).map((op) => ({
      op,
      at: Object.fromEntries(
        mine
          .filter((group) => OP_SIZES.includes(group[0]!.n))
          .map(([single, add, ...rest]): [string, OpCost] => {
            const own = [add!, ...rest].find((item) => item.op === op)!;
            const rounds = own.runUs.length;
            return [
              String(own.n),
              {
                kernelUs: round(median(own.kernelUs)),
                kernelVsAdd: round(
                  pairedMedian(rounds, (r) => own.kernelUs[r]! / add!.kernelUs[r]!),
                ),
                // The op's chain less the 1-node Add run: ≈ 49 of its nodes (its first node replaces Add's).
                marginalWallVsAdd: round(
                  pairedMedian(
                    rounds,
                    (r) =>
                      (own.runUs[r]! - single!.runUs[r]!) / (add!.runUs[r]! - single!.runUs[r]!),
                  ),
                ),
                marginalWallVsAddQuiet: round(
                  (low(own) - low(single!)) / (low(add!) - low(single!)),
                ),
              },
            ];
          }),
      ),
    }));
    return {
      sizes,
      addPerElementNs: round(addPerElementUs(sizes) * 1000),
      kernel: fitLine(sizes, (row) => row.kernelUs),
      wallPerNode: fitLine(sizes, (row) => row.wallPerNodeUs),
      marginalWall: fitLine(sizes, (row) => row.marginalWallUs),
      marginalWallQuiet: fitLine(sizes, (row) => row.marginalWallQuietUs),
      ops,
    };
  };
  return { cpu: one("cpu"), wasm: one("wasm") };
}

/** The human-readable tables. */
function table(summary: Record<Runtime, RuntimeSummary>): string {
  const lines: string[] = [];
  const cell = (value: number, width: number) => String(value).padStart(width);
  const header = (...names: string[]) => names.map((name) => name.padStart(10)).join("");
  for (const rt of RUNTIMES) {
    const s = summary[rt];
    lines.push(
      "",
      `${rt === "cpu" ? "onnxruntime-node CPU" : "onnxruntime-web WASM"}: chains of ${CHAIN} Add nodes, µs per node`,
      `${"n".padStart(9)}${header("kernel", "run/50", "marginal", "quiet", "IQR", "profiler")}`,
      ...s.sizes.map(
        (row) =>
          `${cell(row.n, 9)}${[row.kernelUs, row.wallPerNodeUs, row.marginalWallUs, row.marginalWallQuietUs].map((v) => cell(v, 10)).join("")}${`${Math.round(row.runSpread * 100)}%`.padStart(10)}${cell(row.profilerUs, 10)}`,
      ),
      `fit t(n) = overhead + perElement·n; Add's kernel time at n = ${s.sizes.at(-1)!.n}: ${s.addPerElementNs} ns/element`,
      ...(["kernel", "wallPerNode", "marginalWall", "marginalWallQuiet"] as const).map(
        (name) =>
          `  ${name.padEnd(18)} overhead ${cell(s[name].overheadUs, 7)} µs, ${cell(s[name].perElementNs, 7)} ns/element; nodeOverhead ${cell(s[name].nodeOverheadElements, 7)} elements of Add`,
      ),
      `fused-activation ops vs Add at the same n: kernel time, marginal wall, quiet wall`,
      `${" ".repeat(26)}${OP_SIZES.map((n) => `n = ${n}`.padEnd(26)).join("")}`,
      ...s.ops.map(
        (row) =>
          `  ${row.op.padEnd(24)}${OP_SIZES.map((n) => {
            const at = row.at[n]!;
            return `${cell(at.kernelVsAdd, 7)}${cell(at.marginalWallVsAdd, 7)}${cell(at.marginalWallVsAddQuiet, 7)}     `;
          }).join("")}`,
      ),
    );
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "15" },
      json: { type: "boolean", default: false },
      out: { type: "string" },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs needs a positive integer");
  const started = performance.now();
  const loadBefore = loadavg()[0]!;
  const groups = await measure(runs, (line) => process.stderr.write(`${line}\n`));
  const summary = summarize(groups);
  console.log(table(summary));
  const seconds = Math.round((performance.now() - started) / 1000);
  console.log(`\n${seconds} s`);
  if (!values.json) return;
  const path =
    values.out ??
    fileURLToPath(new URL("../src/targets/probed/node-overhead.json", import.meta.url));
  const file = {
    date: new Date().toISOString().slice(0, 10),
    onnxruntimeNode: ortNode.env.versions.common,
    onnxruntimeWeb: ortWeb.env.versions.common,
    method:
      `scripts/measure-node-overhead.ts: chains of ${CHAIN} nodes (and 1) of Add x + 0.5, float32, n elements as [n/256, 256], ` +
      `1 thread, graph optimisations off, ${runs} interleaved rounds after ${WARMUP} warm-up, medians. ` +
      "kernelUs: the profiler's kernel time per node (a profiled session of its own; profilerUs: that session's run − the unprofiled one's, per node). runSpread: the interquartile range / median of the 50-node run's wall time. wallPerNodeUs: the whole run of the " +
      `${CHAIN}-node chain / ${CHAIN} (an unprofiled session; includes the run's fixed cost). marginalWallUs: (run of ${CHAIN} − run of 1) / ${CHAIN - 1}. ` +
      "Fits are least squares on relative error; nodeOverheadElements = overhead / Add's per-element kernel time at the largest n (addPerElementNs; the profiles' ort-cpu/ort-wasm costs are relative to an Add over 4M elements, DRAM-bound, ~1.2 ns/element there). " +
      "ops: chains of the op; kernelVsAdd = its kernel time per node / Add's at the same n; marginalWallVsAdd = (its chain's run − the 1-node Add run) / (Add chain's run − the same). " +
      "Differences and ratios are taken per round, then the median. *Quiet: the same from each run's lower quartile (the machine was shared: other processes add time, never remove it).",
    runs,
    machine: {
      cpu: cpus()[0]?.model,
      cores: cpus().length,
      // Other processes shared the machine: its 1-minute load average before and after.
      loadAverage: [loadBefore, loadavg()[0]!].map((load) => Number(load.toFixed(2))),
    },
    notes: [
      "The profiler's kernel time includes its own per-kernel bookkeeping: at small n it exceeds the node's whole marginal wall time (and a profiled run costs profilerUs more per node), so the kernel-time overhead overstates a node's fixed cost; the marginal wall time is the node's own cost in a real run.",
    ],
    ...summary,
  };
  fs.writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
  formatJson(path);
  console.log(`wrote ${path}`);
}

await main();
