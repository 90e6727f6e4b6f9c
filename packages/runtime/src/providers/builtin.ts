import { lazyPackage } from "./load-package.js";
import { ortProvider } from "./ort-provider.js";
import type { Availability } from "./provider.js";

/** onnxruntime-web, loaded on first use. */
export const loadOrtWeb = lazyPackage("onnxruntime-web", () => import("onnxruntime-web"));

/** onnxruntime-web's WASM provider (Node and browsers): threads when the page is cross-origin isolated. */
export const wasmProvider = ortProvider({
  name: "wasm",
  priority: 50,
  target: "ort-wasm",
  executionProvider: "wasm",
  load: loadOrtWeb,
  sessionOptions: (options, ort) => {
    const env = (ort as unknown as { env?: { wasm?: { numThreads?: number } } }).env;
    if (options.threads !== undefined && env?.wasm)
      env.wasm.numThreads = wasmThreads(options.threads);
    return {};
  },
});

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

/** A WebGPU adapter can be had (navigator.gpu exists and requestAdapter gives one). */
export async function webGpuAdapterAvailability(): Promise<Availability> {
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } })
    .navigator?.gpu;
  if (!gpu)
    return { available: false, reason: "navigator.gpu is missing (no WebGPU in this environment)" };
  try {
    const adapter = await gpu.requestAdapter();
    return adapter
      ? { available: true }
      : { available: false, reason: "navigator.gpu.requestAdapter() returned no adapter" };
  } catch (error) {
    return {
      available: false,
      reason: `requestAdapter failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
