import { RuntimeError } from "./errors.js";
import { platformRuntime } from "./platform.js";
import { browserProviders } from "./providers/builtin-browser.js";

export * from "./common.js";

async function fetchSource(source: string | URL): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(source);
  } catch (error) {
    // A network or CORS failure rejects with a bare TypeError ("Failed to fetch").
    throw new RuntimeError(
      "MODEL_INVALID",
      `fetching ${String(source)} failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  if (!response.ok)
    throw new RuntimeError(
      "MODEL_INVALID",
      `fetching ${String(source)} failed: HTTP ${response.status}`,
    );
  // A dev server or SPA fallback answers a missing file with the app's page, which would otherwise read as a corrupt model.
  const type = response.headers.get("content-type") ?? "";
  if (/html/i.test(type))
    throw new RuntimeError(
      "MODEL_INVALID",
      `fetching ${String(source)} gave a page (${type}), not an ONNX model: the server has no model file at ${response.url || String(source)}`,
    );
  return new Uint8Array(await response.arrayBuffer());
}

// Browsers: webgpu (then webgpu-jsep) when an adapter exists, else wasm.
export const {
  createSession,
  createEvaluator,
  registerProvider,
  registeredProviders,
  providerNamed,
  chooseProvider,
} = /* @__PURE__ */ platformRuntime(browserProviders, fetchSource);
