// Browser side of the provider probe (bundled by probe-providers.ts through
// the shared Chromium harness): loads the onnxruntime-web bundle named by the
// page's query (?bundle=webgpu: the C++ WebGPU provider of
// "onnxruntime-web/webgpu"; ?bundle=main: JSEP, the package's main build) and
// exposes `rectifyProbe`, which runs one case with runProbeCase.
import {
  type ProbeOrt,
  type ProbeOutcome,
  type ProbeRunOptions,
  type ProbeTensor,
  runProbeCase,
} from "./probe-run.js";

interface OrtWebLike extends ProbeOrt {
  readonly env: {
    wasm: { numThreads?: number };
    logLevel?: string;
    versions?: Record<string, string>;
  };
}

const query = new URLSearchParams(
  (globalThis as { location?: { search: string } }).location?.search ?? "",
);
const bundle = query.get("bundle") === "webgpu" ? "webgpu" : "main";
const ort = (bundle === "webgpu"
  ? await import("onnxruntime-web/webgpu")
  : await import("onnxruntime-web")) as unknown as OrtWebLike;
// One WASM thread: the WebGPU providers run every node on the GPU or fail (CPU fallback is off).
ort.env.wasm.numThreads = 1;
ort.env.logLevel = "error";

interface GpuAdapterLike {
  readonly info?: { vendor?: string; architecture?: string; description?: string };
}

const driver = {
  /** Which bundle is loaded and its onnxruntime-web version. */
  loaded: () => ({ bundle, version: ort.env.versions?.web ?? "unknown" }),

  /** The WebGPU adapter's vendor and architecture, or why there is none. */
  async adapter(): Promise<string> {
    const gpu = (
      globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } } }
    ).navigator?.gpu;
    const adapter = await gpu?.requestAdapter();
    if (!adapter) return "none";
    const info = adapter.info ?? {};
    return [info.vendor, info.architecture, info.description].filter(Boolean).join(" ");
  },

  /** Fetches the model from the probe's server and runs it once on the WebGPU provider. */
  async run(request: {
    model: string;
    feeds: readonly ProbeTensor[];
    options: ProbeRunOptions;
  }): Promise<ProbeOutcome> {
    const response = await fetch(request.model);
    if (!response.ok)
      return { status: "rejected", error: `HTTP ${response.status} for ${request.model}` };
    const model = new Uint8Array(await response.arrayBuffer());
    return runProbeCase(ort, model, request.feeds, request.options);
  },
};

/** What the page exposes to probe-providers.ts. */
export type ProbePageDriver = typeof driver;

(globalThis as { rectifyProbe?: ProbePageDriver }).rectifyProbe = driver;
