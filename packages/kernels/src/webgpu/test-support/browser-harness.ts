// Node side of the WebGPU tests: bundles the page driver (the package's own
// kernel code) and opens it in Debian's headless Chromium, whose SwiftShader
// gives a WebGPU adapter without a GPU, through the repository's shared
// harness (tooling/chromium-harness).
import { bundleBrowserEntry, chromiumPath, openChromiumPage } from "@rectify/chromium-harness";
import type { Browser, Page } from "playwright-core";

export { chromiumPath };

/** A page running the driver, and how to close everything. */
export interface DriverPage {
  readonly page: Page;
  readonly browser: Browser;
  close(): Promise<void>;
}

/** Bundles src/webgpu/test-support/page-driver.ts for the browser. */
export function bundleDriver(): Promise<string> {
  return bundleBrowserEntry(new URL("./page-driver.ts", import.meta.url));
}

/** Serves the bundled driver and opens it in headless Chromium; resolves once the driver is ready. */
export async function openDriverPage(): Promise<DriverPage> {
  const { page, browser, close } = await openChromiumPage({
    title: "rectify WebGPU kernels",
    script: await bundleDriver(),
    readyGlobal: "rectifyWebGpu",
  });
  return { page, browser, close };
}
