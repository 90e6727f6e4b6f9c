import { cpuProvider } from "./cpu.js";
import { nodeWebGpuProvider } from "./node-webgpu.js";
import type { ExecutionProvider } from "./provider.js";
import { nodeWasmProvider } from "./wasm-node.js";

/** The providers Node starts with: cpu (onnxruntime-node), wasm (onnxruntime-web), webgpu where an adapter exists. */
export const nodeProviders: readonly ExecutionProvider[] = [
  cpuProvider,
  nodeWasmProvider,
  nodeWebGpuProvider,
];
