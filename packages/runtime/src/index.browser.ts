import { RuntimeError } from "./errors.js";
import { type PlatformRuntime, platformRuntime } from "./platform.js";
import { browserProviders } from "./providers/builtin-browser.js";

export * from "./common.js";

async function fetchSource(source: string | URL): Promise<Uint8Array> {
  const response = await fetch(source);
  if (!response.ok)
    throw new RuntimeError(
      "MODEL_INVALID",
      `fetching ${String(source)} failed: HTTP ${response.status}`,
    );
  return new Uint8Array(await response.arrayBuffer());
}

// Browsers: webgpu (then webgpu-jsep) when an adapter exists, else wasm.
const runtime = /* @__PURE__ */ platformRuntime(browserProviders, fetchSource);

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
