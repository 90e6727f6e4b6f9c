// The browser page as a user drives it: pick a zoo model (or give an .onnx
// file), a target and wasm, press Run; the rewrite runs in the page, and the
// results table and the speedup chart appear.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromiumInstalled, launchChromium, serveFolder } from "@rectify/chromium-harness";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webFolder } from "../src/cli/browser-bench.js";
import type { DrawnChart } from "../src/viewer/render.js";

const screenshots = join(import.meta.dirname, "..", "test-output");
const detector = join(
  import.meta.dirname,
  "..",
  "..",
  "..",
  "tooling",
  "models",
  "torch",
  "detector.onnx",
);

describe.runIf(chromiumInstalled)("the bench page in Chromium", () => {
  let close: () => Promise<void>;
  let page: Page;
  const log: string[] = [];

  beforeAll(async () => {
    const server = await serveFolder(webFolder);
    const browser = await launchChromium();
    close = async () => {
      await browser.close();
      await server.close();
    };
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on("console", (message) => log.push(`${message.type()}: ${message.text()}`));
    page.on("pageerror", (error) => log.push(`pageerror: ${String(error)}`));
    await page.goto(`${server.origin}/`);
    await page.waitForFunction(() => "rectifyBench" in globalThis, undefined, { timeout: 30_000 });
  });
  afterAll(async () => close?.());

  const runAndWait = async () => {
    await page.click("#run");
    await page
      .waitForFunction(
        () => document.body.dataset.state && document.body.dataset.state !== "running",
        undefined,
        {
          timeout: 240_000,
        },
      )
      .catch((error: unknown) => {
        throw new Error(`the page did not finish: ${String(error)}\n${log.join("\n")}`);
      });
    expect(
      await page.evaluate(() => document.body.dataset.state),
      (await page.textContent("#status")) ?? "",
    ).toBe("done");
  };

  const cells = (row: number) =>
    page.$$eval(`table.results tbody tr:nth-child(${row}) td`, (tds) =>
      tds.map((td) => td.textContent ?? ""),
    );

  it("runs a zoo model's original and optimized on wasm, then shows the table and the chart", async () => {
    await page.selectOption("#model", "cnn-silu");
    await page.selectOption("#target", "algebraic");
    expect(await page.isChecked("input[name=provider][value=wasm]")).toBe(true);
    await runAndWait();
    const row = await cells(1);
    expect(row.slice(0, 4)).toEqual(["cnn-silu", "algebraic", "wasm (Chromium)", "4 (4)"]);
    expect(row[4]).toMatch(/^\d+\.\d\d× \[\d+\.\d\d–\d+\.\d\d\]$/);
    expect(Number(row[5])).toBeLessThan(1e-2);
    const charts = (await page.evaluate(
      () => (globalThis as unknown as { rectifyReportCharts: DrawnChart[] }).rectifyReportCharts,
    )) as DrawnChart[];
    expect(charts).toEqual([{ id: "speedup-algebraic", points: 1, drawnPoints: 1 }]);
    expect(await page.textContent("#status")).toMatch(/^done in [\d.]+ s: 1 run\.$/);
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: join(screenshots, "page-zoo.png"), fullPage: true });
  });

  it("takes a user's .onnx file (a PyTorch export with dynamic axes) and its dims", async () => {
    await page.setInputFiles("#file", detector);
    await page.waitForFunction(
      () => document.querySelector<HTMLSelectElement>("#model")!.value === "dropped",
    );
    await page.fill("#dims", "batch=1, height=64, width=64");
    await page.selectOption("#target", "algebraic");
    await runAndWait();
    const row = await cells(1);
    expect(row.slice(0, 3)).toEqual(["user/detector", "algebraic", "wasm (Chromium)"]);
    expect(row[4]).toMatch(/×/);
    await page.screenshot({ path: join(screenshots, "page-file.png"), fullPage: true });
  });

  it("says what is wrong with a bad choice instead of running", async () => {
    await page.fill("#budget", "-1");
    await page.click("#run");
    await page.waitForFunction(() => document.body.dataset.state === "failed");
    expect(await page.textContent("#status")).toBe("failed: the budget must be a number > 0");
    await page.fill("#budget", "0.001");
  });
});
