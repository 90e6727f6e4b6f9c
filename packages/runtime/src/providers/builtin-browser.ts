import type { ExecutionProvider } from "./provider.js";
import { wasmProvider } from "./wasm.js";
import { webGpuProvider } from "./webgpu.js";
import { webGpuJsepProvider } from "./webgpu-jsep.js";

/** The providers a browser starts with: webgpu, webgpu-jsep (both where an adapter exists), wasm. */
export const browserProviders: readonly ExecutionProvider[] = [
  webGpuProvider,
  webGpuJsepProvider,
  wasmProvider,
];
