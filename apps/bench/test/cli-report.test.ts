// The CLI end to end, as a user runs it: one generated model rewritten for
// algebraic, timed on Node's cpu and Chromium's WebGPU, a budget sweep and
// the kernels; the JSON must match its schema, and the offline HTML report
// must draw every chart with its data points in Chromium with nothing fetched.
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromiumInstalled, launchChromium } from "@rectify/chromium-harness";
import { beforeAll, describe, expect, it } from "vitest";
import { type BenchReport, reportSchema } from "../src/report/schema.js";
import type { DrawnChart } from "../src/viewer/render.js";
import { type CliResult, runCli } from "./support/run-cli.js";

const work = mkdtempSync(join(tmpdir(), "rectify-bench-cli-"));
const jsonPath = join(work, "out", "report.json");
const htmlPath = join(work, "out", "report.html");
/** Screenshots for people to look at (not compared). */
export const screenshots = join(import.meta.dirname, "..", "test-output");

describe.runIf(chromiumInstalled)("rectify-bench on one model, Node and Chromium", () => {
  let result: CliResult;
  let report: BenchReport;

  beforeAll(async () => {
    result = await runCli(
      [
        "--models",
        "mlp-gelu",
        "--targets",
        "algebraic",
        "--providers",
        "cpu,chromium:webgpu",
        "--sweep",
        "mlp-gelu",
        "--budgets",
        "1e-3,0.3",
        "--quick",
        "--json",
        jsonPath,
        "--html",
        htmlPath,
      ],
      work,
    );
    if (result.code === 0) report = JSON.parse(readFileSync(jsonPath, "utf8")) as BenchReport;
  }, 600_000);

  it("exits 0, prints the summary table and writes both files", () => {
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /^model\s+target\s+subst\.\s+max \|err\|\s+top-1\s+cpu \(Node\) speedup\s+webgpu \(Chromium\) speedup\s+webgpu CPU nodes$/m,
    );
    // Both speedups with their intervals, and no compute node on the CPU before or after.
    expect(result.stdout).toMatch(
      /^mlp-gelu\s+algebraic\s+5\/5\s+\S+\s+\d+\.\d%\s+\d+\.\d\d× \[\d+\.\d\d–\d+\.\d\d\]( ~)?\s+\d+\.\d\d× \[\d+\.\d\d–\d+\.\d\d\]( ~)?\s+0→0$/m,
    );
    expect(result.stdout).toContain("Budget sweep, mlp-gelu for algebraic on cpu: 6 points");
    expect(result.stdout).toContain(`wrote ${jsonPath} and ${htmlPath}`);
  });

  it("writes JSON that matches the documented schema, with every measurement", () => {
    expect(() => reportSchema.parse(report)).not.toThrow();
    expect(report.runs.map((run) => `${run.provider}/${run.environment}/${run.status}`)).toEqual([
      "cpu/node/measured",
      "webgpu/chromium/measured",
    ]);
    for (const run of report.runs) {
      expect(run.accuracy!.maxAbs).toBeLessThan(1e-2);
      expect(run.latency!.original.median).toBeGreaterThan(0);
    }
    // On the browser's WebGPU provider the placement comes from onnxruntime's own log.
    expect(report.runs[1]!.fallback!.placed).toEqual({
      original: { computeNodesOnCpu: 0, shapeNodesOnCpu: expect.any(Number), cpuOps: {} },
      optimized: { computeNodesOnCpu: 0, shapeNodesOnCpu: expect.any(Number), cpuOps: {} },
    });
    expect(report.optimizations[0]!.ops.Erf).toBeUndefined();
    expect(report.models[0]!.ops.Erf).toBe(4);
    expect(report.sweeps[0]!.points).toHaveLength(6);
    expect(report.sweeps[0]!.points.some((point) => point.pareto)).toBe(true);
    expect(report.kernels.map((entry) => entry.error)).toEqual([undefined, undefined]);
    expect(report.kernels[1]!.rows.some((row) => (row.wgsl ?? 0) > 0)).toBe(true);
  });

  it("draws every chart of the offline HTML report with its data points, fetching nothing", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const requests: string[] = [];
      await page.route("**/*", (route) => {
        const url = route.request().url();
        if (url.startsWith("file:")) return route.continue();
        requests.push(url);
        return route.abort();
      });
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(String(error)));
      await page.goto(`file://${htmlPath}`);
      await page.waitForFunction(() => "rectifyReportCharts" in globalThis);
      const charts = (await page.evaluate(
        () => (globalThis as unknown as { rectifyReportCharts: DrawnChart[] }).rectifyReportCharts,
      )) as DrawnChart[];
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      expect(charts.map((chart) => chart.id)).toEqual([
        "speedup-algebraic",
        "sweep-mlp-gelu-algebraic",
        "fallback",
        "kernels-0",
        "kernels-1",
      ]);
      for (const chart of charts) {
        expect(chart.points, chart.id).toBeGreaterThan(0);
        expect(chart.drawnPoints, chart.id).toBe(chart.points);
      }
      // Each canvas has something drawn on it (not a blank box).
      const inked = await page.evaluate(() =>
        [...document.querySelectorAll("canvas")].map((canvas) => {
          const data = canvas
            .getContext("2d")!
            .getImageData(0, 0, canvas.width, canvas.height).data;
          let colored = 0;
          for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 0) colored++;
          return colored / (data.length / 4);
        }),
      );
      expect(inked).toHaveLength(5);
      for (const share of inked) expect(share).toBeGreaterThan(0.01);
      const rows = await page.locator("table.results tbody tr").count();
      expect(rows).toBe(2);
      // The op histogram's change: the four erf-GELUs' Erf nodes are gone.
      expect(
        await page.locator("table.results tbody tr:first-child td:nth-child(11)").textContent(),
      ).toMatch(/^−Erf×4 /);
      mkdirSync(screenshots, { recursive: true });
      await page.screenshot({ path: join(screenshots, "report.png"), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
