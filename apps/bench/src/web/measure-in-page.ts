// Measurements inside the browser: the same functions the Node CLI runs, on
// the runtime's browser entry (onnxruntime-web's wasm, webgpu, webgpu-jsep).
import { decodeModel } from "@rectify/onnx";
import { createSession, providerNamed } from "@rectify/runtime";
import { describeError } from "../measure/describe-error.js";
import { feedsFromSpec } from "../measure/feeds.js";
import { measurePair } from "../measure/measure-pair.js";
import type { KernelsEntry, RunEntry } from "../report/schema.js";
import { fromBase64, type PageJob } from "./protocol.js";

/** The browser providers that can run here. */
export async function pageProviders(): Promise<string[]> {
  const available: string[] = [];
  for (const name of ["wasm", "webgpu", "webgpu-jsep"]) {
    const availability = await providerNamed(name)?.availability();
    if (availability?.available) available.push(name);
  }
  return available;
}

/** One CLI job: an original/optimized pair on one provider. */
export async function measureJob(job: PageJob): Promise<RunEntry> {
  const original = fromBase64(job.original);
  const optimized = fromBase64(job.optimized);
  const feeds = feedsFromSpec(decodeModel(original), job.feeds);
  return measurePair(createSession, {
    model: job.model,
    target: job.target,
    provider: job.provider,
    environment: "chromium",
    original,
    optimized,
    feeds,
    latency: job.latency,
  });
}

/** The kernels' throughput in this browser: JS and WASM SIMD, and WGSL where WebGPU is. */
export async function measurePageKernels(quick: boolean): Promise<KernelsEntry> {
  const environment = `Chromium ${navigator.userAgent.match(/Chrome\/([\d.]+)/)?.[1] ?? ""}`.trim();
  try {
    const bench = await import("@rectify/kernels/bench");
    const sizes = quick ? [65536] : [65536, 4 * 1024 * 1024];
    const throughput = await bench.measureKernelThroughput({ sizes, rounds: quick ? 3 : 5 });
    const rows = throughput.rows.map((row) => ({ ...row })) as KernelsEntry["rows"];
    const adapter = await navigator.gpu?.requestAdapter();
    const device = await adapter?.requestDevice();
    if (device) {
      const wgsl = await bench.measureWgslThroughput(device, { sizes, rounds: quick ? 3 : 5 });
      for (const row of rows) {
        const match = wgsl.rows.find((entry) => entry.id === row.id && entry.n === row.n);
        if (match) Object.assign(row, { wgsl: match.wgsl, copyWgsl: match.copyWgsl });
      }
      device.destroy();
    }
    return {
      environment: `${environment}${device ? " (WGSL on the browser's WebGPU adapter)" : ""}`,
      rows,
    };
  } catch (error) {
    return { environment, rows: [], error: describeError(error) };
  }
}
