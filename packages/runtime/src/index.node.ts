import { fileURLToPath } from "node:url";
import { loadModel } from "@rectify/onnx";
import { RuntimeError } from "./errors.js";
import { type PlatformRuntime, platformRuntime } from "./platform.js";
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
const runtime = /* @__PURE__ */ platformRuntime(nodeProviders, loadNodeSource);

/** Creates a session: picks the first available provider (or the first of `options.providers` that is), optionally rewrites the model for it, validates feeds on each run. */
export const createSession: PlatformRuntime["createSession"] = runtime.createSession;
/** @rectify/rewrite's Evaluator on one provider (default cpu): a session per run, released after it. */
export const createEvaluator: PlatformRuntime["createEvaluator"] = runtime.createEvaluator;
/** Adds (or replaces, by name) an execution provider, as onnxruntime's registerBackend does. */
export const registerProvider: PlatformRuntime["registerProvider"] = runtime.registerProvider;
/** Every provider (built-in and registered), highest priority first. */
export const registeredProviders: PlatformRuntime["registeredProviders"] =
  runtime.registeredProviders;
/** The provider named `name`; PROVIDER_UNKNOWN lists the known ones. */
export const providerNamed: PlatformRuntime["providerNamed"] = runtime.providerNamed;
/** The first available provider among `names` (default: all by priority); NO_PROVIDER says why each failed, PACKAGE_MISSING what to install. */
export const chooseProvider: PlatformRuntime["chooseProvider"] = runtime.chooseProvider;
