// Browser side of the bench entry's browser test (bundled by esbuild): exposes
// `rectifyBench` on the page, which runs the CPU and WGSL throughput
// measurements there, as the benchmark app's page would, and hands the data back.
import {
  type KernelThroughput,
  measureKernelThroughput,
  measureWgslThroughput,
  type WebGpuTimingDevice,
  type WgslThroughput,
} from "../../src/bench/index.js";

interface GpuEntry {
  requestAdapter(): Promise<{ requestDevice(): Promise<WebGpuTimingDevice> } | null>;
}

const page = {
  /** Both measurements over `ids` at one small size, one round. */
  async measure(ids: string[]): Promise<{ cpu: KernelThroughput; gpu: WgslThroughput }> {
    const gpu = (globalThis as { navigator?: { gpu?: GpuEntry } }).navigator?.gpu;
    if (!gpu) throw new Error("navigator.gpu is missing: this browser has no WebGPU");
    const adapter = await gpu.requestAdapter();
    if (!adapter) throw new Error("navigator.gpu.requestAdapter() returned null");
    const device = await adapter.requestDevice();
    const options = { sizes: [4096], rounds: 1, ids, minimumMilliseconds: 5 };
    const wgsl = await measureWgslThroughput(device, { ...options, dispatches: 2 });
    const cpu = await measureKernelThroughput(options);
    return { cpu, gpu: wgsl };
  },
};

/** What the page exposes to the test. */
export type BenchPage = typeof page;

(globalThis as { rectifyBench?: BenchPage }).rectifyBench = page;
