// The example as a user deploys it: `vite build`, dist/ served by a plain
// static server with COOP/COEP, opened in Debian's headless Chromium
// (SwiftShader gives a WebGPU adapter without a GPU).
import { fileURLToPath } from "node:url";
import {
  chromiumInstalled,
  type FolderServer,
  launchChromium,
  serveFolder,
} from "@rectify/chromium-harness";
import type { Browser } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExampleResult } from "../src/main.js";
import { outputDims, reference } from "../src/model.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = fileURLToPath(new URL("../dist/", import.meta.url));
/** float32 Softplus and MatMul against the float64 reference. */
const tolerance = (want: number) => 1e-6 + 1e-5 * Math.abs(want);

interface Opened {
  readonly result: ExampleResult;
  /** URLs of the workers the page started (onnxruntime-web's WASM threads). */
  readonly workers: string[];
  /** Page errors and console errors. */
  readonly errors: string[];
}

describe.skipIf(!chromiumInstalled)("the Vite example in Chromium", () => {
  let browser: Browser;
  let server: FolderServer;
  let serverWithoutWasm: FolderServer;
  let serverWithoutIsolation: FolderServer;

  beforeAll(async () => {
    await build({ root, logLevel: "warn", configFile: `${root}/vite.config.ts` });
    server = await serveFolder(dist);
    serverWithoutWasm = await serveFolder(dist, { withhold: (path) => path.endsWith(".wasm") });
    serverWithoutIsolation = await serveFolder(dist, { isolated: false });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await serverWithoutWasm?.close();
    await serverWithoutIsolation?.close();
  });

  async function open(on: FolderServer, query: string, screenshot?: string): Promise<Opened> {
    const page = await browser.newPage();
    const workers: string[] = [];
    const errors: string[] = [];
    page.on("worker", (worker) => workers.push(worker.url()));
    page.on("pageerror", (error) => errors.push(`pageerror: ${String(error)}`));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    try {
      await page.goto(`${on.origin}/${query}`);
      await page
        .waitForFunction(() => "rectifyExample" in globalThis, null, { timeout: 90_000 })
        .catch((error: unknown) => {
          throw new Error(`the page did not finish: ${errors.join("; ") || String(error)}`);
        });
      const result = (await page.evaluate(
        () => (globalThis as { rectifyExample?: unknown }).rectifyExample,
      )) as ExampleResult;
      if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
      return { result, workers, errors };
    } finally {
      await page.close();
    }
  }

  function expectCorrect(result: ExampleResult, provider: string) {
    expect(result.error?.message).toBeUndefined();
    expect(result.provider).toBe(provider);
    expect(result.dims).toEqual([...outputDims]);
    const want = reference();
    for (const [index, value] of result.output!.entries())
      expect(Math.abs(value - want[index]!)).toBeLessThanOrEqual(tolerance(want[index]!));
    expect(result.fallbackNodes).toBe(0);
    expect(result.runMilliseconds).toHaveLength(5);
  }

  it("dist/ holds both .wasm files vite emitted from the ?url imports", async () => {
    const { readdirSync } = await import("node:fs");
    const assets = readdirSync(`${dist}/assets`);
    expect(assets.some((name) => /^ort-wasm-simd-threaded\.jsep-[\w-]+\.wasm$/.test(name))).toBe(
      true,
    );
    expect(
      assets.some((name) => /^ort-wasm-simd-threaded\.asyncify-[\w-]+\.wasm$/.test(name)),
    ).toBe(true);
  });

  it("wasm: cross-origin isolated, 2 threads (one worker), outputs equal a float64 Softplus·MatMul", async () => {
    const { result, workers, errors } = await open(server, "?provider=wasm&threads=2");
    expectCorrect(result, "wasm");
    expect(result.crossOriginIsolated).toBe(true);
    // onnxruntime-web runs numThreads - 1 pthread workers of its own chunk besides the main thread.
    expect(workers.length).toBeGreaterThanOrEqual(1);
    expect(workers.every((url) => /\/assets\/ort\.bundle\.min-[\w-]+\.js$/.test(url))).toBe(true);
    expect(errors).toEqual([]);
  });

  it("wasm without COOP/COEP: not cross-origin isolated, one thread (no worker), the same outputs", async () => {
    const { result, workers, errors } = await open(
      serverWithoutIsolation,
      "?provider=wasm&threads=2",
    );
    expectCorrect(result, "wasm");
    expect(result.crossOriginIsolated).toBe(false);
    expect(workers).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("webgpu (SwiftShader): the same outputs from the WebGPU build's .wasm file", async () => {
    const { result, errors } = await open(server, "?provider=webgpu");
    expectCorrect(result, "webgpu");
    expect(errors).toEqual([]);
  });

  it("default: the best available provider, shown in the page", async () => {
    const { result } = await open(server, "", process.env.RECTIFY_EXAMPLE_SCREENSHOT || undefined);
    expect(["webgpu", "wasm"]).toContain(result.provider);
    expectCorrect(result, result.provider!);
  });

  for (const [provider, file] of [
    ["wasm", "ort-wasm-simd-threaded.jsep.wasm"],
    ["webgpu", "ort-wasm-simd-threaded.asyncify.wasm"],
  ] as const)
    for (const configure of [true, false])
      it(`${provider} without its .wasm file on the server, ${configure ? "wasmPaths from the ?url imports" : "no configureRuntime (onnxruntime-web's default place)"}: RUNTIME_FILE_MISSING naming the URL and ${file}`, async () => {
        // Without wasmPaths the runtime learns the URL from the fetch onnxruntime-web made (a 404 leaves no resource timing entry).
        const { result } = await open(
          serverWithoutWasm,
          `?provider=${provider}${configure ? "" : "&configure=0"}`,
        );
        expect(result.ok).toBe(false);
        expect(result.error?.code).toBe("RUNTIME_FILE_MISSING");
        const stem = file.replace(/\.wasm$/, "");
        const url = new RegExp(
          `${serverWithoutWasm.origin.replace(/\./g, "\\.")}/assets/${stem.replace(/\./g, "\\.")}-[\\w-]+\\.wasm \\(HTTP 404\\)`,
        );
        expect(result.error?.message).toMatch(url);
        expect(result.error?.message).toContain(`runtime file ${file}`);
      });
});
