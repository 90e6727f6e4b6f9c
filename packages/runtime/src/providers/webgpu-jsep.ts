import { ortProvider } from "./ort-provider.js";
import { ortWebMain } from "./ort-web-builds.js";
import type { ExecutionProvider } from "./provider.js";
import { webGpuAdapterAvailability } from "./webgpu-adapter.js";

/**
 * onnxruntime-web's main build (the package's "." export, as the wasm provider
 * loads it) carries the older JS WebGPU provider, JSEP. It lacks some kernels
 * the C++ one has (Softplus among them), whose nodes silently run on the CPU;
 * its own profile, ort-webgpu-jsep (probed, like ort-webgpu), says which, so
 * the fallback report and rewrite-on-load judge it by what it really runs.
 */
export const webGpuJsepProvider: ExecutionProvider = ortProvider({
  name: "webgpu-jsep",
  priority: 75,
  target: "ort-webgpu-jsep",
  executionProvider: "webgpu",
  build: ortWebMain,
  environment: webGpuAdapterAvailability,
  readsPlacement: true,
});
