// The accuracy-aware study end to end, as the acceptance row is made: the CLI
// optimizes the repo's trained digits CNN for ort-wasm with and without
// --min-top1-agreement 1 on its calibration set (measured planning both times),
// times the two results head to head, checks the held-out digits, prints the
// table and a verdict, and the HTML report shows it. Nothing here asserts a
// speed: the machine is shared; the row's interval is only checked for form.
import { chromiumInstalled, launchChromium } from "@rectify/chromium-harness";
import { beforeAll, describe, expect, it } from "vitest";
import { accuracyOf } from "../src/measure/accuracy-study.js";
import { accuracyCells, accuracyVerdict } from "../src/report/accuracy-summary.js";
import { type AccuracyStudyEntry, reportSchema } from "../src/report/schema.js";
import { runStudyCli, type StudyRun } from "./support/run-cli.js";

describe("accuracy against labels", () => {
  it("counts rows whose largest score is the label", () => {
    const logits = {
      y: { type: "float32" as const, dims: [3, 2], data: Float32Array.of(1, 2, 5, 0, 0, 0.5) },
    };
    expect(accuracyOf(logits, [1, 0, 0])).toBeCloseTo(2 / 3, 12);
    expect(() => accuracyOf(logits, [1, 0])).toThrow(/one row of class scores per label/);
  });
});

describe("the accuracy-aware verdict", () => {
  const entry = (overDefault: {
    median: number;
    low: number;
    high: number;
  }): AccuracyStudyEntry => ({
    model: "m",
    target: "ort-wasm",
    provider: "wasm",
    status: "measured",
    limit: "top-1 agreement ≥ 100%",
    calibration: { source: "c.npy", rows: 300 },
    heldOut: { source: "h.npy", rows: 497 },
    default: {
      decision: "unchanged",
      substituted: 0,
      overOriginal: { median: 1, low: 1, high: 1, identity: true },
    },
    aware: {
      decision: "rewrite",
      substituted: 2,
      overOriginal: overDefault,
      pastBudget: [
        { site: "a", substitute: "hard-swish as HardSwish", predictedError: 0.142 },
        { site: "b", substitute: "hard-swish as HardSwish", predictedError: 0.142 },
      ],
      evaluations: 5,
    },
    overDefault,
    heldOutAgreement: 0.996,
    accuracy: { original: 0.994, default: 0.994, aware: 0.99 },
  });

  it("calls a head-to-head speedup measurably faster only ≥ 3% with its interval above 1", () => {
    expect(accuracyVerdict(entry({ median: 1.2, low: 1.1, high: 1.3 }))).toMatch(
      /measurably faster than the default$/,
    );
    expect(accuracyVerdict(entry({ median: 1.2, low: 0.99, high: 1.3 }))).toMatch(
      /not measurably faster/,
    );
    expect(accuracyVerdict(entry({ median: 1.02, low: 1.01, high: 1.03 }))).toMatch(
      /not measurably faster/,
    );
    const cells = accuracyCells(entry({ median: 1.2, low: 1.1, high: 1.3 }));
    expect(cells[3]).toBe("2 → hard-swish as HardSwish");
    expect(cells[7]).toBe("99.6%");
    expect(cells[8]).toBe("99.40% → 99.00%");
  });
});

describe("the accuracy-aware study through the CLI", () => {
  let run: StudyRun;

  beforeAll(async () => {
    run = await runStudyCli({
      models: "torch/digits-silu",
      targets: "ort-wasm",
      providers: "wasm",
    });
  }, 600_000);

  it("optimizes with and without the search, checks the held-out digits and prints the row", () => {
    const { result, report } = run;
    expect(result.code, result.stderr).toBe(0);
    expect(reportSchema.safeParse(report).success).toBe(true);
    const rows = report!.accuracyStudy!;
    expect(rows.map((row) => `${row.model} ${row.target} ${row.status}`)).toEqual([
      "torch/digits-silu ort-wasm measured",
    ]);
    const row = rows[0]!;
    expect(row.limit).toBe("top-1 agreement ≥ 100%");
    expect(row.calibration.rows).toBe(300);
    expect(row.heldOut.rows).toBe(497);
    expect(row.calibration.source).toMatch(/digits-silu\/calibration\/inputs\/input\.npy$/);
    // The trained CNN: 494 of the 497 held-out digits right (tooling/models/README.md).
    expect(row.accuracy!.original).toBeCloseTo(494 / 497, 12);
    // The search takes sites past the budget: each stand-in's own error is above it.
    expect(row.aware!.pastBudget.length).toBeGreaterThan(0);
    for (const site of row.aware!.pastBudget) expect(site.predictedError).toBeGreaterThan(1e-3);
    expect(row.aware!.evaluations).toBeGreaterThanOrEqual(row.aware!.pastBudget.length);
    if (row.aware!.decision === "rewrite") {
      expect(row.aware!.substituted).toBeGreaterThanOrEqual(row.aware!.pastBudget.length);
      // What was kept past the budget was checked on held-out digits the search never saw.
      expect(row.heldOutAgreement!).toBeGreaterThan(0.98);
    } else expect(row.heldOutAgreement).toBe(1);
    const over = row.overDefault!;
    expect(over.low).toBeLessThanOrEqual(over.median);
    expect(over.median).toBeLessThanOrEqual(over.high);
    expect(row.control).toBeDefined();
    expect(row.rounds!).toBeGreaterThanOrEqual(40);
    expect(result.stdout).toContain("Accuracy-aware search: optimize with --min-top1-agreement 1");
    expect(result.stdout).toMatch(/^torch\/digits-silu\s+ort-wasm\s+.+\d+ → hard-swish/m);
    expect(result.stdout).toMatch(/^ {2}torch\/digits-silu on ort-wasm: \d\.\d\d× \[/m);
  });

  it.runIf(chromiumInstalled)("shows the table and the verdict in the HTML report", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(String(error)));
      await page.goto(`file://${run.htmlPath}`);
      await page.waitForFunction(() => "rectifyReportCharts" in globalThis);
      expect(errors).toEqual([]);
      const section = page.locator("section", {
        has: page.locator("h2", { hasText: "Accuracy-aware search" }),
      });
      expect(await section.locator("tbody tr").count()).toBe(1);
      expect(await section.locator("li").first().textContent()).toMatch(
        /^torch\/digits-silu on ort-wasm: /,
      );
    } finally {
      await browser.close();
    }
  });
});
