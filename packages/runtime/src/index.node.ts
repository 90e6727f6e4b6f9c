import { fileURLToPath } from "node:url";
import { loadModel } from "@rectify/onnx";
import { RuntimeError } from "./errors.js";
import { platformRuntime } from "./platform.js";
import { nodeProviders } from "./providers/builtin-node.js";

export * from "./common.js";

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

// Node: cpu (onnxruntime-node), then wasm (onnxruntime-web), then webgpu where an adapter exists.
export const {
  createSession,
  createEvaluator,
  registerProvider,
  registeredProviders,
  providerNamed,
  chooseProvider,
} = /* @__PURE__ */ platformRuntime(nodeProviders, loadNodeSource);
