// Probes which ONNX ops onnxruntime's providers really run: every ONNX
// backend conformance model (/usr/share/libonnx-testdata/data/node) and the
// built cases of probe-cases.ts, on one provider with CPU fallback disabled,
// then writes per-op, per-opset facts to src/targets/probed/<provider>.json
// (read by src/targets/probed.test.ts, which holds the profiles to them).
//
// Usage: tsx scripts/probe-providers.ts --provider cpu|wasm|webgpu|webgpu-jsep
//          [--only <regex over case ids>] [--fresh] [--timeout <ms>] [--no-write]
// Results are cached one JSON line per case in <repo>/.cache/probe/<provider>.jsonl,
// so an interrupted run resumes where it stopped (--fresh starts over); --only
// runs a batch. The JSON file is written from every cached case of the provider.
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  bundleBrowserEntry,
  type ChromiumPage,
  onnxruntimeWebFiles,
  openChromiumPage,
} from "@rectify/chromium-harness";
import { attributeOps, type CaseRecord } from "./probe-attribute.js";
import { builtCases, conformanceCases, type ProbeCase, type SkippedCase } from "./probe-cases.js";
import { asReference, compareOutputs } from "./probe-compare.js";
import { formatJson } from "./probe-format.js";
import type { ProbePageDriver } from "./probe-page.js";
import {
  type ProbeOrt,
  type ProbeOutcome,
  type ProbeRunOptions,
  runProbeCase,
} from "./probe-run.js";

/** The probed providers, named as @rectify/runtime names them. */
export const probedProviders = ["cpu", "wasm", "webgpu", "webgpu-jsep"] as const;
export type ProbedProvider = (typeof probedProviders)[number];

const describeProvider: Record<
  ProbedProvider,
  { profile: string; package: string; bundle?: string; executionProvider: string; where: string }
> = {
  cpu: { profile: "ort-cpu", package: "onnxruntime-node", executionProvider: "cpu", where: "Node" },
  wasm: {
    profile: "ort-wasm",
    package: "onnxruntime-web",
    executionProvider: "wasm",
    where: "Node",
  },
  webgpu: {
    profile: "ort-webgpu",
    package: "onnxruntime-web",
    bundle: "onnxruntime-web/webgpu (C++ WebGPU provider)",
    executionProvider: "webgpu",
    where: "headless Chromium",
  },
  "webgpu-jsep": {
    profile: "ort-webgpu-jsep",
    package: "onnxruntime-web",
    bundle: "onnxruntime-web (main build: JSEP, the JS WebGPU provider)",
    executionProvider: "webgpu",
    where: "headless Chromium",
  },
};

const here = dirname(fileURLToPath(import.meta.url));
const cacheFolder = join(here, "..", "..", "..", ".cache", "probe");
const outputFolder = join(here, "..", "src", "targets", "probed");

function packageVersion(name: string): string {
  const require = createRequire(import.meta.url);
  let folder = dirname(require.resolve(name));
  while (!existsSync(join(folder, "package.json"))) folder = dirname(folder);
  return (JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as { version: string })
    .version;
}

/** Runs one case somewhere and returns the raw outcome. */
type Runner = (probe: ProbeCase) => Promise<ProbeOutcome>;

async function nodeRunner(provider: "cpu" | "wasm"): Promise<Runner> {
  const ort = (provider === "cpu"
    ? await import("onnxruntime-node")
    : await import("onnxruntime-web")) as unknown as ProbeOrt & {
    env: { wasm: { numThreads?: number }; logLevel?: string };
  };
  if (provider === "wasm") ort.env.wasm.numThreads = 1;
  ort.env.logLevel = "error";
  const options: ProbeRunOptions = { executionProvider: provider, disableCpuFallback: false };
  return (probe) => runProbeCase(ort, probe.model, probe.feeds, options);
}

/** A served model's file name (the harness serves /models/<name>.onnx). */
const servedName = (id: string) => id.replace(/[^\w.-]/g, "_");

/** Opens the probe page in Chromium; each case runs in it with a timeout, and a stuck or crashed page is replaced. */
async function browserRunner(
  provider: "webgpu" | "webgpu-jsep",
  cases: readonly ProbeCase[],
  timeout: number,
): Promise<{ run: Runner; environment: Record<string, string>; close(): Promise<void> }> {
  const path = `/?bundle=${provider === "webgpu" ? "webgpu" : "main"}`;
  const opened: ChromiumPage = await openChromiumPage({
    title: `rectify provider probe (${provider})`,
    script: await bundleBrowserEntry(new URL("./probe-page.ts", import.meta.url), [
      "onnxruntime-web",
      "onnxruntime-web/*",
    ]),
    onnxruntimeWeb: onnxruntimeWebFiles(import.meta.url),
    models: new Map(cases.map((probe) => [servedName(probe.id), probe.model])),
    readyGlobal: "rectifyProbe",
    path,
  });
  let page = opened.page;
  const call = <K extends keyof ProbePageDriver>(
    method: K,
    argument?: Parameters<ProbePageDriver[K]>[0],
  ) =>
    page.evaluate(
      ([name, value]) =>
        (globalThis as unknown as { rectifyProbe: Record<string, (arg: unknown) => unknown> })
          .rectifyProbe[name]!(value),
      [method, argument] as const,
    ) as Promise<Awaited<ReturnType<ProbePageDriver[K]>>>;
  const loaded = await call("loaded");
  const environment = {
    chromium: opened.browser.version(),
    adapter: await call("adapter"),
    onnxruntimeWebInPage: loaded.version,
  };
  const options: ProbeRunOptions = { executionProvider: "webgpu", disableCpuFallback: true };
  const run = async (probe: ProbeCase, retried = false): Promise<ProbeOutcome> => {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeout);
    });
    try {
      const outcome = await Promise.race([
        call("run", { model: `/models/${servedName(probe.id)}.onnx`, feeds: probe.feeds, options }),
        expired,
      ]);
      if (outcome !== "timeout" && outcome.status !== "run-failed") return outcome;
      if (outcome !== "timeout" && retried) return outcome;
      if (outcome !== "timeout") {
        // JSEP refuses every later run in a page after one run failed ("kernel … is not
        // allowed to be called recursively"): a failure counts only when a fresh page repeats it.
        await page.close().catch(() => undefined);
        page = await opened.openAnother(path);
        return run(probe, true);
      }
    } catch (error) {
      const message = `the page failed: ${(error as Error).message.split("\n")[0]}`;
      await page.close().catch(() => undefined);
      page = await opened.openAnother(path);
      return { status: "run-failed", error: message };
    } finally {
      clearTimeout(timer);
    }
    // A stuck page may hold the GPU queue: start over in a fresh one.
    await page.close().catch(() => undefined);
    page = await opened.openAnother(path);
    return { status: "timeout", error: `no result within ${timeout} ms` };
  };
  return { run: (probe) => run(probe), environment, close: () => opened.close() };
}

function readRecords(file: string): Map<string, CaseRecord> {
  const records = new Map<string, CaseRecord>();
  if (!existsSync(file)) return records;
  for (const line of readFileSync(file, "utf8").split("\n"))
    if (line.trim()) {
      const record = JSON.parse(line) as CaseRecord;
      records.set(record.id, record);
    }
  return records;
}

/** onnxruntime-node CPU outputs of the built cases, their reference on the other providers. */
async function cpuReferences(cases: readonly ProbeCase[]): Promise<ProbeCase[]> {
  const cpu = await nodeRunner("cpu");
  const result: ProbeCase[] = [];
  for (const probe of cases) {
    const outcome = await cpu(probe);
    result.push(outcome.outputs ? { ...probe, expected: asReference(outcome.outputs) } : probe);
  }
  return result;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      provider: { type: "string" },
      only: { type: "string" },
      fresh: { type: "boolean", default: false },
      timeout: { type: "string", default: "60000" },
      "no-write": { type: "boolean", default: false },
    },
  });
  const provider = values.provider as ProbedProvider;
  if (!probedProviders.includes(provider)) {
    console.error(`--provider must be one of ${probedProviders.join(", ")}`);
    process.exit(2);
  }
  const started = performance.now();
  const conformance = conformanceCases();
  let cases = [
    ...conformance.cases,
    ...(provider === "cpu" ? builtCases() : await cpuReferences(builtCases())),
  ];
  const only = values.only ? new RegExp(values.only) : undefined;
  mkdirSync(cacheFolder, { recursive: true });
  const cacheFile = join(cacheFolder, `${provider}.jsonl`);
  if (values.fresh) rmSync(cacheFile, { force: true });
  const done = readRecords(cacheFile);
  const todo = cases.filter((probe) => !done.has(probe.id) && (!only || only.test(probe.id)));
  console.log(`${provider}: ${cases.length} cases, ${done.size} cached, ${todo.length} to run`);
  let environment: Record<string, string> = {};
  let run: Runner;
  let close = async () => {};
  if (provider === "cpu" || provider === "wasm") run = await nodeRunner(provider);
  else {
    const browser = await browserRunner(provider, todo, Number(values.timeout));
    ({ run, environment, close } = browser);
  }
  const probeStarted = performance.now();
  try {
    for (const [index, probe] of todo.entries()) {
      const outcome = await run(probe);
      const comparison =
        outcome.status === "ran" && outcome.outputs && probe.expected
          ? compareOutputs(outcome.outputs, probe.expected)
          : undefined;
      const record: CaseRecord = {
        id: probe.id,
        ops: probe.ops,
        status: outcome.status,
        ...(outcome.error ? { error: outcome.error } : {}),
        ...(comparison ? { matched: comparison.matched } : {}),
        ...(comparison?.difference ? { difference: comparison.difference } : {}),
      };
      appendFileSync(cacheFile, `${JSON.stringify(record)}\n`);
      done.set(record.id, record);
      if ((index + 1) % 50 === 0 || index + 1 === todo.length)
        console.log(
          `  ${index + 1}/${todo.length} (${((performance.now() - probeStarted) / 1000).toFixed(0)} s)`,
        );
    }
  } finally {
    await close();
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`${provider}: ran ${todo.length} cases in ${seconds.toFixed(0)} s`);
  if (values["no-write"]) return;
  const full = todo.length === cases.length;
  cases = cases.filter((probe) => done.has(probe.id));
  writeProbeFile(provider, cases, done, conformance.skipped, environment, seconds, full);
}

function writeProbeFile(
  provider: ProbedProvider,
  cases: readonly ProbeCase[],
  records: ReadonlyMap<string, CaseRecord>,
  skipped: readonly SkippedCase[],
  environment: Record<string, string>,
  seconds: number,
  full: boolean,
): void {
  const all = cases.map((probe) => records.get(probe.id)!);
  const typeBound = new Set(
    cases
      .filter((probe) => probe.feeds.some((feed) => feed.type === "float64"))
      .map((probe) => probe.id),
  );
  const ops = attributeOps(all, typeBound);
  const count = (test: (record: CaseRecord) => boolean) => all.filter(test).length;
  const described = describeProvider[provider];
  const path = join(outputFolder, `${provider}.json`);
  // A partial (resumed or batched) run keeps the duration of the last full one.
  const previous = existsSync(path)
    ? (JSON.parse(readFileSync(path, "utf8")) as { fullRunSeconds?: number })
    : {};
  const file = {
    provider,
    /** The built-in target profile that judges this provider (probed.test.ts holds it to this file). */
    profile: described.profile,
    package: described.package,
    ...(described.bundle ? { bundle: described.bundle } : {}),
    executionProvider: described.executionProvider,
    where: described.where,
    onnxruntimeVersion: packageVersion(described.package),
    date: new Date().toISOString().slice(0, 10),
    disableCpuFallback: provider === "webgpu" || provider === "webgpu-jsep",
    ...environment,
    fullRunSeconds: full ? Math.round(seconds) : previous.fullRunSeconds,
    tolerance: "|got - want| <= 1e-4 + 1e-3 |want| (built cases: want = onnxruntime-node CPU)",
    cases: {
      total: all.length,
      ran: count((record) => record.status === "ran"),
      failed: count((record) => record.status !== "ran"),
      wrongResults: count((record) => record.matched === false),
      notFeedable: skipped.length,
    },
    summary: {
      opsRan: Object.values(ops).filter((op) => op.ran.length > 0).length,
      opsFailedEverywhere: Object.values(ops).filter(
        (op) => op.ran.length === 0 && op.failed.length > 0,
      ).length,
      opsFailedAtSomeOpset: Object.values(ops).filter((op) => op.failed.length > 0).length,
    },
    notFeedable: skipped,
    ops,
  };
  mkdirSync(outputFolder, { recursive: true });
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
  formatJson(path);
  console.log(
    `wrote ${path}: ${file.summary.opsRan} ops ran, ${file.summary.opsFailedEverywhere} failed at every opset`,
  );
}

await main();
