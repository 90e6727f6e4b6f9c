// Node side of the runtime's browser suite: bundles page.ts (the package's
// browser entry, src/index.browser.ts, and what it imports) with esbuild,
// serves it on 127.0.0.1 with the COOP/COEP headers of a cross-origin isolated
// page, next to onnxruntime-web's own dist files (the .mjs and .wasm files it
// loads at run time, mapped with an import map to the files a bundler would
// pick from the package's exports) and the test's models, and opens it in
// Debian's Chromium, whose SwiftShader gives a WebGPU adapter without a GPU.
import {
  bundleBrowserEntry,
  chromiumInstalled,
  chromiumPath,
  onnxruntimeWebFiles,
  openChromiumPage,
} from "@rectify/chromium-harness";
import type { Browser, Page } from "playwright-core";
import type { RuntimePageDriver } from "./page.js";

export { chromiumInstalled, chromiumPath };

/** The page running the runtime, a typed way to call its driver, and how to close everything. */
export interface RuntimePage {
  readonly page: Page;
  readonly browser: Browser;
  /** Calls the page's `rectifyRuntime` driver with one JSON-like argument. */
  call<K extends keyof RuntimePageDriver>(
    method: K,
    ...argument: Parameters<RuntimePageDriver[K]>
  ): Promise<Awaited<ReturnType<RuntimePageDriver[K]>>>;
  /** The page's console lines and errors so far, for failure messages. */
  readonly log: string[];
  /** URLs of the workers the page started (onnxruntime-web's WASM threads). */
  readonly workers: string[];
  /** Where the page's import map sends "onnxruntime-web" and "onnxruntime-web/webgpu". */
  readonly importMap: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/**
 * Serves the bundled page with `models` at /models/<name>.onnx and opens it in
 * headless Chromium. The page is bundled as a user's bundler would, with
 * onnxruntime-web left to the import map; no Node built-in may be needed
 * (@rectify/onnx maps the ones its file I/O imports to nothing in its
 * package.json "browser" field), so this fails if that regresses.
 */
export async function openRuntimePage(
  models: ReadonlyMap<string, Uint8Array>,
): Promise<RuntimePage> {
  const ort = onnxruntimeWebFiles(import.meta.url);
  const opened = await openChromiumPage({
    title: "@rectify/runtime browser suite",
    script: await bundleBrowserEntry(new URL("./page.ts", import.meta.url), [
      "onnxruntime-web",
      "onnxruntime-web/*",
    ]),
    onnxruntimeWeb: ort,
    models,
    readyGlobal: "rectifyRuntime",
  });
  const call: RuntimePage["call"] = (method, ...argument) =>
    opened.page.evaluate(
      ([name, value]) =>
        (globalThis as unknown as { rectifyRuntime: Record<string, (arg: unknown) => unknown> })
          .rectifyRuntime[name]!(value),
      [method, argument[0]] as const,
    ) as never;
  return { ...opened, call, importMap: ort.importMap };
}
