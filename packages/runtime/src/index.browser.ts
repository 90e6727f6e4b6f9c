import { RuntimeError } from "./errors.js";
import { loadOrtWeb, wasmProvider, webGpuAdapterAvailability } from "./providers/builtin.js";
import { lazyPackage } from "./providers/load-package.js";
import { ortProvider } from "./providers/ort-provider.js";
import { registerProvider } from "./providers/registry.js";
import {
  createSessionWith,
  type ModelSource,
  type Session,
  type SessionOptions,
} from "./session/session.js";

export * from "./common.js";

/** onnxruntime-web's WebGPU build (the C++ WebGPU provider), loaded on first use. */
const loadOrtWebGpu = lazyPackage("onnxruntime-web", () => import("onnxruntime-web/webgpu"));

registerProvider(
  ortProvider({
    name: "webgpu",
    priority: 100,
    target: "ort-webgpu",
    executionProvider: "webgpu",
    load: loadOrtWebGpu,
    check: () => webGpuAdapterAvailability(),
  }),
);
// onnxruntime-web's main build (the package's "." export, as the wasm provider
// loads it) carries the older JS WebGPU provider, JSEP. It lacks some kernels
// the C++ one has (Softplus among them), whose nodes silently run on the CPU;
// its own profile, ort-webgpu-jsep (probed, like ort-webgpu), says which, so
// the fallback report and rewrite-on-load judge it by what it really runs.
registerProvider(
  ortProvider({
    name: "webgpu-jsep",
    priority: 75,
    target: "ort-webgpu-jsep",
    executionProvider: "webgpu",
    load: loadOrtWeb,
    check: () => webGpuAdapterAvailability(),
  }),
);
registerProvider(wasmProvider);

async function fetchSource(source: string | URL): Promise<Uint8Array> {
  const response = await fetch(source);
  if (!response.ok)
    throw new RuntimeError(
      "MODEL_INVALID",
      `fetching ${String(source)} failed: HTTP ${response.status}`,
    );
  return new Uint8Array(await response.arrayBuffer());
}

/** Creates a session in a browser: webgpu (then webgpu-jsep) when an adapter exists, else wasm. */
export function createSession(source: ModelSource, options?: SessionOptions): Promise<Session> {
  return createSessionWith(fetchSource, source, options);
}
