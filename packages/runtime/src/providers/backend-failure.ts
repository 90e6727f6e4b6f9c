import { RuntimeError } from "../errors.js";
import type { OrtWebBuild } from "./ort-web-builds.js";

// What onnxruntime-web says when its backend, not the model, failed to start:
// it wraps the cause in "no available backend found. ERR: [wasm] …", and an
// earlier failed start in "previous call to 'initializeWebAssembly()' failed".
const backendStart =
  /no available backend found|initializeWebAssembly|fetching of the wasm failed|expected magic word|CompileError|Failed to fetch|NetworkError|ENOENT[^\n]*\.wasm/i;

/**
 * When a session of an onnxruntime-web build failed because the build could
 * not start (its .wasm file missing, unfetchable, or not wasm), the error to
 * report: RUNTIME_FILE_MISSING naming the URL tried and the file to serve, or
 * BACKEND_FAILED when the file was there. Undefined when the failure is the
 * model's.
 */
export async function backendFailure(
  provider: string,
  build: OrtWebBuild,
  error: unknown,
): Promise<RuntimeError | undefined> {
  const message = error instanceof Error ? error.message : String(error);
  if (!backendStart.test(message)) return undefined;
  const url = build.wasmUrl();
  // Only a web URL can be asked whether it serves the file; a path (Node) failed to open, as the message says.
  const found = url !== undefined && /^https?:/i.test(url) ? await probe(url) : undefined;
  const serve = `that URL must serve node_modules/onnxruntime-web/dist/${build.wasmFile} (of the onnxruntime-web version you bundle; a bundler may rename it): deploy the file there, or say where it is with configureRuntime({ wasmPaths }) (see @rectify/runtime's README, "Browser deployment")`;
  if (found === undefined || !found.ok) {
    const where =
      url === undefined
        ? `next to the script that bundles ${build.specifier} (onnxruntime-web's default place)`
        : url;
    const why = found ? ` (${found.problem})` : "";
    return new RuntimeError(
      "RUNTIME_FILE_MISSING",
      `${build.specifier} (provider ${provider}) could not load its runtime file ${build.wasmFile} from ${where}${why}: ${serve}. onnxruntime-web said: ${message}`,
      { cause: error },
    );
  }
  return new RuntimeError(
    "BACKEND_FAILED",
    `${build.specifier} (provider ${provider}) failed to start although ${url} was served: ${message}`,
    { cause: error },
  );
}

/** Whether `url` serves a .wasm file (a HEAD request: no 28 MB download to learn it). */
async function probe(url: string): Promise<{ ok: true } | { ok: false; problem: string }> {
  try {
    const response = await fetch(url, { method: "HEAD" });
    if (!response.ok) return { ok: false, problem: `HTTP ${response.status}` };
    const type = response.headers.get("content-type") ?? "";
    // A dev server or SPA fallback answers a missing file with the app's index.html.
    if (/html/i.test(type))
      return { ok: false, problem: `the server answered with ${type}, not the wasm file` };
    return { ok: true };
  } catch (error) {
    return {
      ok: false,
      problem: `the request failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
