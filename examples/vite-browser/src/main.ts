import { configureRuntime, createSession, isRuntimeError, tensor } from "@rectify/runtime";
import webgpuUrl from "onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url";
// Vite emits each file into dist/assets/ (hashed name) and gives its URL:
// onnxruntime-web fetches them at run time, so nothing is copied by hand.
import wasmUrl from "onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url";
import { input, inputDims } from "./model.js";

/** What the page shows, also set as window.rectifyExample for tests. */
export interface ExampleResult {
  readonly ok: boolean;
  readonly provider?: string;
  readonly output?: number[];
  readonly dims?: number[];
  readonly fallbackNodes?: number;
  readonly createMilliseconds?: number;
  readonly runMilliseconds?: number[];
  readonly crossOriginIsolated: boolean;
  readonly threads: number;
  readonly error?: { readonly code?: string; readonly message: string };
}

declare global {
  interface Window {
    rectifyExample?: ExampleResult;
  }
}

// ?provider=wasm (or webgpu, webgpu-jsep) picks one; default: the best available.
const params = new URLSearchParams(location.search);
const provider = params.get("provider");
// Before the first session: onnxruntime-web reads the paths once.
// (?configure=0 skips this, for the test of the error a missing file gives at onnxruntime-web's default place.)
if (params.get("configure") !== "0")
  configureRuntime({ wasmPaths: { wasm: wasmUrl, webgpu: webgpuUrl } });
// More than one thread needs a cross-origin isolated page (see vite.config.ts); the runtime asks for 1 otherwise.
const threads = Number(params.get("threads") ?? Math.min(4, navigator.hardwareConcurrency || 1));

async function run(): Promise<ExampleResult> {
  const base = { crossOriginIsolated: globalThis.crossOriginIsolated === true, threads };
  try {
    const start = performance.now();
    const session = await createSession(`${import.meta.env.BASE_URL}softplus-matmul.onnx`, {
      ...(provider ? { providers: [provider] } : {}),
      threads,
    });
    const createMilliseconds = performance.now() - start;
    try {
      const x = tensor(Float32Array.from(input), [...inputDims]);
      let outputs = await session.run({ x });
      for (let round = 1; round < 5; round++) outputs = await session.run({ x });
      const y = outputs.y!;
      return {
        ...base,
        ok: true,
        provider: session.provider,
        output: Array.from(y.data as Float32Array),
        dims: [...y.dims],
        fallbackNodes: session.fallback.fallbackNodes,
        createMilliseconds,
        runMilliseconds: [...session.timings],
      };
    } finally {
      await session.dispose();
    }
  } catch (error) {
    return {
      ...base,
      ok: false,
      error: {
        ...(isRuntimeError(error) ? { code: error.code } : {}),
        message: error instanceof Error ? error.message : String(error),
      },
    };
  }
}

function show(result: ExampleResult): void {
  const rows: [string, string][] = result.ok
    ? [
        ["provider", result.provider!],
        [
          "output y",
          `[${result.dims!.join(", ")}] ${result.output!.map((v) => v.toFixed(5)).join(", ")}`,
        ],
        ["nodes falling back to CPU", String(result.fallbackNodes)],
        ["createSession", `${result.createMilliseconds!.toFixed(1)} ms`],
        ["runs", result.runMilliseconds!.map((ms) => `${ms.toFixed(2)} ms`).join(", ")],
      ]
    : [
        ["error", result.error!.code ?? "(no code)"],
        ["message", result.error!.message],
      ];
  rows.push(
    ["crossOriginIsolated", String(result.crossOriginIsolated)],
    ["threads asked", String(result.threads)],
  );
  const table = document.querySelector("#result")!;
  table.replaceChildren(
    ...rows.map(([name, value]) => {
      const row = document.createElement("tr");
      const th = document.createElement("th");
      const td = document.createElement("td");
      th.textContent = name;
      td.textContent = value;
      row.append(th, td);
      return row;
    }),
  );
  document.querySelector("#status")!.textContent = result.ok ? "done" : "failed";
}

run().then((result) => {
  show(result);
  window.rectifyExample = result;
});
