// Benchmark of ONNX model I/O: @rectify/onnx (decode, encode, streaming save)
// against the reference Python implementation (onnx.load / onnx.save) on a
// large synthetic model with many initializers.
//
//   pnpm --filter @rectify/onnx bench                 (table, ~200 MB model)
//   node --expose-gc scripts/bench-io.mjs --json      (machine-readable)
//   options: --size-mb N (default 200), --repeat N (default 5), --keep, --python PATH
//
// Every measurement runs in a fresh child process so that peak RSS
// (process.resourceUsage().maxRSS, Python's ru_maxrss) belongs to that
// measurement alone; the model is generated in its own child beforehand.
// Sizes are decimal: 1 MB = 10^6 bytes, 1 GB/s = 1000 MB/s.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = fileURLToPath(import.meta.url);
const distUrl = new URL("../dist/index.js", import.meta.url).href;
const RESULT_MARK = "@@bench-result ";

const { values: options } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    "size-mb": { type: "string", default: "200" },
    repeat: { type: "string", default: "5" },
    keep: { type: "boolean", default: false },
    python: { type: "string", default: "/usr/bin/python3" },
    child: { type: "string" },
    path: { type: "string" },
    out: { type: "string" },
  },
});

// ---------------------------------------------------------------- helpers

const now = () => performance.now();
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
// A forced GC leaves sweeping to finish concurrently and lazily; timing right
// after it measured encodeModelChunks 2–3× slower here, so let it settle first.
const settle = async () => {
  globalThis.gc?.();
  await sleep(100);
};
const report = (result) => process.stdout.write(`${RESULT_MARK}${JSON.stringify(result)}\n`);
const maxRssBytes = () => process.resourceUsage().maxRSS * 1024;
// Linux carries ru_maxrss across fork+exec, so a child's maxRSS is at least the
// parent's RSS when it was spawned. The parent therefore never holds model
// bytes, and each child also reports VmHWM (the peak of its own address space,
// reset by exec) as a cross-check.
const peakOwnRssBytes = () => {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return match ? Number(match[1]) * 1024 : undefined;
};

function sameBytes(a, b) {
  return (
    a.byteLength === b.byteLength &&
    Buffer.compare(
      Buffer.from(a.buffer, a.byteOffset, a.byteLength),
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    ) === 0
  );
}

/** Runs a child process and returns the JSON it reported (throws with its stderr on failure). */
let parentMaxRss = 0;
function runChild(command, args, label) {
  parentMaxRss = Math.max(parentMaxRss, process.memoryUsage().rss);
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const line = (result.stdout ?? "").split("\n").find((l) => l.startsWith(RESULT_MARK));
  if (result.status !== 0 || !line) {
    throw new Error(
      `${label} failed (exit ${result.status}, signal ${result.signal}):\n${result.stderr}\n${result.stdout}`,
    );
  }
  return JSON.parse(line.slice(RESULT_MARK.length));
}

const nodeChild = (mode, extra = []) =>
  runChild(
    process.execPath,
    ["--expose-gc", here, "--child", mode, ...extra],
    `node child "${mode}"`,
  );

// ---------------------------------------------------------------- children

/**
 * A BERT-like encoder stack: 125 layers × 16 initializers (+ embeddings) ≈
 * 2,000 float32 initializers from `hidden` floats up to 4·hidden² floats each;
 * the hidden size is chosen so the file is about `sizeMb`.
 */
async function childGenerate(path, sizeMb) {
  const { DataType, ModelBuilder, saveModel } = await import(distUrl);
  const layers = 125;
  const target = sizeMb * 1e6;
  // Per layer: 12·H² weight floats (q, k, v, o: H×H; up: H×4H; down: 4H×H) ≈ 48·H² bytes; 8% go to the embedding table.
  const hidden = Math.max(8, Math.round(Math.sqrt((0.92 * target) / (layers * 48)) / 8) * 8);
  const vocab = Math.max(16, Math.round((0.08 * target) / (hidden * 4)));
  const b = new ModelBuilder({
    opset: 17,
    seed: 20261128,
    graphName: "synthetic_encoder",
    producerName: "rectify-bench",
  });
  const ids = b.input("input_ids", DataType.INT64, ["batch", "sequence"]);
  const scale = (fanIn) => ({ uniform: [-1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn)] });
  const weight = (name, dims) => b.randomInitializer(name, dims, scale(dims[0]));
  const vector = (name, n, around = 0) =>
    b.randomInitializer(name, [n], { uniform: [around - 0.02, around + 0.02] });
  let h = b.op(
    "Gather",
    [weight("embeddings.word_embeddings.weight", [vocab, hidden]), ids],
    undefined,
    {
      name: "/embeddings/word_embeddings/Gather",
    },
  );
  const linear = (x, prefix, path, fanIn, fanOut) => {
    const w = weight(`${prefix}.weight`, [fanIn, fanOut]);
    const bias = vector(`${prefix}.bias`, fanOut);
    return b.op(
      "Add",
      [b.op("MatMul", [x, w], undefined, { name: `${path}/MatMul` }), bias],
      undefined,
      { name: `${path}/Add` },
    );
  };
  const affine = (x, prefix, path) => {
    const scaled = b.op("Mul", [x, vector(`${prefix}.weight`, hidden, 1)], undefined, {
      name: `${path}/Mul`,
    });
    return b.op("Add", [scaled, vector(`${prefix}.bias`, hidden)], undefined, {
      name: `${path}/Add`,
    });
  };
  for (let layer = 0; layer < layers; layer++) {
    const p = `encoder.layer.${layer}`;
    const path = `/encoder/layer.${layer}`;
    let a = h;
    for (const part of ["query", "key", "value"]) {
      a = b.op(
        "Relu",
        [
          linear(
            a,
            `${p}.attention.self.${part}`,
            `${path}/attention/self/${part}`,
            hidden,
            hidden,
          ),
        ],
        undefined,
        {
          name: `${path}/attention/self/${part}/Relu`,
        },
      );
    }
    a = linear(a, `${p}.attention.output.dense`, `${path}/attention/output/dense`, hidden, hidden);
    a = b.op("Add", [a, h], undefined, { name: `${path}/attention/output/residual/Add` });
    a = affine(a, `${p}.attention.output.LayerNorm`, `${path}/attention/output/LayerNorm`);
    let f = linear(a, `${p}.intermediate.dense`, `${path}/intermediate/dense`, hidden, 4 * hidden);
    f = b.op("Relu", [f], undefined, { name: `${path}/intermediate/Relu` });
    f = linear(f, `${p}.output.dense`, `${path}/output/dense`, 4 * hidden, hidden);
    f = b.op("Add", [f, a], undefined, { name: `${path}/output/residual/Add` });
    h = affine(f, `${p}.output.LayerNorm`, `${path}/output/LayerNorm`);
  }
  b.output(h, DataType.FLOAT, ["batch", "sequence", hidden], "last_hidden_state");
  const model = b.build();
  await saveModel(model, path);
  const bytes = readFileSync(path);
  report({
    hidden,
    vocab,
    layers,
    initializers: model.graph.initializers.length,
    nodes: model.graph.nodes.length,
    bytes: bytes.byteLength,
    sha256: createHash("sha256").update(bytes).digest("hex"),
  });
}

/** Timed rectify operations, each repeated; also checks that everything written equals the input. */
async function childRectifyTiming(path, out, repeat) {
  const { decodeModel, encodeModel, encodeModelChunks, loadModel, saveModel } = await import(
    distUrl
  );
  const times = { load: [], decode: [], encode: [], encodeChunks: [], save: [] };
  let model;
  for (let i = 0; i < repeat; i++) {
    model = undefined;
    await settle();
    const t0 = now();
    model = await loadModel(path);
    times.load.push(now() - t0);
  }
  model = undefined;
  const input = readFileSync(path);
  for (let i = 0; i < repeat; i++) {
    model = undefined;
    await settle();
    const t0 = now();
    model = decodeModel(input, { source: path });
    times.decode.push(now() - t0);
  }
  const checks = {};
  for (let i = 0; i < repeat; i++) {
    await settle();
    const t0 = now();
    const encoded = encodeModel(model);
    times.encode.push(now() - t0);
    if (i === 0) checks.encodeIdentical = sameBytes(encoded, input);
  }
  for (let i = 0; i < repeat; i++) {
    await settle();
    const t0 = now();
    encodeModelChunks(model);
    times.encodeChunks.push(now() - t0);
  }
  for (let i = 0; i < repeat; i++) {
    await settle();
    const t0 = now();
    await saveModel(model, out);
    times.save.push(now() - t0);
  }
  const saved = readFileSync(out);
  checks.saveIdentical = sameBytes(saved, input);
  const again = decodeModel(saved, { source: out });
  checks.savedRedecodes =
    again.graph.initializers.length === model.graph.initializers.length &&
    again.graph.nodes.length === model.graph.nodes.length;
  rmSync(out, { force: true });
  const medians = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
  report({ times, medians, checks, maxRss: maxRssBytes(), vmHwm: peakOwnRssBytes() });
}

/** One realistic "load, edit, save" pass for the peak-memory number (nothing else in the process). */
async function childRectifyPeak(path, out) {
  const { loadModel, saveModel } = await import(distUrl);
  const t0 = now();
  const model = await loadModel(path);
  const t1 = now();
  await saveModel(model, out);
  const t2 = now();
  const maxRss = maxRssBytes();
  const vmHwm = peakOwnRssBytes();
  const identical = sameBytes(readFileSync(out), readFileSync(path));
  rmSync(out, { force: true });
  report({ loadMs: t1 - t0, saveMs: t2 - t1, maxRss, vmHwm, identical });
}

/** Baselines: a bare Node process, and one that only imports the package. */
async function childBaseline(withImport) {
  if (withImport) await import(distUrl);
  report({ maxRss: maxRssBytes(), vmHwm: peakOwnRssBytes() });
}

// ---------------------------------------------------------------- python

const pythonHwm = `
def vm_hwm():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"): return int(line.split()[1]) * 1024
`;

const pythonTiming = `
import sys, time, json, resource, statistics, os
${pythonHwm}
import onnx
path, out, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
load, save, both = [], [], []
for i in range(repeat):
    model = None
    t0 = time.perf_counter(); model = onnx.load(path); t1 = time.perf_counter()
    onnx.save(model, out); t2 = time.perf_counter()
    load.append((t1 - t0) * 1e3); save.append((t2 - t1) * 1e3); both.append((t2 - t0) * 1e3)
with open(path, "rb") as f: a = f.read()
with open(out, "rb") as f: b = f.read()
os.remove(out)
print("${RESULT_MARK}" + json.dumps({"times": {"load": load, "save": save, "loadSave": both},
  "medians": {"load": statistics.median(load), "save": statistics.median(save), "loadSave": statistics.median(both)},
  "identical": a == b, "maxRss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, "vmHwm": vm_hwm(), "onnx": onnx.__version__}))
`;

const pythonPeak = `
import sys, json, resource, os, time
import onnx
${pythonHwm}
path, out = sys.argv[1], sys.argv[2]
load_ms = save_ms = None
if out != "-":  # "-": baseline, import only
    t0 = time.perf_counter(); model = onnx.load(path); t1 = time.perf_counter()
    onnx.save(model, out); t2 = time.perf_counter(); os.remove(out)
    load_ms, save_ms = (t1 - t0) * 1e3, (t2 - t1) * 1e3
print("${RESULT_MARK}" + json.dumps({"maxRss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, "vmHwm": vm_hwm(),
  "loadMs": load_ms, "saveMs": save_ms}))
`;

const pythonCheck = `
import sys, json, onnx
path = sys.argv[1]
onnx.checker.check_model(path, full_check=True)
m = onnx.load(path)
print("${RESULT_MARK}" + json.dumps({"ok": True, "initializers": len(m.graph.initializer), "nodes": len(m.graph.node),
  "irVersion": m.ir_version, "opset": m.opset_import[0].version}))
`;

const python = (script, args, label) => runChild(options.python, ["-c", script, ...args], label);

// ---------------------------------------------------------------- main

async function main() {
  const sizeMb = Number(options["size-mb"]);
  const repeat = Math.max(1, Number(options.repeat) | 0);
  if (!(sizeMb > 0))
    throw new Error(`--size-mb must be a positive number, got ${options["size-mb"]}`);
  const log = options.json ? () => {} : (line) => console.log(line);
  const folder = mkdtempSync(join(tmpdir(), "rectify-bench-io-"));
  const path = join(folder, "synthetic.onnx");
  const out = join(folder, "resaved.onnx");
  try {
    log(`generating a ~${sizeMb} MB model in ${folder} …`);
    const generated = nodeChild("generate", ["--path", path, "--size-mb", String(sizeMb)]);
    const fileBytes = statSync(path).size;
    const mb = fileBytes / 1e6;
    log(
      `  ${mb.toFixed(1)} MB, ${generated.initializers} initializers, ${generated.nodes} nodes (hidden ${generated.hidden}, vocab ${generated.vocab})`,
    );
    log("checking it with python onnx.checker (full_check) …");
    const checked = python(pythonCheck, [path], "python check");
    log(
      `  python: ok, ${checked.initializers} initializers, ${checked.nodes} nodes, IR ${checked.irVersion}, opset ${checked.opset}`,
    );
    // The page cache is warm now (just written, then read by python); the parent never reads the model itself.

    const loadBefore = loadavg();
    log(`measuring (each in a fresh process, median of ${repeat}) …`);
    const baseNode = nodeChild("baseline");
    const baseNodeImport = nodeChild("baseline-import");
    const basePython = python(pythonPeak, [path, "-"], "python baseline");
    const rectify = nodeChild("rectify", [
      "--path",
      path,
      "--out",
      out,
      "--repeat",
      String(repeat),
    ]);
    const py = python(pythonTiming, [path, out, String(repeat)], "python timing");
    // Single passes in fresh processes (what a script or the CLI does), rectify
    // and python interleaved in ABBA order so drift on a shared machine hits
    // both alike; dirty pages from the previous write are flushed (sync)
    // before each.
    const passes = { rectify: [], python: [] };
    for (let i = 0; i < repeat; i++) {
      const order = i % 2 === 0 ? ["rectify", "python"] : ["python", "rectify"];
      for (const who of order) {
        spawnSync("sync");
        passes[who].push(
          who === "rectify"
            ? nodeChild("peak", ["--path", path, "--out", out])
            : python(pythonPeak, [path, out], "python peak"),
        );
      }
    }
    const singlePass = (runs) => {
      const worst = runs.reduce((a, b) => (b.maxRss > a.maxRss ? b : a));
      return {
        loadMs: median(runs.map((x) => x.loadMs)),
        saveMs: median(runs.map((x) => x.saveMs)),
        totalMs: median(runs.map((x) => x.loadMs + x.saveMs)),
        allTotalMs: runs.map((x) => x.loadMs + x.saveMs),
        maxRss: worst.maxRss,
        vmHwm: Math.max(...runs.map((x) => x.vmHwm ?? 0)),
        identical: runs.every((x) => x.identical !== false),
      };
    };
    const peak = singlePass(passes.rectify);
    const pyPeak = singlePass(passes.python);

    const m = rectify.medians;
    const rate = (ms) => mb / (ms / 1000);
    const memory = (child, baseline) => ({
      maxRss: child.maxRss,
      vmHwm: child.vmHwm,
      ratioToFile: child.maxRss / fileBytes,
      marginalRatio: (child.maxRss - baseline.maxRss) / fileBytes,
    });
    const result = {
      file: {
        bytes: fileBytes,
        initializers: generated.initializers,
        nodes: generated.nodes,
        sha256: generated.sha256,
      },
      repeat,
      node: process.version,
      loadAverage: { before: loadBefore, after: loadavg() },
      python: { onnx: py.onnx },
      rectify: {
        medianMs: m,
        allMs: rectify.times,
        mbPerSecond: {
          load: rate(m.load),
          decode: rate(m.decode),
          encode: rate(m.encode),
          encodeChunks: rate(m.encodeChunks),
          save: rate(m.save),
        },
        timingChild: memory(rectify, baseNodeImport),
        loadSave: { ...memory(peak, baseNodeImport), ...peak },
        checks: { ...rectify.checks, peakRunIdentical: peak.identical },
      },
      pythonOnnx: {
        medianMs: py.medians,
        allMs: py.times,
        mbPerSecond: { load: rate(py.medians.load), save: rate(py.medians.save) },
        timingChild: memory(py, basePython),
        loadSave: { ...memory(pyPeak, basePython), ...pyPeak },
        resaveIdenticalToInput: py.identical,
      },
      baselines: {
        nodeBare: baseNode.maxRss,
        nodeWithPackage: baseNodeImport.maxRss,
        pythonWithOnnx: basePython.maxRss,
        vmHwm: {
          nodeBare: baseNode.vmHwm,
          nodeWithPackage: baseNodeImport.vmHwm,
          pythonWithOnnx: basePython.vmHwm,
        },
        parentRssAtSpawn: parentMaxRss,
      },
      ratios: {
        decodeVsPythonLoad: py.medians.load / m.decode,
        loadVsPythonLoad: py.medians.load / m.load,
        loadSaveVsPythonLoadSave: py.medians.loadSave / (m.load + m.save),
        singlePassLoadSave: pyPeak.totalMs / peak.totalMs,
      },
    };
    const checks = result.rectify.checks;
    result.targets = [
      {
        name: "decode ≥ 1 GB/s",
        value: `${(result.rectify.mbPerSecond.decode / 1000).toFixed(2)} GB/s`,
        pass: result.rectify.mbPerSecond.decode >= 1000,
      },
      {
        name: "peak RSS ≤ 1.5× file (load+save)",
        value: `${result.rectify.loadSave.ratioToFile.toFixed(3)}× (marginal ${result.rectify.loadSave.marginalRatio.toFixed(3)}×; python ${result.pythonOnnx.loadSave.ratioToFile.toFixed(2)}×)`,
        pass: result.rectify.loadSave.ratioToFile <= 1.5,
      },
      {
        name: "faster than python load+save",
        value: `${result.ratios.singlePassLoadSave.toFixed(2)}× single passes (median of ${repeat}, interleaved); ${result.ratios.loadSaveVsPythonLoadSave.toFixed(2)}× warm medians`,
        pass: result.ratios.singlePassLoadSave > 1 && result.ratios.loadSaveVsPythonLoadSave > 1,
      },
      {
        name: "round trip byte-identical",
        value: Object.entries(checks)
          .map(([k, v]) => `${k}=${v}`)
          .join(" "),
        pass: Object.values(checks).every(Boolean),
      },
    ];

    if (options.json) {
      console.log(JSON.stringify(result, null, 2));
    } else {
      printTable(result, mb);
    }
    // Only a wrong round trip fails the script; speed and memory targets are reported (shared machines are noisy).
    if (!result.targets[3].pass) process.exitCode = 1;
  } finally {
    if (options.keep) console.error(`kept ${folder}`);
    else rmSync(folder, { recursive: true, force: true });
  }
}

function printTable(r, mb) {
  const MB = (bytes) => (bytes === undefined ? "?" : `${(bytes / 1e6).toFixed(0)} MB`);
  const ms = (x) => `${x.toFixed(0)} ms`;
  const rate = (x) => `${x.toFixed(0)} MB/s`;
  const rm = r.rectify.medianMs;
  const pm = r.pythonOnnx.medianMs;
  const rp = r.rectify.loadSave;
  const pp = r.pythonOnnx.loadSave;
  const rows = [
    [`rectify loadModel (read + decode)`, rm.load],
    ["rectify decodeModel (bytes in memory)", rm.decode],
    ["rectify encodeModel (one buffer)", rm.encode],
    ["rectify encodeModelChunks (no I/O)", rm.encodeChunks],
    ["rectify saveModel (streaming, atomic)", rm.save],
    ["rectify loadModel + saveModel (sum)", rm.load + rm.save],
    ["python onnx.load", pm.load],
    ["python onnx.save", pm.save],
    ["python onnx.load + onnx.save", pm.loadSave],
    [`single pass, fresh process: rectify loadModel`, rp.loadMs],
    [`single pass, fresh process: rectify saveModel`, rp.saveMs],
    [`single pass, fresh process: rectify load + save`, rp.totalMs],
    [`single pass, fresh process: python onnx.load`, pp.loadMs],
    [`single pass, fresh process: python onnx.save`, pp.saveMs],
    [`single pass, fresh process: python load + save`, pp.totalMs],
  ];
  const w0 = Math.max(...rows.map((x) => x[0].length));
  console.log("");
  console.log(
    `model: ${mb.toFixed(1)} MB (1 MB = 10^6 B), ${r.file.initializers} initializers, ${r.file.nodes} nodes; node ${r.node}, python onnx ${r.python.onnx}`,
  );
  const load = (l) => l.map((x) => x.toFixed(2)).join(" ");
  console.log(
    `machine: ${cpus().length} CPUs, load average before ${load(r.loadAverage.before)}, after ${load(r.loadAverage.after)} (other work on the machine skews times)`,
  );
  console.log("");
  console.log(
    `${`operation (median of ${r.repeat}; warm = repeated in one process)`.padEnd(w0)}  ${"time".padStart(8)}  ${"throughput".padStart(10)}`,
  );
  for (const [name, t] of rows)
    console.log(`${name.padEnd(w0)}  ${ms(t).padStart(8)}  ${rate(mb / (t / 1000)).padStart(10)}`);
  console.log("");
  const w1 = 44;
  console.log(
    `${"peak memory (fresh process each)".padEnd(w1)}  ${"maxRSS".padStart(7)}  ${"×file".padStart(6)}  ${"marginal×file".padStart(13)}  ${"VmHWM".padStart(7)}`,
  );
  const memRow = (name, m, base) =>
    console.log(
      `${name.padEnd(w1)}  ${MB(m.maxRss).padStart(7)}  ${(m.maxRss / r.file.bytes).toFixed(2).padStart(6)}  ${(base === undefined ? "" : ((m.maxRss - base) / r.file.bytes).toFixed(2)).padStart(13)}  ${MB(m.vmHwm).padStart(7)}`,
    );
  memRow("node, nothing loaded", {
    maxRss: r.baselines.nodeBare,
    vmHwm: r.baselines.vmHwm.nodeBare,
  });
  memRow("node, @rectify/onnx imported (baseline)", {
    maxRss: r.baselines.nodeWithPackage,
    vmHwm: r.baselines.vmHwm.nodeWithPackage,
  });
  memRow(
    "rectify loadModel + saveModel (once, worst)",
    r.rectify.loadSave,
    r.baselines.nodeWithPackage,
  );
  memRow(
    "rectify timing child (all ops, repeated)",
    r.rectify.timingChild,
    r.baselines.nodeWithPackage,
  );
  memRow("python, onnx imported (baseline)", {
    maxRss: r.baselines.pythonWithOnnx,
    vmHwm: r.baselines.vmHwm.pythonWithOnnx,
  });
  memRow(
    "python onnx.load + onnx.save (once, worst)",
    r.pythonOnnx.loadSave,
    r.baselines.pythonWithOnnx,
  );
  memRow("python timing child (repeated)", r.pythonOnnx.timingChild, r.baselines.pythonWithOnnx);
  console.log(
    `(marginal = maxRSS − baseline; parent RSS at spawn, a floor for every child's maxRSS: ${MB(r.baselines.parentRssAtSpawn)})`,
  );
  console.log("");
  console.log("ratios (python time / rectify time; > 1 means rectify is faster)");
  const ratio = (name, x) => console.log(`  ${name.padEnd(48)} ${x.toFixed(2)}×`);
  ratio("decodeModel vs onnx.load (warm):", r.ratios.decodeVsPythonLoad);
  ratio("loadModel vs onnx.load (warm):", r.ratios.loadVsPythonLoad);
  ratio("loadModel+saveModel vs load+save (warm):", r.ratios.loadSaveVsPythonLoadSave);
  ratio("single pass load+save, fresh processes:", r.ratios.singlePassLoadSave);
  console.log(
    `  (single-pass totals, ms: rectify ${rp.allTotalMs.map((x) => x.toFixed(0)).join(" ")}; python ${pp.allTotalMs.map((x) => x.toFixed(0)).join(" ")})`,
  );
  console.log(
    `  (python's re-save is byte-identical to the input: ${r.pythonOnnx.resaveIdenticalToInput})`,
  );
  console.log("");
  console.log("targets");
  for (const t of r.targets)
    console.log(`  ${t.pass ? "PASS" : "MISS"}  ${t.name.padEnd(34)} ${t.value}`);
}

// ---------------------------------------------------------------- dispatch

switch (options.child) {
  case undefined:
    await main();
    break;
  case "generate":
    await childGenerate(options.path, Number(options["size-mb"]));
    break;
  case "rectify":
    await childRectifyTiming(options.path, options.out, Number(options.repeat));
    break;
  case "peak":
    await childRectifyPeak(options.path, options.out);
    break;
  case "baseline":
    await childBaseline(false);
    break;
  case "baseline-import":
    await childBaseline(true);
    break;
  default:
    throw new Error(`unknown --child ${options.child}`);
}
