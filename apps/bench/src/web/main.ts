// The bench page: a user drops an .onnx file (or picks a generated zoo
// model), chooses target, budget and providers, and sees the measurements
// and charts live; the rewrite runs here, in the browser. The page also
// exposes window.rectifyBench, which the CLI drives for Chromium's providers.
import { decodeModel } from "@rectify/onnx";
import { builtinTargets, modelFacts } from "@rectify/rewrite";
import { configureRuntime, createEvaluator, createSession } from "@rectify/runtime";
import webgpuUrl from "onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm";
import wasmUrl from "onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm";
import { describeError } from "../measure/describe-error.js";
import { feedDims, feedSpecOf, feedsFromSpec } from "../measure/feeds.js";
import { latencyFor } from "../measure/latency-presets.js";
import { measurePair } from "../measure/measure-pair.js";
import { optimizeFor } from "../measure/optimize-for.js";
import { sweepBudgets } from "../measure/sweep.js";
import type { BenchReport, RunEntry, SweepEntry } from "../report/schema.js";
import { reportSchemaId } from "../report/schema-id.js";
import { renderReport } from "../viewer/render.js";
import { generatedModels } from "../zoo/generated.js";
import type { ZooModel } from "../zoo/zoo-model.js";
import { measureJob, measurePageKernels, pageProviders } from "./measure-in-page.js";
import { type PageApi, pageGlobal } from "./protocol.js";

configureRuntime({ wasmPaths: { wasm: wasmUrl, webgpu: webgpuUrl } });

const api: PageApi = {
  providers: pageProviders,
  measure: measureJob,
  kernels: measurePageKernels,
};

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const zoo = generatedModels();
let dropped: ZooModel | undefined;

/** What the page's form says. */
interface Choice {
  readonly model: ZooModel;
  readonly target: string;
  readonly budget: number;
  readonly providers: string[];
  readonly sweep: boolean;
}

function status(text: string): void {
  byId("status").textContent = text;
}

function parseDims(text: string): Record<string, number> | undefined {
  const dims: Record<string, number> = {};
  for (const part of text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean)) {
    const match = /^([^=]+)=(\d+)$/.exec(part);
    if (!match) throw new Error(`dims: expected name=size, got "${part}"`);
    dims[match[1]!.trim()] = Number(match[2]);
  }
  return Object.keys(dims).length ? dims : undefined;
}

function readChoice(): Choice {
  const selected = byId<HTMLSelectElement>("model").value;
  const base =
    selected === "dropped" && dropped ? dropped : zoo.find((model) => model.id === selected);
  if (!base) throw new Error("pick a model or drop an .onnx file");
  const dims = parseDims(byId<HTMLInputElement>("dims").value);
  const model = dims ? { ...base, dims: { ...base.dims, ...dims } } : base;
  const budget = Number(byId<HTMLInputElement>("budget").value);
  if (!(budget > 0)) throw new Error("the budget must be a number > 0");
  const providers = [
    ...document.querySelectorAll<HTMLInputElement>("input[name=provider]:checked"),
  ].map((input) => input.value);
  if (providers.length === 0) throw new Error("pick at least one provider");
  return {
    model,
    target: byId<HTMLSelectElement>("target").value,
    budget,
    providers,
    sweep: byId<HTMLInputElement>("sweep").checked,
  };
}

/** Runs the choice and redraws the report after each step, so results appear as they come. */
async function run(choice: Choice): Promise<BenchReport> {
  const started = performance.now();
  const { model: zooModel, target, budget } = choice;
  status(`loading ${zooModel.id}…`);
  const bytes = await zooModel.load();
  const model = decodeModel(bytes);
  const spec = feedSpecOf(zooModel);
  const feeds = feedsFromSpec(model, spec);
  const facts = modelFacts(model);
  const runs: RunEntry[] = [];
  const sweeps: SweepEntry[] = [];
  const report = (): BenchReport => ({
    schema: reportSchemaId,
    createdAt: new Date().toISOString(),
    quick: true,
    environment: {
      node: "—",
      platform: navigator.platform || "browser",
      cpus: navigator.hardwareConcurrency ?? 0,
      cpuModel: "browser",
      loadAverage: [],
      chromium: navigator.userAgent.match(/Chrome\/([\d.]+)/)?.[1] ?? navigator.userAgent,
    },
    options: {
      models: [zooModel.id],
      targets: [target],
      providers: choice.providers,
      budget,
      sweepBudgets: [],
    },
    models: [
      {
        id: zooModel.id,
        source: zooModel.source,
        description: zooModel.description,
        activations: [...zooModel.activations],
        sizeBytes: bytes.byteLength,
        opset: facts.opset,
        nodes: facts.nodes,
        ops: facts.ops,
        inputs: feedDims(feeds),
      },
    ],
    optimizations: optimized ? [optimized.entry] : [],
    runs,
    sweeps,
    kernels: [],
    elapsedSeconds: Math.round((performance.now() - started) / 100) / 10,
  });
  status(`rewriting ${zooModel.id} for ${target} (budget ${budget}) in the browser…`);
  const optimized = await optimizeFor(zooModel.id, bytes, target, { budget });
  if (!optimized.bytes) throw new Error(`optimize failed: ${optimized.entry.error}`);
  renderReport(byId("report"), report());
  for (const provider of choice.providers) {
    if (!optimized.entry.changed) {
      runs.push({
        model: zooModel.id,
        target,
        provider,
        environment: "chromium",
        status: "unchanged",
      });
      continue;
    }
    status(`timing original and optimized on ${provider}…`);
    runs.push(
      await measurePair(createSession, {
        model: zooModel.id,
        target,
        provider,
        environment: "chromium",
        original: bytes,
        optimized: optimized.bytes,
        feeds,
        latency: latencyFor(provider, true),
      }),
    );
    renderReport(byId("report"), report());
  }
  if (choice.sweep) {
    const provider = choice.providers[0]!;
    sweeps.push(
      await sweepBudgets(createSession, {
        model: zooModel.id,
        target,
        provider,
        environment: "chromium",
        bytes,
        feeds,
        budgets: [1e-4, 1e-3, 1e-2, 0.1],
        latency: latencyFor(provider, true),
        evaluator: createEvaluator({ provider }),
        onPoint: (done, total) => status(`budget sweep on ${provider}: ${done}/${total}…`),
      }),
    );
  }
  const final = report();
  renderReport(byId("report"), final);
  const failed = runs.filter((entry) => entry.status === "failed").length;
  status(
    `done in ${final.elapsedSeconds} s: ${runs.length} run${runs.length === 1 ? "" : "s"}${failed ? `, ${failed} failed (see the table)` : ""}${optimized.entry.changed ? "" : "; the rewrite changed nothing for this target"}.`,
  );
  return final;
}

async function setUp(): Promise<void> {
  const modelSelect = byId<HTMLSelectElement>("model");
  for (const model of zoo)
    modelSelect.add(new Option(`${model.id} — ${model.description}`, model.id));
  const targetSelect = byId<HTMLSelectElement>("target");
  for (const name of builtinTargets.keys())
    targetSelect.add(new Option(name, name, name === "algebraic"));
  const available = await pageProviders();
  const providerBox = byId("providers");
  for (const name of ["wasm", "webgpu", "webgpu-jsep"]) {
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "checkbox";
    input.name = "provider";
    input.value = name;
    input.disabled = !available.includes(name);
    input.checked = name === "wasm";
    label.append(input, ` ${name}${input.disabled ? " (no WebGPU adapter)" : ""}`);
    providerBox.append(label);
  }
  const accept = async (file: File) => {
    const bytes = new Uint8Array(await file.arrayBuffer());
    dropped = {
      id: `user/${file.name.replace(/\.onnx$/i, "")}`,
      source: "user",
      description: `${file.name} (${(bytes.byteLength / 1e3).toFixed(1)} KB)`,
      activations: [],
      load: async () => bytes,
    };
    let option = modelSelect.querySelector<HTMLOptionElement>("option[value=dropped]");
    if (!option) {
      option = new Option("", "dropped");
      modelSelect.add(option, 0);
    }
    option.text = `your file: ${dropped.description}`;
    modelSelect.value = "dropped";
    status(`${file.name} loaded: press Run`);
  };
  const drop = byId("drop");
  drop.addEventListener("dragover", (event) => {
    event.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    const file = event.dataTransfer?.files[0];
    if (file) void accept(file);
  });
  byId<HTMLInputElement>("file").addEventListener("change", (event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (file) void accept(file);
  });
  const button = byId<HTMLButtonElement>("run");
  byId("form").addEventListener("submit", (event) => {
    event.preventDefault();
    button.disabled = true;
    const done = (error?: unknown) => {
      button.disabled = false;
      if (error) status(`failed: ${describeError(error)}`);
      document.body.dataset.state = error ? "failed" : "done";
    };
    document.body.dataset.state = "running";
    try {
      run(readChoice()).then(() => done(), done);
    } catch (error) {
      done(error);
    }
  });
  status("ready: pick a model or drop an .onnx file, then Run");
  (globalThis as unknown as Record<string, PageApi>)[pageGlobal] = api;
}

void setUp();
