import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "./chromium.js";
import { type PageServerOptions, servePage } from "./serve.js";

/** What to open: the served page and the global its script sets once it is ready. */
export interface OpenPageOptions extends PageServerOptions {
  /** A property of globalThis the page script defines when it is ready. */
  readonly readyGlobal: string;
  /** Path and query to open (default "/"). */
  readonly path?: string;
}

/** An open page, its browser, what it logged, and how to close everything. */
export interface ChromiumPage {
  readonly page: Page;
  readonly browser: Browser;
  /** The page's console lines and errors so far, for failure messages. */
  readonly log: string[];
  /** URLs of the workers the page started (onnxruntime-web's WASM threads). */
  readonly workers: string[];
  /** http://127.0.0.1:<port> of the page server. */
  readonly origin: string;
  /** Opens another page of the same server and browser (after a crash, or for another query). */
  openAnother(path?: string): Promise<Page>;
  close(): Promise<void>;
}

/** Serves the page, launches Chromium, opens the page and waits for `readyGlobal`. */
export async function openChromiumPage(options: OpenPageOptions): Promise<ChromiumPage> {
  const server = await servePage(options);
  const closeServer = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    await closeServer();
    throw error;
  }
  const close = async () => {
    await browser.close();
    await closeServer();
  };
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const log: string[] = [];
  const workers: string[] = [];
  const openAnother = async (path = options.path ?? "/"): Promise<Page> => {
    const page = await browser.newPage();
    page.on("console", (message) => log.push(`${message.type()}: ${message.text()}`));
    page.on("pageerror", (error) => log.push(`pageerror: ${String(error)}`));
    page.on("worker", (worker) => workers.push(worker.url()));
    await page.goto(`${origin}${path}`);
    await page
      .waitForFunction((name) => name in globalThis, options.readyGlobal, { timeout: 20_000 })
      .catch((error: unknown) => {
        throw new Error(`the page ${path} did not load: ${log.join("; ") || String(error)}`);
      });
    return page;
  };
  try {
    const page = await openAnother();
    return { page, browser, log, workers, origin, openAnother, close };
  } catch (error) {
    await close();
    throw error;
  }
}
