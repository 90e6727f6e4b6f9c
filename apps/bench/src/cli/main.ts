#!/usr/bin/env node
// pnpm bench:app [--quick] [--models …] [--targets …] [--providers …] [--json F] [--html F] [--serve]
import { readFile } from "node:fs/promises";
import { builtinTargets } from "@rectify/rewrite";
import { providerNamed, registeredProviders } from "@rectify/runtime";
import { Command, InvalidArgumentError } from "commander";
import { defaultSweepBudgets } from "../measure/sweep.js";
import { reportSchema } from "../report/schema.js";
import { terminalSummary } from "../report/terminal.js";
import { selectModels, zooModels } from "../zoo/index.js";
import { type BrowserBench, browserUnavailable, openBrowserBench } from "./browser-bench.js";
import { progressBar } from "./progress.js";
import { runBench } from "./run-bench.js";
import { serveBenchPage } from "./serve.js";
import { writeReports } from "./write-reports.js";

const list = (value: string) =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);

const positive = (value: string) => {
  const number = Number(value);
  if (!(number > 0)) throw new InvalidArgumentError(`expected a number > 0, got ${value}`);
  return number;
};

const dimension = (value: string, previous: Record<string, number> = {}) => {
  const match = /^([^=]+)=(\d+)$/.exec(value);
  if (!match) throw new InvalidArgumentError(`expected name=size, got ${value}`);
  return { ...previous, [match[1]!]: Number(match[2]) };
};

/** Providers by where they run: plain cpu/wasm are Node's, webgpu* Chromium's; "chromium:wasm" names the browser's wasm. */
const nodeProviderNames = ["cpu", "wasm"];
const browserProviderNames = ["wasm", "webgpu", "webgpu-jsep"];

function splitProviders(names: readonly string[]): { node: string[]; browser: string[] } {
  const node: string[] = [];
  const browser: string[] = [];
  for (const name of names) {
    const [where, provider] = name.includes(":") ? name.split(":", 2) : [undefined, name];
    const inBrowser =
      where === "chromium" || (where === undefined && provider!.startsWith("webgpu"));
    if (where !== undefined && where !== "chromium" && where !== "node")
      throw new InvalidArgumentError(`unknown place ${where} in ${name} (node: or chromium:)`);
    const known = inBrowser ? browserProviderNames : nodeProviderNames;
    if (!known.includes(provider!))
      throw new InvalidArgumentError(
        `unknown provider ${name}; Node has ${nodeProviderNames.join(", ")}, Chromium ${browserProviderNames.map((entry) => `chromium:${entry}`).join(", ")}`,
      );
    (inBrowser ? browser : node).push(provider!);
  }
  return { node, browser };
}

const quickDefaults = {
  targets: ["algebraic", "ort-webgpu"],
  providers: ["cpu", "wasm", "chromium:wasm", "chromium:webgpu"],
  sweep: ["mlp-gelu"],
  budgets: [1e-4, 1e-3, 1e-2, 0.1],
};

const fullDefaults = {
  providers: ["cpu", "wasm", "chromium:wasm", "chromium:webgpu", "chromium:webgpu-jsep"],
  sweep: ["mlp-gelu", "transformer-gelu", "cnn-mish", "torch/detector"],
};

async function main(argv: string[]): Promise<number> {
  const program = new Command("rectify-bench")
    .description(
      "Benchmarks rectify's rewrite: every zoo model before and after optimizing for each target, measured on each provider (Node: cpu, wasm; Chromium: wasm, webgpu, webgpu-jsep) — latency side by side, output error, CPU fallback — plus a budget sweep and the kernels' throughput.",
    )
    .option("--quick", "a small set for a fast look (≈ 4 min)")
    .option(
      "--models <list>",
      "zoo ids, wildcards (cnn-*, torch/*) or .onnx paths, comma-separated",
      list,
    )
    .option("--targets <list>", `target profiles (${[...builtinTargets.keys()].join(", ")})`, list)
    .option(
      "--providers <list>",
      "cpu, wasm (Node); chromium:wasm, webgpu, webgpu-jsep (Chromium)",
      list,
    )
    .option("--budget <n>", "max |error| per substituted activation", positive, 1e-3)
    .option("--budgets <list>", "budgets of the sweep (default 1e-4 … 0.3)", (value) =>
      list(value).map(positive),
    )
    .option("--sweep <list>", "models to sweep the budget for ('' for none)", (value) =>
      list(value),
    )
    .option("--sweep-target <name>", "target of the sweep", "algebraic")
    .option("--no-kernels", "skip the kernels' throughput")
    .option(
      "--no-study",
      "skip the planning study (ort-cpu and ort-wasm on their own Node providers: predicted against measured speedup, static plan against measured planning)",
    )
    .option("--study-only", "only the planning study: no before/after runs per target and provider")
    .option(
      "--dim <name=size>",
      "size of a symbolic dim of your own models (repeatable)",
      dimension,
    )
    .option("--json <file>", "write the report as JSON (default bench-report/rectify-bench.json)")
    .option(
      "--html <file>",
      "write the offline HTML report (default bench-report/rectify-bench.html)",
    )
    .option("--serve [port]", "serve the browser page (drop an .onnx file, run it live) and wait")
    .option("--list", "list the zoo and exit")
    .option(
      "--render <json>",
      "write the HTML report (--html) of a report JSON written before, and exit",
    );
  program.parse(argv);
  const options = program.opts<{
    quick?: boolean;
    models?: string[];
    targets?: string[];
    providers?: string[];
    budget: number;
    budgets?: number[];
    sweep?: string[];
    sweepTarget: string;
    kernels: boolean;
    study: boolean;
    studyOnly?: boolean;
    dim?: Record<string, number>;
    json?: string;
    html?: string;
    serve?: boolean | string;
    list?: boolean;
    render?: string;
  }>();

  if (options.serve !== undefined) {
    await serveBenchPage(options.serve === true ? 0 : Number(options.serve));
    return 0;
  }
  if (options.render) {
    const report = reportSchema.parse(JSON.parse(await readFile(options.render, "utf8")));
    const html = options.html ?? `${options.render.replace(/\.json$/i, "")}.html`;
    await writeReports(report, { html });
    console.log(`wrote ${html}`);
    return 0;
  }
  const zoo = zooModels();
  if (options.list) {
    for (const model of zoo)
      console.log(
        `${model.id.padEnd(30)} ${model.quick ? "quick " : "      "}${model.description}`,
      );
    return 0;
  }
  const quick = options.quick ?? false;
  const models = options.models
    ? selectModels(zoo, options.models, options.dim)
    : zoo.filter((model) => !quick || model.quick);
  const targets = options.targets ?? (quick ? quickDefaults.targets : [...builtinTargets.keys()]);
  for (const target of targets)
    if (!builtinTargets.has(target))
      throw new InvalidArgumentError(
        `unknown target ${target}; built in: ${[...builtinTargets.keys()].join(", ")}`,
      );
  const wanted = splitProviders(
    options.providers ?? (quick ? quickDefaults.providers : fullDefaults.providers),
  );
  const nodeProviders: string[] = [];
  for (const name of wanted.node) {
    const availability = await providerNamed(name)?.availability();
    if (availability?.available) nodeProviders.push(name);
    else
      console.error(
        `bench: Node provider ${name} skipped: ${availability && !availability.available ? availability.reason : "not registered"}`,
      );
  }
  let browser: BrowserBench | undefined;
  if (wanted.browser.length > 0) {
    const why = browserUnavailable();
    if (why) console.error(`bench: Chromium providers skipped: ${why}`);
    else {
      browser = await openBrowserBench(wanted.browser);
      const missing = wanted.browser.filter((name) => !browser!.providers.includes(name));
      if (missing.length)
        console.error(`bench: Chromium has no ${missing.join(", ")} here (no WebGPU adapter)`);
    }
  }
  const sweepModels = options.sweep ?? (quick ? quickDefaults.sweep : fullDefaults.sweep);
  // The study needs the target's own engine: ort-cpu on Node's cpu provider, ort-wasm on its wasm.
  const studyTargets = options.study
    ? targets.flatMap((target) => {
        const own = registeredProviders().find(
          (entry) => entry.target === target && entry.profile,
        )?.name;
        return own && nodeProviders.includes(own) ? [{ target, provider: own }] : [];
      })
    : [];
  if (options.studyOnly && studyTargets.length === 0)
    throw new InvalidArgumentError(
      "--study-only needs ort-cpu or ort-wasm among --targets, with its provider (cpu, wasm) among --providers",
    );
  const jsonPath = options.json ?? "bench-report/rectify-bench.json";
  const bar = progressBar();
  let report: Awaited<ReturnType<typeof runBench>>;
  try {
    report = await runBench(
      {
        quick,
        models,
        targets,
        nodeProviders,
        ...(browser ? { browser } : {}),
        budget: options.budget,
        sweepModels,
        sweepTarget: options.sweepTarget,
        sweepBudgets: options.budgets ?? (quick ? quickDefaults.budgets : defaultSweepBudgets),
        kernels: options.kernels,
        studyTargets,
        ...(options.studyOnly ? { studyOnly: true } : {}),
        // The JSON is rewritten after each model, so a stopped run keeps what it measured.
        onCheckpoint: async (partial) => {
          await writeReports(partial, { json: jsonPath });
        },
      },
      bar.update,
    );
  } finally {
    bar.stop();
    await browser?.close();
  }
  const written = await writeReports(report, {
    json: jsonPath,
    html: options.html ?? "bench-report/rectify-bench.html",
  });
  console.log(terminalSummary(report));
  console.log(
    `\n${report.runs.length} runs in ${report.elapsedSeconds} s; wrote ${written.join(" and ")}`,
  );
  // 1 when anything could not be measured: a run failed or a model could not be loaded.
  return report.runs.some((run) => run.status === "failed") ||
    report.models.some((model) => model.error)
    ? 1
    : 0;
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
