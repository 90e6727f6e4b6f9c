// A browser app using @rectify/runtime, bundled with esbuild from the
// npm-installed tarballs (browser conditions), served with COOP/COEP and run
// in headless Chromium on the wasm provider: its outputs must be right.
import { chromiumInstalled, launchChromium, serveFolder } from "@rectify/chromium-harness";
import { describe, expect, inject, it } from "vitest";
import { buildBrowserApp, expectedOutputs } from "./support/browser-app.js";
import { step } from "./support/steps.js";

const full = inject("fullProject");

interface RunOutcome {
  readonly provider: string;
  readonly rewritten: boolean;
  readonly outputs: Record<string, number[]>;
}
interface SmokeResult {
  readonly crossOriginIsolated?: boolean;
  readonly plain?: RunOutcome;
  readonly rewritten?: RunOutcome;
  readonly error?: string;
}

function expectClose(
  actual: readonly number[] | undefined,
  expected: readonly number[],
  what: string,
) {
  expect(actual, what).toHaveLength(expected.length);
  for (const [index, value] of actual!.entries())
    expect(
      Math.abs(value - expected[index]!),
      `${what}[${index}]: ${value} vs ${expected[index]}`,
    ).toBeLessThan(1e-5);
}

describe.runIf(chromiumInstalled)("a browser app bundled from the installed tarballs", () => {
  it("runs a model on the wasm provider in headless Chromium with correct outputs", async () => {
    const dist = await step("esbuild the browser app (--loader:.wasm=file)", () =>
      buildBrowserApp(full),
    );
    const server = await serveFolder(dist);
    const browser = await launchChromium();
    const log: string[] = [];
    try {
      const result = await step("run the app in headless Chromium (wasm provider)", async () => {
        const page = await browser.newPage();
        page.on("console", (message) => log.push(`${message.type()}: ${message.text()}`));
        page.on("pageerror", (error) => log.push(`pageerror: ${String(error)}`));
        await page.goto(`${server.origin}/`);
        await page
          .waitForFunction(() => "smokeResult" in globalThis, undefined, { timeout: 60_000 })
          .catch((error: unknown) => {
            throw new Error(
              `the app did not finish: ${String(error)}\nrequests: ${server.requests.join(", ")}\nlog: ${log.join("\n")}`,
            );
          });
        return (await page.evaluate(
          () => (globalThis as { smokeResult?: unknown }).smokeResult,
        )) as SmokeResult;
      });
      const context = `requests: ${server.requests.join(", ")}\nlog: ${log.join("\n")}`;
      expect(result.error, context).toBeUndefined();
      expect(result.crossOriginIsolated, "served with COOP/COEP").toBe(true);
      expect(
        server.requests.some((request) => /^200 \/.*\.wasm$/.test(request)),
        context,
      ).toBe(true);
      for (const outcome of [result.plain, result.rewritten]) {
        expect(outcome?.provider).toBe("wasm");
        expectClose(outcome?.outputs.softplus, expectedOutputs.softplus, "softplus");
        expectClose(outcome?.outputs.shiftedRelu, expectedOutputs.shiftedRelu, "shiftedRelu");
      }
      expect(result.rewritten?.rewritten, "rewrite-on-load loaded the rewriter in the bundle").toBe(
        true,
      );
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
