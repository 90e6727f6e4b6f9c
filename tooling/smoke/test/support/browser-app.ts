// A tiny browser app that uses @rectify/runtime, built and served the way
// the runtime's README ("Browser deployment") tells a user to, from the
// temporary project (so esbuild resolves the npm-installed tarballs with
// browser conditions).
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { run } from "./run.js";
import { esbuildCommand } from "./workspace.js";

/** The input the app feeds its model, and what the model computes from it. */
export const appInput = [-3, -1.5, -0.5, 0, 0.25, 1, 2, 4] as const;
export const expectedOutputs = {
  softplus: appInput.map((x) => Math.log1p(Math.exp(x))),
  shiftedRelu: appInput.map((x) => Math.max(0, x + 0.5)),
};

/**
 * The app: builds a model with @rectify/onnx (x → Softplus(x), Relu(x + 0.5)),
 * runs it with @rectify/runtime on the wasm provider (once plain, once with
 * rewrite-on-load) and leaves the outputs in globalThis.smokeResult.
 */
const appSource = `import { DataType, ModelBuilder } from "@rectify/onnx";
import { configureRuntime, createSession, tensor } from "@rectify/runtime";
// The recipe, step 1: onnxruntime-web's .wasm files as URLs esbuild copies (--loader:.wasm=file).
import wasmUrl from "onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm";
import webgpuUrl from "onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm";

configureRuntime({ wasmPaths: { wasm: wasmUrl, webgpu: webgpuUrl } });

function buildModel() {
  const builder = new ModelBuilder({ opset: 17 });
  const x = builder.input("x", DataType.FLOAT, [1, ${appInput.length}]);
  builder.output(builder.op("Softplus", [x]), DataType.FLOAT, [1, ${appInput.length}], "softplus");
  const shifted = builder.op("Add", [x, builder.scalar(0.5, DataType.FLOAT, "half")]);
  builder.output(builder.op("Relu", [shifted]), DataType.FLOAT, [1, ${appInput.length}], "shiftedRelu");
  return builder.build();
}

async function runOnce(options) {
  const session = await createSession(buildModel(), { providers: ["wasm"], ...options });
  try {
    const outputs = await session.run({ x: tensor(new Float32Array(${JSON.stringify(appInput)}), [1, ${appInput.length}]) });
    return {
      provider: session.provider,
      rewritten: session.rewrite !== undefined,
      outputs: Object.fromEntries(Object.entries(outputs).map(([name, t]) => [name, Array.from(t.data)])),
    };
  } finally {
    await session.dispose();
  }
}

(async () => {
  try {
    const plain = await runOnce({});
    const rewritten = await runOnce({ rewrite: { budget: 1e-3 } });
    globalThis.smokeResult = { crossOriginIsolated: globalThis.crossOriginIsolated, plain, rewritten };
  } catch (error) {
    globalThis.smokeResult = { error: String(error && error.stack ? error.stack : error) };
  }
})();
`;

const pageHtml = `<!doctype html>
<meta charset="utf-8">
<title>rectify smoke</title>
<script type="module" src="./app.js"></script>
`;

/**
 * THE RECIPE (keep in step with packages/runtime/README.md, "Browser deployment"):
 * 1. in the app, import both .wasm files of onnxruntime-web (`…jsep.wasm`, `…asyncify.wasm`)
 *    and call `configureRuntime({ wasmPaths: { wasm: wasmUrl, webgpu: webgpuUrl } })` before the first session;
 * 2. bundle with `esbuild app.js --bundle --format=esm --splitting --outdir=dist --loader:.wasm=file`
 *    (esbuild copies the .wasm files into dist/ under hashed names and each import is its URL;
 *    --splitting keeps onnxruntime-web in a chunk of its own, which its thread workers start);
 * 3. serve dist/ with an index.html that loads app.js as a module, with the COOP/COEP
 *    headers (Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy:
 *    require-corp) so onnxruntime-web can use WASM threads.
 * Writes app.js to `appFolder` (inside the project, so its node_modules resolve)
 * and returns the folder to serve.
 */
export async function buildBrowserApp(project: string, appFolder = "browser-app"): Promise<string> {
  const folder = join(project, appFolder);
  const dist = join(folder, "dist");
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, "app.js"), appSource);
  await run(
    esbuildCommand,
    [
      "app.js",
      "--bundle",
      "--format=esm",
      "--splitting",
      "--platform=browser",
      "--target=es2022",
      "--loader:.wasm=file",
      "--outdir=dist",
      "--log-level=warning",
    ],
    { cwd: folder, timeoutMs: 120_000 },
  );
  await writeFile(join(dist, "index.html"), pageHtml);
  const files = await readdir(dist);
  if (!files.some((file) => file.endsWith(".wasm")))
    throw new Error(`esbuild wrote no .wasm file into ${dist} (files: ${files.join(", ")})`);
  return dist;
}
