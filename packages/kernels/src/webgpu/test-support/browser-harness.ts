// Node side of the WebGPU tests: bundles the page driver (the package's own
// kernel code) with esbuild, serves it on 127.0.0.1 with the COOP/COEP
// headers a cross-origin-isolated page needs, and opens it in Debian's
// Chromium, whose SwiftShader gives a WebGPU adapter without a GPU.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { type Browser, chromium, type Page } from "playwright-core";

/** Where Debian's `chromium` package installs the browser (never downloaded by tests). */
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

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

/** A page running the driver, and how to close everything. */
export interface DriverPage {
  readonly page: Page;
  readonly browser: Browser;
  close(): Promise<void>;
}

/** Bundles src/webgpu/test-support/page-driver.ts for the browser. */
export async function bundleDriver(): Promise<string> {
  const entry = fileURLToPath(new URL("./page-driver.ts", import.meta.url));
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}

function serve(script: string): Promise<Server> {
  const page = `<!doctype html><meta charset="utf-8"><title>rectify WebGPU kernels</title>
<script type="module" src="/driver.js"></script>`;
  const server = createServer((request, response) => {
    const headers = {
      "Cross-Origin-Opener-Policy": "same-origin",
      "Cross-Origin-Embedder-Policy": "require-corp",
      "Cross-Origin-Resource-Policy": "same-origin",
      "Cache-Control": "no-store",
    };
    if (request.url === "/") {
      response.writeHead(200, { ...headers, "Content-Type": "text/html; charset=utf-8" });
      response.end(page);
    } else if (request.url === "/driver.js") {
      response.writeHead(200, { ...headers, "Content-Type": "text/javascript; charset=utf-8" });
      response.end(script);
    } else {
      response.writeHead(404, headers);
      response.end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

/** Serves the bundled driver and opens it in headless Chromium; resolves once the driver is ready. */
export async function openDriverPage(): Promise<DriverPage> {
  const script = await bundleDriver();
  const server = await serve(script);
  const closeServer = () => new Promise<void>((resolve) => server.close(() => resolve()));
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
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(String(error)));
    const { port } = server.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/`);
    await page
      .waitForFunction(() => "rectifyWebGpu" in globalThis, undefined, { timeout: 20_000 })
      .catch((error: unknown) => {
        throw new Error(`the driver page did not load: ${pageErrors.join("; ") || String(error)}`);
      });
    return { page, browser, close };
  } catch (error) {
    await close();
    throw error;
  }
}
