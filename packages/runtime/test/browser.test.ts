// @rectify/runtime in a real browser: Debian's Chromium (headless, SwiftShader
// WebGPU, no GPU needed) driven with playwright-core, on a cross-origin
// isolated page served from 127.0.0.1 (test/browser/harness.ts) that runs the
// package's browser entry with onnxruntime-web's own dist files.
//
// Agreement. Each model (built with @rectify/onnx's ModelBuilder from fixed
// seeds) runs on seeded inputs in the page on wasm, webgpu (the C++ WebGPU
// provider) and webgpu-jsep (the older JS one), and in Node on onnxruntime-node's
// CPU provider. Every output element must satisfy
//   |browser − node| ≤ 1e-5 + 1e-4·|node|
// (float32 kernels that sum or approximate in another order; measured on
// SwiftShader: at most 2e-6, about one float32 step of the largest outputs;
// the suite logs the largest difference per provider and model).
//
// JSEP Softplus. onnxruntime-web's JSEP build has no Softplus kernel, so such a
// node silently runs on the CPU. The suite proves it with onnxruntime's own
// check: session option session.disable_cpu_ep_fallback (the runtime's
// `disableCpuFallback`) makes session creation fail whenever a node is placed
// on the CPU provider. With rewrite-on-load the same model creates fine with
// that check on, and its outputs stay within the rewrite budget of
// onnxruntime-node's output for the original model.
import { readFileSync } from "node:fs";
import { decodeModel, encodeModel, type Model } from "@rectify/onnx";
import { type Feeds, randomFeeds } from "@rectify/rewrite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "../src/index.node.js";
import {
  chromiumInstalled,
  chromiumPath,
  openRuntimePage,
  type RuntimePage,
} from "./browser/harness.js";
import {
  convModel,
  identityChainModel,
  mlpModel,
  shapeFillModel,
  softplusDenseModel,
} from "./browser/models.js";
import type { PlainTensor, RunRequest, RunResult } from "./browser/page.js";

const models: Record<string, () => Model> = {
  mlp: mlpModel,
  conv: convModel,
  "softplus-dense": softplusDenseModel,
  "shape-fill": shapeFillModel,
  "identity-chain": identityChainModel,
};
/** How far a browser output may be from onnxruntime-node's (see the top of the file). */
const tolerance = (want: number) => 1e-5 + 1e-4 * Math.abs(want);
const budget = 1e-3;
/** ORT's warning when a session places nodes outside the requested provider. */
const placementWarning = /Some nodes were not assigned to the preferred execution providers/;
/** ORT's error when such a session is created with CPU fallback disabled. */
const fallbackRefused =
  /assigned to the default CPU EP, but fallback to CPU EP has been explicitly disabled/;

interface Reference {
  readonly feeds: Record<string, PlainTensor>;
  readonly outputs: Record<string, PlainTensor>;
}

function plain(feeds: Feeds): Record<string, PlainTensor> {
  return Object.fromEntries(
    Object.entries(feeds).map(([name, feed]) => [
      name,
      { dims: [...feed.dims], data: Array.from(feed.data as Float32Array) },
    ]),
  );
}

/** onnxruntime-node's CPU outputs for a model on seeded inputs, through the runtime's Node entry. */
async function nodeReference(model: Model, seed: number): Promise<Reference> {
  const feeds = randomFeeds(model, { seed, dynamicDims: { batch: 4 } });
  const session = await createSession(model, { providers: ["cpu"] });
  try {
    return { feeds: plain(feeds), outputs: plain(await session.run(feeds)) };
  } finally {
    await session.dispose();
  }
}

/** Largest |got − want| over every output, after checking names, dims and the tolerance per element. */
function agreement(result: RunResult, reference: Reference, tolerance: (want: number) => number) {
  expect(result.error).toBeUndefined();
  expect(Object.keys(result.outputs!).sort()).toEqual(Object.keys(reference.outputs).sort());
  let largest = 0;
  const outside: string[] = [];
  for (const [name, want] of Object.entries(reference.outputs)) {
    const got = result.outputs![name]!;
    expect(got.dims).toEqual(want.dims);
    want.data.forEach((value, i) => {
      const difference = Math.abs(got.data[i]! - value);
      largest = Math.max(largest, Number.isNaN(difference) ? Infinity : difference);
      if (!(difference <= tolerance(value)))
        outside.push(`${name}[${i}] = ${got.data[i]}, onnxruntime-node ${value}`);
    });
  }
  expect(outside.slice(0, 5)).toEqual([]);
  return largest;
}

/** PyTorch exports the repository ships (tooling/models/torch): real exporter output, with dynamic axes. */
const torchFolder = "../../../tooling/models/torch/";
const torchExports = ["mixed-cnn", "detector"] as const;

const suiteTitle = chromiumInstalled
  ? "@rectify/runtime in headless Chromium"
  : `@rectify/runtime in headless Chromium (skipped: no browser at ${chromiumPath}; install Debian's "chromium" package or set CHROMIUM_PATH)`;
if (!chromiumInstalled)
  console.warn(`browser suite skipped: ${chromiumPath} is missing (install Debian's "chromium")`);

describe.skipIf(!chromiumInstalled)(suiteTitle, () => {
  let runtimePage: RuntimePage;
  const references = new Map<string, Reference>();
  const measured: string[] = [];

  /** Runs a request in the page; the page's console lines it caused come back too. */
  async function run(request: RunRequest) {
    const start = runtimePage.log.length;
    const result = await runtimePage.call("run", request);
    return { result, log: runtimePage.log.slice(start).join("\n") };
  }

  beforeAll(async () => {
    const bytes = new Map(
      Object.entries(models).map(([name, build]) => [name, encodeModel(build())]),
    );
    for (const name of torchExports)
      bytes.set(
        name,
        new Uint8Array(readFileSync(new URL(`${torchFolder}${name}.onnx`, import.meta.url))),
      );
    runtimePage = await openRuntimePage(bytes);
    for (const [name, build] of Object.entries(models))
      references.set(name, await nodeReference(build(), 7));
  });

  afterAll(async () => {
    if (measured.length > 0)
      console.log(`max |browser − onnxruntime-node|:\n${measured.join("\n")}`);
    await runtimePage?.close();
  });

  it("serves a cross-origin isolated page with a WebGPU adapter, and picks webgpu, then webgpu-jsep, then wasm", async () => {
    expect(await runtimePage.call("crossOriginIsolated")).toBe(true);
    const adapter = await runtimePage.call("adapter");
    expect(adapter, adapter.description).toMatchObject({ available: true });
    expect(await runtimePage.call("providers")).toEqual([
      { name: "webgpu", target: "ort-webgpu", available: true },
      { name: "webgpu-jsep", target: "ort-webgpu-jsep", available: true },
      { name: "wasm", target: "ort-wasm", available: true },
    ]);
    expect(await runtimePage.call("chosen")).toBe("webgpu");
    // No providers option: the page's order decides, and the session says where it ran.
    const { result } = await run({
      model: "/models/conv.onnx",
      feeds: references.get("conv")!.feeds,
    });
    expect(result.provider).toBe("webgpu");
    agreement(result, references.get("conv")!, tolerance);
  });

  it("runs wasm on two threads: onnxruntime-web starts a worker from its own dist file", async () => {
    // The first wasm session initialises onnxruntime-web's main build, with the threads asked for.
    const { result } = await run({
      model: "/models/mlp.onnx",
      providers: ["wasm"],
      feeds: references.get("mlp")!.feeds,
      threads: 2,
    });
    expect(result.provider).toBe("wasm");
    agreement(result, references.get("mlp")!, tolerance);
    const mainBuild = runtimePage.importMap["onnxruntime-web"];
    expect(runtimePage.workers.map((url) => new URL(url).pathname)).toContain(mainBuild);
  });

  describe.each(["wasm", "webgpu", "webgpu-jsep"])("on %s", (provider) => {
    it.each(Object.keys(models))(
      "runs %s with outputs that agree with onnxruntime-node's",
      async (name) => {
        const reference = references.get(name)!;
        // On the C++ WebGPU provider every node of these models has a GPU kernel:
        // creating the session with CPU fallback refused proves nothing ran on the
        // CPU. wasm is onnxruntime's CPU provider itself, which ignores the option.
        // JSEP has no Softplus kernel (mlp and softplus-dense): it is left out there.
        const { result } = await run({
          model: `/models/${name}.onnx`,
          providers: [provider],
          feeds: reference.feeds,
          disableCpuFallback: provider !== "webgpu-jsep",
        });
        expect(result.error).toBeUndefined();
        expect(result.provider).toBe(provider);
        const largest = agreement(result, reference, tolerance);
        measured.push(`  ${provider.padEnd(12)} ${name.padEnd(15)} ${largest.toExponential(2)}`);
      },
    );
  });

  describe.each(["webgpu", "webgpu-jsep"])("on %s, judged by its own profile", (provider) => {
    it.each(Object.keys(models))(
      "reports for %s the fallback onnxruntime itself finds",
      async (name) => {
        // The report comes from the provider's target profile; onnxruntime's own
        // check (CPU fallback refused) must agree: creation succeeds exactly when
        // the report counts no fallback node.
        const request = {
          model: `/models/${name}.onnx`,
          providers: [provider],
          feeds: references.get(name)!.feeds,
        };
        const loaded = await run(request);
        expect(loaded.result.error).toBeUndefined();
        const report = loaded.result.fallback!;
        expect(report.target).toBe(provider === "webgpu" ? "ort-webgpu" : "ort-webgpu-jsep");
        const refused = await run({ ...request, disableCpuFallback: true });
        expect(
          refused.result.error === undefined,
          `${provider} ${name}: report ${JSON.stringify(report.before)}, onnxruntime: ${refused.result.error?.message ?? "every node placed on the GPU"}`,
        ).toBe(report.fallbackNodes === 0);
        // The placement read from onnxruntime's log agrees with its own check exactly:
        // nothing on the CPU provider (compute or shape) ⟺ creation with fallback refused succeeds.
        const placed = report.placed!;
        expect(placed, `${provider} ${name}: no placement read from the log`).toBeDefined();
        expect(
          placed.computeNodesOnCpu + placed.shapeNodesOnCpu === 0,
          `${provider} ${name}: placed ${JSON.stringify(placed)}, onnxruntime: ${refused.result.error?.message ?? "every node placed on the GPU"}`,
        ).toBe(refused.result.error === undefined);
        measured.push(
          `  ${provider.padEnd(12)} ${name.padEnd(15)} placed: ${placed.computeNodesOnCpu} compute + ${placed.shapeNodesOnCpu} shape nodes on the CPU, ${placed.copies} copies; profile predicted ${report.fallbackNodes}`,
        );
      },
    );
  });

  it("the C++ WebGPU provider is not charged for Softplus, which it runs", async () => {
    const { result } = await run({
      model: "/models/softplus-dense.onnx",
      providers: ["webgpu"],
      feeds: references.get("softplus-dense")!.feeds,
      disableCpuFallback: true,
    });
    expect(result.error).toBeUndefined();
    expect(result.fallback).toMatchObject({ target: "ort-webgpu", before: [], fallbackNodes: 0 });
  });

  it("JSEP: Softplus falls back to the CPU; after rewrite-on-load no node does, within the budget", async () => {
    const reference = references.get("softplus-dense")!;
    const request = {
      model: "/models/softplus-dense.onnx",
      providers: ["webgpu-jsep"],
      feeds: reference.feeds,
    };

    // As loaded: onnxruntime places a node on its CPU provider (and warns) …
    const loaded = await run(request);
    expect(loaded.result.provider).toBe("webgpu-jsep");
    expect(loaded.result.fallback!.before).toEqual([
      { op: "Softplus", count: 1, nodes: ["softplus"] },
    ]);
    expect(loaded.result.fallback!.fallbackNodes).toBe(1);
    expect(loaded.log).toMatch(placementWarning);
    // … and onnxruntime's log, read by the runtime, names the very node it put there.
    expect(loaded.result.fallback!.placed).toMatchObject({
      computeNodesOnCpu: 1,
      nodes: [{ opType: "Softplus", name: "softplus" }],
    });
    // … which refusing CPU fallback turns into a creation error.
    const refused = await run({ ...request, disableCpuFallback: true });
    expect(refused.result.error?.code).toBe("MODEL_INVALID");
    expect(refused.result.error?.message).toMatch(fallbackRefused);

    // Rewritten on load: every node on the JSEP WebGPU provider, CPU fallback refused.
    const rewritten = await run({ ...request, rewrite: { budget }, disableCpuFallback: true });
    expect(rewritten.result.error).toBeUndefined();
    expect(rewritten.result.provider).toBe("webgpu-jsep");
    expect(rewritten.log).not.toMatch(placementWarning);
    expect(rewritten.result.fallback).toMatchObject({
      provider: "webgpu-jsep",
      target: "ort-webgpu-jsep",
      before: [{ op: "Softplus", count: 1 }],
      after: [],
      fallbackNodes: 0,
      placed: { computeNodesOnCpu: 0, nodes: [] },
    });
    expect(rewritten.result.rewrite!.substituted).toBe(1);
    expect(rewritten.result.rewrite!.opsAfter).not.toHaveProperty("Softplus");
    expect(rewritten.result.rewrite!.maxPredictedError).toBeLessThanOrEqual(budget);
    const largest = agreement(rewritten.result, reference, () => budget);
    measured.push(
      `  webgpu-jsep  softplus-dense rewritten (budget ${budget}) ${largest.toExponential(2)}`,
    );
  });

  it("a model URL answered with a page (a dev server's fallback) is MODEL_INVALID saying so, not a corrupt model", async () => {
    // The test server answers "/" with the page's HTML, as an SPA fallback answers a missing file.
    const { result } = await run({ model: "/", providers: ["wasm"], feeds: {} });
    expect(result.error?.code).toBe("MODEL_INVALID");
    expect(result.error?.message).toMatch(/gave a page \(text\/html[^)]*\), not an ONNX model/);
  });

  it.each(["wasm", "webgpu"])(
    "the latency engine times models side by side in the page on %s",
    async (provider) => {
      const result = await runtimePage.call("compare", {
        models: ["/models/mlp.onnx", "/models/mlp.onnx"],
        provider,
        feeds: references.get("mlp")!.feeds,
      });
      expect(result.rounds).toBe(8);
      expect(result.cases.map((entry) => entry.count)).toEqual([8, 8]);
      for (const entry of result.cases) expect(entry.median).toBeGreaterThan(0);
      const [ratio] = result.ratios;
      expect(ratio!.low).toBeLessThanOrEqual(ratio!.ratio);
      expect(ratio!.ratio).toBeLessThanOrEqual(ratio!.high);
      expect(result.noise.control?.name).toBe("/models/mlp.onnx (control)");
      // A browser reports cores (navigator.hardwareConcurrency) but no load average.
      expect(result.noise.cores).toBeGreaterThan(0);
      expect(result.noise.loadBefore).toBeUndefined();
    },
  );

  describe.each(["webgpu", "webgpu-jsep"])("real PyTorch exports on %s", (provider) => {
    it.each(torchExports)(
      "%s: the profile's prediction names the very nodes onnxruntime placed on the CPU, before and after rewrite-on-load",
      async (name) => {
        const model = decodeModel(
          new Uint8Array(readFileSync(new URL(`${torchFolder}${name}.onnx`, import.meta.url))),
        );
        const feeds = plain(
          randomFeeds(model, { seed: 1, dynamicDims: { batch: 1, height: 64, width: 64 } }),
        );
        for (const rewrite of [undefined, { budget: 1e-3 }]) {
          const { result } = await run({
            model: `/models/${name}.onnx`,
            providers: [provider],
            feeds,
            ...(rewrite ? { rewrite } : {}),
          });
          expect(result.error).toBeUndefined();
          const report = result.fallback!;
          const predicted = (report.after ?? report.before)
            .flatMap((op) => Array<string>(op.count).fill(op.op))
            .sort();
          const placed = report.placed!.nodes.map((node) => node.opType).sort();
          expect(placed, `${name} on ${provider}${rewrite ? ", rewritten" : ""}`).toEqual(
            predicted,
          );
          expect(report.placed!.computeNodesOnCpu).toBe(report.fallbackNodes);
          if (rewrite) expect(report.placed!.computeNodesOnCpu).toBe(0);
          measured.push(
            `  ${provider.padEnd(12)} ${name.padEnd(15)} ${rewrite ? "rewritten" : "as exported"}: placed on the CPU [${placed.join(", ")}], profile [${predicted.join(", ")}]`,
          );
        }
      },
    );
  });
});
