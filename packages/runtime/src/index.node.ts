import { fileURLToPath } from "node:url";
import { loadModel } from "@rectify/onnx";
import { RuntimeError } from "./errors.js";
import { wasmProvider } from "./providers/builtin.js";
import { cpuProvider, nodeWebGpuProvider } from "./providers/node.js";
import { registerProvider } from "./providers/registry.js";
import {
  createSessionWith,
  type ModelSource,
  type Session,
  type SessionOptions,
} from "./session/session.js";

export * from "./common.js";

registerProvider(cpuProvider);
registerProvider(wasmProvider);
registerProvider(nodeWebGpuProvider);

/** Reads a path (external data included) or fetches an http(s) URL. */
async function loadNodeSource(source: string | URL) {
  const url =
    source instanceof URL ? source : /^https?:\/\//.test(source) ? new URL(source) : undefined;
  if (url && url.protocol !== "file:") {
    const response = await fetch(url);
    if (!response.ok)
      throw new RuntimeError(
        "MODEL_INVALID",
        `fetching ${url.href} failed: HTTP ${response.status}`,
      );
    return new Uint8Array(await response.arrayBuffer());
  }
  const path = url ? fileURLToPath(url) : (source as string);
  try {
    return await loadModel(path);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new RuntimeError("MODEL_INVALID", `cannot load ${path}: ${message}`, { cause: error });
  }
}

/** Creates a session in Node: cpu (onnxruntime-node), then wasm (onnxruntime-web), then webgpu where an adapter exists. */
export function createSession(source: ModelSource, options?: SessionOptions): Promise<Session> {
  return createSessionWith(loadNodeSource, source, options);
}
