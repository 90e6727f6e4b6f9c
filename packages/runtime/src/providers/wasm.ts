import { type OrtProviderSpec, ortProvider } from "./ort-provider.js";
import { ortWebMain } from "./ort-web-builds.js";
import type { ExecutionProvider } from "./provider.js";

/** What onnxruntime-web's WASM provider is, in Node and browsers (Node adds a profiler: wasm-node.ts). */
export const wasmProviderSpec: OrtProviderSpec = {
  name: "wasm",
  priority: 50,
  target: "ort-wasm",
  executionProvider: "wasm",
  build: ortWebMain,
  sessionOptions: (options, ort) => {
    const env = (ort as unknown as { env?: { wasm?: { numThreads?: number } } }).env;
    if (options.threads !== undefined && env?.wasm)
      env.wasm.numThreads = wasmThreads(options.threads);
    return {};
  },
};

/** onnxruntime-web's WASM provider (browsers): threads when the page is cross-origin isolated. */
export const wasmProvider: ExecutionProvider = ortProvider(wasmProviderSpec);

/**
 * WASM threads need SharedArrayBuffer, which a browser grants only to
 * cross-origin isolated pages (COOP/COEP headers); elsewhere asking for more
 * than one thread would make onnxruntime-web fail, so it gets one.
 */
export function wasmThreads(requested: number): number {
  const scope = globalThis as { crossOriginIsolated?: boolean; window?: unknown };
  const browserWithoutIsolation = scope.window !== undefined && scope.crossOriginIsolated === false;
  return browserWithoutIsolation || typeof SharedArrayBuffer === "undefined" ? 1 : requested;
}
