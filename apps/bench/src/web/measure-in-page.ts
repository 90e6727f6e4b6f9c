// Measurements inside the browser: the same functions the Node CLI runs, on
// the runtime's browser entry (onnxruntime-web's wasm, webgpu, webgpu-jsep).
import { decodeModel } from "@rectify/onnx";
import { createSession, providerNamed } from "@rectify/runtime";
import { describeError } from "../measure/describe-error.js";
import { feedsFromSpec } from "../measure/feeds.js";
import { kernelRows, kernelSettings } from "../measure/kernel-rows.js";
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
  const version = navigator.userAgent.match(/Chrome\/([\d.]+)/)?.[1];
  const environment = version ? `Chromium ${version}` : "this browser";
  try {
    const bench = await import("@rectify/kernels/bench");
    const settings = kernelSettings(quick);
    const throughput = await bench.measureKernelThroughput(settings);
    const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<GpuAdapter | null> } })
      .gpu;
    const adapter = await gpu?.requestAdapter();
    const device = await adapter?.requestDevice();
    if (!adapter || !device)
      return { environment: `${environment}, no WebGPU adapter`, rows: kernelRows(throughput) };
    const info = adapter.info ?? {};
    const name =
      [info.vendor, info.architecture, info.description].filter(Boolean).join(" ") || "its adapter";
    const software = /swiftshader/i.test(name) ? " (a CPU rasteriser: not GPU speed)" : "";
    try {
      const wgsl = await bench.measureWgslThroughput(
        device as never,
        kernelSettings(quick, "wgsl"),
      );
      return {
        environment: `${environment}, WGSL on ${name}${software}`,
        rows: kernelRows(throughput, wgsl),
      };
    } finally {
      device.destroy();
    }
  } catch (error) {
    return { environment, rows: [], error: describeError(error) };
  }
}

interface GpuAdapter {
  readonly info?: {
    readonly vendor?: string;
    readonly architecture?: string;
    readonly description?: string;
  };
  requestDevice(): Promise<{ destroy(): void }>;
}
