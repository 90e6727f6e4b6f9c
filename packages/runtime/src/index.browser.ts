import { RuntimeError } from "./errors.js";
import { wasmProvider, webGpuAdapterAvailability } from "./providers/builtin.js";
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

/** Creates a session in a browser: webgpu when an adapter exists, else wasm. */
export function createSession(source: ModelSource, options?: SessionOptions): Promise<Session> {
  return createSessionWith(fetchSource, source, options);
}
