// Node side of the runtime's browser suite: bundles page.ts (the package's
// browser entry, src/index.browser.ts, and what it imports) with esbuild,
// serves it on 127.0.0.1 with the COOP/COEP headers of a cross-origin isolated
// page, next to onnxruntime-web's own dist files (the .mjs and .wasm files it
// loads at run time, mapped with an import map to the files a bundler would
// pick from the package's exports) and the test's models, and opens it in
// Debian's Chromium, whose SwiftShader gives a WebGPU adapter without a GPU.
import { createReadStream, existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { type Browser, chromium, type Page } from "playwright-core";
import type { RuntimePageDriver } from "./page.js";

/** Where Debian's `chromium` package installs the browser (never downloaded by tests). */
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** True when the browser the suite drives is installed. */
export const chromiumInstalled = existsSync(chromiumPath);

const launchArguments = [
  "--headless=new",
  "--no-sandbox",
  "--enable-unsafe-webgpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

const isolationHeaders = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Cache-Control": "no-store",
};

const contentTypes: Record<string, string> = {
  mjs: "text/javascript; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  wasm: "application/wasm",
  map: "application/json",
  onnx: "application/octet-stream",
};

/** onnxruntime-web's dist folder and the browser files a bundler picks for its "." and "./webgpu" exports. */
function onnxruntimeWeb(): { dist: string; importMap: Record<string, string> } {
  const require = createRequire(import.meta.url);
  const root = dirname(dirname(require.resolve("onnxruntime-web")));
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    exports: Record<string, { import?: string | { default?: string } }>;
  };
  const browserFile = (subpath: string): string => {
    const entry = manifest.exports[subpath]?.import;
    const file = typeof entry === "string" ? entry : entry?.default;
    if (!file?.startsWith("./dist/"))
      throw new Error(`onnxruntime-web's package.json has no browser import for "${subpath}"`);
    return `/ort/${file.slice("./dist/".length)}`;
  };
  return {
    dist: join(root, "dist"),
    importMap: {
      "onnxruntime-web": browserFile("."),
      "onnxruntime-web/webgpu": browserFile("./webgpu"),
    },
  };
}

/**
 * Bundles test/browser/page.ts for the browser as a user's bundler would,
 * onnxruntime-web left to the import map. No Node built-in may be needed:
 * @rectify/onnx maps the ones its file I/O imports to nothing in its
 * package.json "browser" field, so this build fails if that regresses.
 */
async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL("./page.ts", import.meta.url))],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    external: ["onnxruntime-web", "onnxruntime-web/*"],
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}

function serve(
  script: string,
  models: ReadonlyMap<string, Uint8Array>,
  { dist, importMap }: ReturnType<typeof onnxruntimeWeb>,
): Promise<Server> {
  const html = `<!doctype html><meta charset="utf-8"><title>@rectify/runtime browser suite</title>
<script type="importmap">${JSON.stringify({ imports: importMap })}</script>
<script type="module" src="/page.js"></script>`;
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    const send = (type: string, body: string | Uint8Array) => {
      response.writeHead(200, { ...isolationHeaders, "Content-Type": type });
      response.end(body);
    };
    const ortFile = /^\/ort\/([\w.-]+\.(mjs|wasm|map))$/.exec(path);
    const modelFile = /^\/models\/([\w-]+)\.onnx$/.exec(path);
    if (path === "/") send("text/html; charset=utf-8", html);
    else if (path === "/favicon.ico") {
      response.writeHead(204, isolationHeaders);
      response.end();
    } else if (path === "/page.js") send(contentTypes.js!, script);
    else if (modelFile && models.has(modelFile[1]!))
      send(contentTypes.onnx!, models.get(modelFile[1]!)!);
    else if (ortFile && existsSync(join(dist, ortFile[1]!))) {
      response.writeHead(200, { ...isolationHeaders, "Content-Type": contentTypes[ortFile[2]!]! });
      createReadStream(join(dist, ortFile[1]!))
        .on("error", () => response.destroy())
        .pipe(response);
    } else {
      response.writeHead(404, isolationHeaders);
      response.end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

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

/** Serves the bundled page with `models` at /models/<name>.onnx and opens it in headless Chromium. */
export async function openRuntimePage(
  models: ReadonlyMap<string, Uint8Array>,
): Promise<RuntimePage> {
  const ort = onnxruntimeWeb();
  const server = await serve(await bundlePage(), models, ort);
  const closeServer = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: chromiumPath, args: launchArguments });
  } catch (error) {
    await closeServer();
    throw new Error(
      `cannot launch Chromium at ${chromiumPath} (install Debian's "chromium" package): ${String(error)}`,
    );
  }
  const close = async () => {
    await browser.close();
    await closeServer();
  };
  try {
    const page = await browser.newPage();
    const log: string[] = [];
    page.on("console", (message) => log.push(`${message.type()}: ${message.text()}`));
    page.on("pageerror", (error) => log.push(`pageerror: ${String(error)}`));
    const workers: string[] = [];
    page.on("worker", (worker) => workers.push(worker.url()));
    const { port } = server.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/`);
    await page
      .waitForFunction(() => "rectifyRuntime" in globalThis, undefined, { timeout: 20_000 })
      .catch((error: unknown) => {
        throw new Error(`the runtime page did not load: ${log.join("; ") || String(error)}`);
      });
    const call: RuntimePage["call"] = (method, ...argument) =>
      page.evaluate(
        ([name, value]) =>
          (globalThis as unknown as { rectifyRuntime: Record<string, (arg: unknown) => unknown> })
            .rectifyRuntime[name]!(value),
        [method, argument[0]] as const,
      ) as never;
    return { page, browser, call, log, workers, importMap: ort.importMap, close };
  } catch (error) {
    await close();
    throw error;
  }
}
