// Chromium's providers for the CLI: the built bench page (dist/web) served
// cross-origin isolated on 127.0.0.1, opened in Debian's headless Chromium,
// and driven through window.rectifyBench.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromiumInstalled, launchChromium, serveFolder } from "@rectify/chromium-harness";
import type { Browser, Page } from "playwright-core";
import type { FeedSpec } from "../measure/feeds.js";
import { latencyFor } from "../measure/latency-presets.js";
import type { KernelsEntry, RunEntry } from "../report/schema.js";
import { type PageApi, type PageJob, pageGlobal, toBase64 } from "../web/protocol.js";

/** The built page, dist/web (from dist/cli when bundled, from src/cli in tests). */
export const webFolder = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dist", "web");

/** One pair for every browser provider. */
export interface BrowserJob {
  readonly model: string;
  readonly target: string;
  readonly original: Uint8Array;
  readonly optimized: Uint8Array;
  readonly feeds: FeedSpec;
  /** Latency settings of a --quick run (else a full run's), per provider: see latencyFor. */
  readonly quick: boolean;
}

/** Chromium, open on the bench page. */
export interface BrowserBench {
  readonly providers: readonly string[];
  readonly version: string;
  measure(job: BrowserJob, onProvider: (provider: string) => void): Promise<RunEntry[]>;
  kernels(quick: boolean): Promise<KernelsEntry>;
  close(): Promise<void>;
}

/** Why Chromium's providers cannot run here (undefined when they can). */
export function browserUnavailable(): string | undefined {
  if (!chromiumInstalled) return "Chromium is not installed (Debian package chromium)";
  if (!existsSync(join(webFolder, "index.html")))
    return `the bench page is not built (${webFolder}); run pnpm --filter @rectify/bench build`;
  return undefined;
}

/** Opens the page; `wanted` narrows the providers to those asked for. */
export async function openBrowserBench(wanted?: readonly string[]): Promise<BrowserBench> {
  const server = await serveFolder(webFolder);
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const page: Page = await browser.newPage();
    const log: string[] = [];
    page.on("console", (message) => log.push(`${message.type()}: ${message.text()}`));
    page.on("pageerror", (error) => log.push(`pageerror: ${String(error)}`));
    await page.goto(`${server.origin}/`);
    await page
      .waitForFunction((name) => name in globalThis, pageGlobal, { timeout: 30_000 })
      .catch(() => {
        throw new Error(`the bench page did not load: ${log.join("; ")}`);
      });
    // Each call below is a self-contained function Playwright runs in the page.
    const available = await page.evaluate(
      (name) => (globalThis as unknown as Record<string, PageApi>)[name]!.providers(),
      pageGlobal,
    );
    const providers = available.filter((name) => !wanted || wanted.includes(name));
    const opened = browser;
    return {
      providers,
      version: opened.version(),
      async measure(job, onProvider) {
        const runs: RunEntry[] = [];
        const original = toBase64(job.original);
        const optimized = toBase64(job.optimized);
        for (const provider of providers) {
          const pageJob: PageJob = {
            model: job.model,
            target: job.target,
            provider,
            original,
            optimized,
            feeds: job.feeds,
            latency: latencyFor(provider, job.quick),
          };
          runs.push(
            await page.evaluate(
              ([name, value]) =>
                (globalThis as unknown as Record<string, PageApi>)[name]!.measure(value),
              [pageGlobal, pageJob] as const,
            ),
          );
          onProvider(provider);
        }
        return runs;
      },
      kernels: (quick) =>
        page.evaluate(
          ([name, value]) =>
            (globalThis as unknown as Record<string, PageApi>)[name]!.kernels(value),
          [pageGlobal, quick] as const,
        ),
      async close() {
        await opened.close();
        await server.close();
      },
    };
  } catch (error) {
    await browser?.close();
    await server.close();
    throw error;
  }
}
