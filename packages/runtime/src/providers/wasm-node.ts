import { profileOrtWeb } from "./ort-profiling.js";
import { ortProvider } from "./ort-provider.js";
import type { ExecutionProvider } from "./provider.js";
import { wasmProviderSpec } from "./wasm.js";

/** onnxruntime-web's WASM provider in Node, where it can also profile (its profile is printed to stdout, which Node lets us read). */
export const nodeWasmProvider: ExecutionProvider = ortProvider({
  ...wasmProviderSpec,
  profiler: profileOrtWeb,
});
