// Long-running fuzzer for the built package (dist): feeds corrupt and
// truncated variants of real ONNX models to decodeModel and the IR, and
// checks that only OnnxError with a known code ever escapes, fast, without
// unbounded memory. Build first: pnpm --filter @rectify/onnx build
//
//   node scripts/fuzz.mjs [--seed N] [--cases N] [--seconds S] [--case I]
//                         [--out DIR] [--slow-ms MS] [--hang-seconds S]
//
// Every case is generated from (seed, index) alone, so `--seed S --case I`
// reruns one case. Failing inputs are written to DIR (default ./fuzz-failures)
// as seed-S-case-I.onnx. A watchdog thread saves the input of a case that
// hangs and exits with status 3.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { isMainThread, Worker, workerData } from "node:worker_threads";
import {
  caseRandom,
  formatSummary,
  generateCase,
  loadCorpus,
  prepareCorpus,
  runCase,
  runFuzz,
  testdataRoot,
} from "./fuzz-mutations.mjs";

if (!isMainThread) {
  // Watchdog: the main thread publishes [case index, heartbeat ms] in shared memory.
  const { shared, seed, outDir, hangSeconds, root } = workerData;
  const state = new Float64Array(shared);
  const poll = () => {
    const [index, since] = [state[0], state[1]];
    if (index >= 0 && Date.now() - since > hangSeconds * 1000) {
      const { bytes, description } = generateCase(
        prepareCorpus(loadCorpus(root)),
        caseRandom(seed, index),
      );
      mkdirSync(outDir, { recursive: true });
      const file = join(outDir, `seed-${seed}-case-${index}.onnx`);
      writeFileSync(file, bytes);
      process.stderr.write(
        `\nHANG: case ${index} has run for more than ${hangSeconds} s: ${description}\n  input saved to ${file}\n  rerun: node scripts/fuzz.mjs --seed ${seed} --case ${index}\n`,
      );
      process.exit(3);
    }
    setTimeout(poll, 250);
  };
  poll();
} else {
  const { values } = parseArgs({
    options: {
      seed: { type: "string" },
      cases: { type: "string", default: "100000" },
      seconds: { type: "string" },
      case: { type: "string" },
      out: { type: "string", default: "fuzz-failures" },
      "slow-ms": { type: "string", default: "2000" },
      "hang-seconds": { type: "string", default: "30" },
      testdata: { type: "string", default: testdataRoot },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(
      "usage: node scripts/fuzz.mjs [--seed N] [--cases N=100000] [--seconds S] [--case I] [--out DIR] [--slow-ms MS] [--hang-seconds S] [--testdata DIR]",
    );
    process.exit(0);
  }
  const seed =
    values.seed !== undefined
      ? Number(values.seed) >>> 0
      : (Date.now() ^ (Math.random() * 2 ** 32)) >>> 0;
  const outDir = resolve(values.out);
  const lib = await import("../dist/index.js");
  const corpus = loadCorpus(values.testdata);
  if (corpus.length === 0) {
    console.error(
      `no corpus models found under ${values.testdata}; install Debian's libonnx-testdata or pass --testdata`,
    );
    process.exit(2);
  }
  console.log(`seed ${seed}; corpus ${corpus.length} models from ${values.testdata}`);

  const saveFailure = (entry) => {
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, `seed-${seed}-case-${entry.index}.onnx`);
    writeFileSync(file, entry.bytes);
    console.log(
      `FAIL case ${entry.index} [${entry.stage}] ${entry.error}\n  input: ${entry.description}\n  saved ${entry.size} bytes to ${file}`,
    );
    if (entry.stack)
      console.log(
        entry.stack
          .split("\n")
          .slice(0, 8)
          .map((l) => `    ${l}`)
          .join("\n"),
      );
  };

  if (values.case !== undefined) {
    const index = Number(values.case);
    const { bytes, description } = generateCase(prepareCorpus(corpus), caseRandom(seed, index));
    console.log(`case ${index}: ${description} (${bytes.length} bytes)`);
    const t0 = performance.now();
    const result = runCase(lib, bytes);
    console.log(
      `  ${result.outcome}${result.code ? ` ${result.code}` : ""} in ${(performance.now() - t0).toFixed(1)} ms; IR errors: ${result.irErrors.join(", ") || "none"}`,
    );
    if (result.failure)
      saveFailure({ index, description, size: bytes.length, bytes, ...result.failure });
    process.exit(result.failure ? 1 : 0);
  }

  const shared = new SharedArrayBuffer(16);
  const state = new Float64Array(shared);
  state[0] = -1;
  const watchdog = new Worker(new URL(import.meta.url), {
    workerData: {
      shared,
      seed,
      outDir,
      hangSeconds: Number(values["hang-seconds"]),
      root: values.testdata,
    },
  });
  watchdog.unref();

  let lastReport = performance.now();
  const summary = runFuzz({
    lib,
    corpus,
    seed,
    cases: Number(values.cases),
    seconds: values.seconds !== undefined ? Number(values.seconds) : Infinity,
    slowMs: Number(values["slow-ms"]),
    maxFailures: 100,
    beforeCase: (index) => {
      state[0] = index;
      state[1] = Date.now();
    },
    onFailure: saveFailure,
    onProgress: (s) => {
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        console.log(
          `  ... ${s.cases} cases, ${s.decoded} decoded, ${s.rejected} rejected, ${s.failures.length} failures`,
        );
      }
    },
  });
  state[0] = -1;
  await watchdog.terminate();
  console.log(formatSummary(summary));
  process.exit(summary.failures.length > 0 || summary.crashed > 0 ? 1 : 0);
}
