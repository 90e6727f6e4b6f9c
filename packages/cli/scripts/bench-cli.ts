// `rectify inspect` and `rectify optimize --no-verify` on a ~100 MB model, side by
// side with the floor (read + decodeModel + encodeModel); target ≤ 1.5× the floor.
// One process, cases interleaved over rounds, median of --repeat after a warm-up.
//   pnpm --filter @rectify/cli bench [--json] [--repeat 7] [--layers 24] [--keep]
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { Value } from "@rectify/onnx";
import {
  DataType,
  decodeModel,
  encodeModel,
  loadModel,
  ModelBuilder,
  saveModel,
} from "@rectify/onnx";
import {
  applyPlan,
  builtinTarget,
  findSites,
  opHistogram,
  optimizeModel,
  planModel,
  unsupportedOps,
} from "@rectify/rewrite";
import { inspectCommand, optimizeCommand } from "../src/index.js";

const { values: args } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    repeat: { type: "string", default: "7" },
    layers: { type: "string", default: "24" },
    keep: { type: "boolean", default: false },
  },
});
const limit = 1.5;
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
type Parts = Record<string, number>;
type Case = () => Promise<Parts | undefined>;
type Row = { name: string; ms: number; ratio: number; pass?: boolean };

/** Median of a list of numbers. */
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A seeded MLP: `layers` × (MatMul 1024² + Add + an activation, single op or decomposed), Softmax last. */
async function buildModel(path: string, layers: number): Promise<number> {
  const b = new ModelBuilder({ opset: 20, seed: 20261128, producerName: "rectify-bench" });
  const c = (v: number) => b.scalar(v, DataType.FLOAT, "c");
  const op = (type: string, inputs: Value[], attrs?: Parts) => b.op(type, inputs, attrs);
  const mul = (x: Value, y: Value) => op("Mul", [x, y]);
  const add = (x: Value, y: Value) => op("Add", [x, y]);
  const acts: ((x: Value) => Value)[] = [
    (x) => op("Softplus", [x]),
    (x) => op("Sigmoid", [x]),
    (x) => op("Tanh", [x]),
    (x) => op("Elu", [x], { alpha: 1 }),
    (x) => op("Gelu", [x]),
    (x) => mul(mul(x, add(op("Erf", [op("Div", [x, c(Math.SQRT2)])]), c(1))), c(0.5)), // erf-GELU
    (x) => mul(x, op("Sigmoid", [x])), // SiLU
    (x) => op("LeakyRelu", [x], { alpha: 0.01 }),
    (x) => op("Relu", [x]),
    (x) => op("HardSwish", [x]),
    (x) => op("Log", [add(op("Exp", [x]), c(1))]), // softplus as log(1 + exp x)
    (x) => {
      const cube = mul(op("Pow", [x, c(3)]), c(0.044715));
      const inner = mul(add(x, cube), c(Math.sqrt(2 / Math.PI)));
      return mul(mul(x, add(op("Tanh", [inner]), c(1))), c(0.5)); // tanh-GELU
    },
    (x) => mul(x, op("HardSigmoid", [x], { alpha: 1 / 6, beta: 0.5 })), // HardSwish, ONNX's body
  ];
  // x·relu6(x+3)/6, tf2onnx's HardSwish
  const relu6 = (x: Value) => op("Clip", [add(x, c(3)), c(0), c(6)]);
  acts.push((x) => op("Div", [mul(x, relu6(x)), c(6)]));
  let h = b.input("x", DataType.FLOAT, ["batch", 1024]);
  for (let i = 0; i < layers; i++) {
    const w = b.randomInitializer(`l${i}.w`, [1024, 1024], { uniform: [-1 / 32, 1 / 32] });
    const bias = b.randomInitializer(`l${i}.b`, [1024], { uniform: [-0.02, 0.02] });
    h = acts[i % acts.length]!(add(op("MatMul", [h, w]), bias));
  }
  b.output(op("Softmax", [h], { axis: -1 }), DataType.FLOAT, ["batch", 1024], "y");
  const model = b.build();
  await saveModel(model, path);
  return model.graph.nodes.length;
}

/** A stopwatch: `lap(name)` records the ms since the previous lap as `prefix/name`. */
function laps(prefix: string): { t: Parts; lap: (name: string) => void } {
  const t: Parts = {};
  let last = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    t[`${prefix}/${name}`] = now - last;
    last = now;
  };
  return { t, lap };
}

/** The floor by step: read the file, decodeModel, encodeModel (bytes kept in memory). */
async function floorCase(path: string): Promise<Parts> {
  const { t, lap } = laps("floor");
  const bytes = await readFile(path);
  lap("read file (fs.readFile)");
  const model = decodeModel(bytes);
  lap("decodeModel");
  encodeModel(model);
  lap("encodeModel");
  return t;
}

/** The library steps of `optimize --no-verify -o`, once each: where the command's time goes. */
async function stepsCase(path: string, out: string, targetName: string): Promise<Parts> {
  const { t, lap } = laps("steps");
  const model = await loadModel(path);
  lap("loadModel (read + decode)");
  const target = builtinTarget(targetName);
  const plan = planModel(model, target);
  lap("planModel (find sites + plan)");
  applyPlan(model, plan.plans);
  lap("applyPlan");
  opHistogram(model);
  unsupportedOps(model, target);
  lap("report (opHistogram, unsupportedOps)");
  await saveModel(model, out);
  lap("saveModel (encode + write)");
  const total = Object.values(t).reduce((a, b) => a + b, 0);
  return { ...t, "steps/all of these (an optimize that loads once)": total };
}

/** optimizeModel as `optimize --no-verify` calls it, and the time in its load() calls. */
async function libraryCase(path: string, targetName: string): Promise<Parts> {
  let [loadMs, loads] = [0, 0];
  const load = async () => {
    const t0 = performance.now();
    const model = await loadModel(path);
    [loadMs, loads] = [loadMs + performance.now() - t0, loads + 1];
    return model;
  };
  const t0 = performance.now();
  await optimizeModel(load, { target: builtinTarget(targetName) });
  const all = performance.now() - t0;
  return {
    "library/optimizeModel (no evaluator)": all,
    [`library/  its load() calls (×${loads})`]: loadMs,
    "library/  the rest": all - loadMs,
  };
}

/** Runs every case once per round (round 0 is a warm-up), rotating the order; all samples by name. */
async function measure(cases: [string, Case][], rounds: number, log: (s: string) => void) {
  const samples = new Map<string, number[]>();
  for (let round = 0; round <= rounds; round++) {
    for (let i = 0; i < cases.length; i++) {
      const [name, fn] = cases[(i + round) % cases.length]!;
      gc(); // and let sweeping finish: one case's garbage is not billed to the next
      await sleep(100);
      const t0 = performance.now();
      const parts = await fn();
      const all = { [name]: performance.now() - t0, ...parts };
      if (round > 0)
        for (const [k, v] of Object.entries(all)) samples.set(k, [...(samples.get(k) ?? []), v]);
    }
    log(round === 0 ? "  warm-up done" : `  round ${round}/${rounds}`);
  }
  return samples;
}

/** Builds the model, measures, prints the table or JSON. Speed is reported, not enforced. */
async function main(): Promise<void> {
  const rounds = Math.max(1, Number(args.repeat) | 0);
  const log = args.json ? () => {} : (s: string) => console.error(s);
  const dir = mkdtempSync(join(tmpdir(), "rectify-bench-cli-"));
  const [path, out] = [join(dir, "mlp.onnx"), join(dir, "out.onnx")];
  try {
    log(`building a ${args.layers}-layer MLP in ${dir} …`);
    const nodes = await buildModel(path, Number(args.layers));
    const bytes = statSync(path).size;
    const sites = findSites(await loadModel(path)).sites.length;
    log(`  ${(bytes / 1e6).toFixed(1)} MB, ${nodes} nodes, ${sites} activation sites`);
    const cmd = async (run: () => Promise<{ code: number }>) => {
      const { code } = await run(); // 3: a site the target cannot run; still a full run
      if (code !== 0 && code !== 3) throw new Error(`command exited with ${code}`);
      return undefined;
    };
    const optimize = (target: string): [string, Case] => [
      `optimize --target ${target} --no-verify -o`,
      () => cmd(() => optimizeCommand(path, { target, output: out, verify: false })),
    ];
    const cases: [string, Case][] = [
      ["floor: read + decodeModel + encodeModel", () => floorCase(path)],
      [
        "floor 2: loadModel + saveModel",
        async () => void (await saveModel(await loadModel(path), out)),
      ],
      ["inspect (all built-in targets)", () => cmd(() => inspectCommand(path, {}))],
      [
        "inspect --target algebraic",
        () => cmd(() => inspectCommand(path, { target: ["algebraic"] })),
      ],
      optimize("algebraic"),
      optimize("ort-wasm"),
      optimize("piecewise-linear"),
      ["steps", () => stepsCase(path, out, "algebraic")],
      ["library", () => libraryCase(path, "algebraic")],
    ];
    const loadBefore = loadavg();
    const samples = await measure(cases, rounds, log);
    const floor = median(samples.get(cases[0]![0])!);
    const row = (name: string, checked: boolean) => {
      const ms = median(samples.get(name)!);
      const pass = checked ? { pass: ms / floor <= limit } : {};
      return { name, ms, ratio: ms / floor, ...pass, allMs: samples.get(name)!.map(Math.round) };
    };
    const result = {
      model: { bytes, nodes, sites, layers: Number(args.layers) },
      machine: { node: process.version, cpus: cpus().length, loadBefore, loadAfter: loadavg() },
      rounds,
      limit,
      rows: cases.slice(0, 7).map(([name], i) => row(name, i >= 2)),
      breakdown: ["floor/", "steps/", "library/"].flatMap((group) =>
        [...samples.keys()].filter((k) => k.startsWith(group)).map((k) => row(k, false)),
      ),
    };
    if (args.json) console.log(JSON.stringify(result, null, 2));
    else printTable(result);
  } finally {
    if (args.keep) console.error(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** The table (median ms, ratio to the floor, PASS/FAIL), then the breakdown by step. */
function printTable(
  r: { rounds: number; rows: Row[]; breakdown: Row[] } & Record<string, unknown>,
) {
  const w = Math.max(...[...r.rows, ...r.breakdown].map((x) => x.name.length));
  const verdict = (x: Row) => (x.pass === undefined ? "" : x.pass ? "PASS" : "FAIL");
  const line = (x: Row, name = x.name) =>
    console.log(
      `${name.padEnd(w)}  ${x.ms.toFixed(0).padStart(7)}  ${x.ratio.toFixed(2).padStart(6)}  ${verdict(x)}`,
    );
  console.log(`\n${JSON.stringify(r.model)}\n${JSON.stringify(r.machine)}\n`);
  console.log(`${`median of ${r.rounds}, interleaved`.padEnd(w)}       ms  ×floor  ≤ ${limit}×`);
  for (const x of r.rows) line(x);
  const heads: Record<string, string> = {
    floor: "the floor, by step:",
    steps: "optimize --target algebraic, its library steps one by one:",
    library: "optimizeModel (what optimize runs before saving) and its model loads:",
  };
  let group = "";
  for (const x of r.breakdown) {
    const [g, name] = x.name.split("/") as [string, string];
    if (g !== group) console.log(`\n${heads[g]}`);
    group = g;
    line(x, `  ${name}`);
  }
}

await main();
