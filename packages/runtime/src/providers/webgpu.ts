import { ortProvider } from "./ort-provider.js";
import { ortWebGpu } from "./ort-web-builds.js";
import type { ExecutionProvider } from "./provider.js";
import { webGpuAdapterAvailability } from "./webgpu-adapter.js";

/** onnxruntime-web's WebGPU build (the C++ WebGPU provider), in browsers with a WebGPU adapter. */
export const webGpuProvider: ExecutionProvider = ortProvider({
  name: "webgpu",
  priority: 100,
  target: "ort-webgpu",
  executionProvider: "webgpu",
  build: ortWebGpu,
  environment: webGpuAdapterAvailability,
  readsPlacement: true,
});
