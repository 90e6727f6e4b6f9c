/**
 * Where onnxruntime-web finds the .wasm file each of its builds fetches at run
 * time: a folder URL (both builds' files in it, as in
 * `node_modules/onnxruntime-web/dist/`), or the URL of each file:
 * - `wasm`: the main build's `ort-wasm-simd-threaded.jsep.wasm`, which the
 *   `wasm` and `webgpu-jsep` providers load;
 * - `webgpu`: the WebGPU build's `ort-wasm-simd-threaded.asyncify.wasm`, which
 *   the browser `webgpu` provider loads.
 * A relative URL resolves against the page. Unset, onnxruntime-web looks next
 * to the script it was bundled into.
 */
export type WasmPaths =
  | string
  | URL
  | { readonly wasm?: string | URL | undefined; readonly webgpu?: string | URL | undefined };

/** Settings that apply to every session of the page or process. */
export interface RuntimeSettings {
  /** Where onnxruntime-web's .wasm files are served from (see WasmPaths). */
  readonly wasmPaths?: WasmPaths | undefined;
}

let current: RuntimeSettings = {};

/**
 * Sets runtime-wide settings (merged into the earlier ones). onnxruntime-web
 * reads `wasmPaths` once per build, when the first session on it is created,
 * so set it before that; a later, different value is OPTIONS_INVALID.
 */
export function configureRuntime(settings: RuntimeSettings): void {
  current = { ...current, ...settings };
}

/** The settings configureRuntime has made so far. */
export function runtimeSettings(): RuntimeSettings {
  return current;
}
