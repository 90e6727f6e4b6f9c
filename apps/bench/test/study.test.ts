// The planning study end to end, as the acceptance table is made: the CLI
// optimizes each model for ort-cpu and ort-wasm twice (static and measured
// planning), times both against the original on the target's own engine in
// Node, prints the table and the verdict, writes JSON that matches its schema,
// and the HTML report draws the predicted-against-measured chart.
import { chromiumInstalled, launchChromium } from "@rectify/chromium-harness";
import { beforeAll, describe, expect, it } from "vitest";
import { type PlanStudyEntry, reportSchema } from "../src/report/schema.js";
import { heavyLine, spearman, studyVerdict } from "../src/report/study-summary.js";
import type { DrawnChart } from "../src/viewer/render.js";
import { runStudyCli, type StudyRun } from "./support/run-cli.js";

describe("Spearman's rank correlation", () => {
  it("is 1 for the same order, −1 for the reverse, and ranks ties by their average", () => {
    expect(
      spearman([
        [1, 10],
        [2, 20],
        [3, 30],
        [4, 40],
      ]),
    ).toBeCloseTo(1, 12);
    expect(
      spearman([
        [1, 4],
        [2, 3],
        [3, 2],
        [4, 1],
      ]),
    ).toBeCloseTo(-1, 12);
    // x ranks 1, 2.5, 2.5, 4 against y ranks 1, 2, 3, 4: ρ = 0.9486833
    expect(
      spearman([
        [1, 1],
        [2, 2],
        [2, 3],
        [3, 4],
      ]),
    ).toBeCloseTo(0.9486833, 6);
    expect(
      spearman([
        [1, 1],
        [2, 2],
      ]),
    ).toBeNull();
    expect(
      spearman([
        [1, 1],
        [1, 2],
        [1, 3],
      ]),
    ).toBeNull();
  });
});

describe("the activation-heavy verdict", () => {
  const row = (fields: Partial<PlanStudyEntry>): PlanStudyEntry => ({
    model: "m",
    target: "ort-cpu",
    provider: "cpu",
    status: "measured",
    sites: 4,
    plannedSubstituted: 4,
    measuredSubstituted: 4,
    activationShare: 0.5,
    decision: "rewrite",
    rolledBackSlower: 0,
    substitutes: {},
    predictedSpeedup: 1.5,
    ...fields,
  });
  const speedup = (median: number, low = median * 0.99, high = median * 1.01) => ({
    median,
    low,
    high,
  });
  const verdictOf = (entry: PlanStudyEntry) => studyVerdict([entry]).heavy[0]?.verdict;

  it("classes rows by the wall-time share, the ceiling and the fastest stand-in within the budget", () => {
    const heavy = { removed: speedup(2), wallShare: 0.5 };
    expect(verdictOf(row({ ...heavy, measured: speedup(1.6) }))).toBe("reached");
    // Under 30% of the wall time: not activation-heavy, whatever the profiler said.
    expect(
      verdictOf(row({ removed: speedup(1.2), wallShare: 1 - 1 / 1.2, measured: speedup(1.1) })),
    ).toBeUndefined();
    // The model without its activations is under 1.5×: nothing can reach it.
    expect(
      verdictOf(row({ removed: speedup(1.45), wallShare: 1 - 1 / 1.45, measured: speedup(1.2) })),
    ).toBe("ceiling");
    const alternative = (label: string, median: number) => ({
      label,
      sites: 4,
      speedup: speedup(median),
    });
    expect(
      verdictOf(
        row({
          ...heavy,
          measured: speedup(1.3),
          alternatives: [alternative("a", 1.31), alternative("b", 1.1)],
        }),
      ),
    ).toBe("best-within-budget");
    // A stand-in within the budget measured faster than what was written, or reached 1.5×: missed.
    expect(
      verdictOf(row({ ...heavy, measured: speedup(1.2), alternatives: [alternative("a", 1.3)] })),
    ).toBe("missed");
    expect(
      verdictOf(row({ ...heavy, measured: speedup(1.3), alternatives: [alternative("a", 1.55)] })),
    ).toBe("missed");
    // Faster in the alternatives' rounds but not against the written model's own timing: not a miss.
    expect(
      verdictOf(
        row({
          ...heavy,
          measured: speedup(1.2),
          writtenAlongside: speedup(1.1),
          alternatives: [alternative("a", 1.17)],
        }),
      ),
    ).toBe("best-within-budget");
    expect(
      verdictOf(
        row({
          ...heavy,
          measured: speedup(1.1),
          writtenAlongside: speedup(1.1),
          alternatives: [alternative("a", 1.17)],
        }),
      ),
    ).toBe("missed");
    // Reports with the paired comparison: missed only when a stand-in is ≥ 3% faster than the
    // written model with its interval over it above 1, whatever the medians against the original say.
    const paired = (label: string, median: number, over: ReturnType<typeof speedup>) => ({
      ...alternative(label, median),
      overWritten: over,
    });
    expect(
      verdictOf(
        row({
          ...heavy,
          measured: speedup(1.43),
          alternatives: [
            paired("a", 1.53, speedup(1.06, 0.95, 1.18)),
            paired("b", 1.2, speedup(0.9)),
          ],
        }),
      ),
    ).toBe("best-within-budget");
    expect(
      verdictOf(
        row({
          ...heavy,
          measured: speedup(1.2),
          alternatives: [paired("a", 1.3, speedup(1.08, 1.04, 1.12))],
        }),
      ),
    ).toBe("missed");
    // Measurably faster but by under 3%: within the tolerance.
    expect(
      verdictOf(
        row({
          ...heavy,
          measured: speedup(1.2),
          alternatives: [paired("a", 1.22, speedup(1.02, 1.01, 1.03))],
        }),
      ),
    ).toBe("best-within-budget");
    // The fastest is the one fastest over the written model, and the line says by how much.
    const [line] = studyVerdict([
      row({
        ...heavy,
        measured: speedup(1.2),
        alternatives: [
          paired("a", 1.3, speedup(1.01, 0.9, 1.1)),
          paired("b", 1.25, speedup(1.04, 0.95, 1.1)),
        ],
      }),
    ]).heavy;
    expect(line?.best?.label).toBe("b");
    expect(heavyLine(line!)).toContain(
      "1.04× [0.95–1.10] over the written model in the same rounds",
    );
    // One that read faster among all the alternatives was timed again head to head: that reading decides.
    const rechecked = row({
      ...heavy,
      measured: speedup(1.2),
      alternatives: [
        { ...paired("a", 1.26, speedup(1.01, 0.98, 1.04)), screened: speedup(1.05, 1.02, 1.08) },
      ],
    });
    expect(verdictOf(rechecked)).toBe("best-within-budget");
    expect(heavyLine(studyVerdict([rechecked]).heavy[0]!)).toContain(
      "1.05× [1.02–1.08] over the written model among all the alternatives, 1.01× [0.98–1.04] timed again head to head",
    );
    // Nothing measured says why: missed.
    expect(verdictOf(row({ ...heavy, measured: speedup(1.3) }))).toBe("missed");
    // Without a removal timing, the profiler's share decides.
    expect(verdictOf(row({ activationShare: 0.4, measured: speedup(1.2) }))).toBe("missed");
  });
});

describe("the planning study through the CLI", () => {
  let run: StudyRun;

  beforeAll(async () => {
    run = await runStudyCli({
      models: "cnn-mish,cnn-softplus,mlp-relu",
      targets: "ort-cpu,ort-wasm",
      providers: "cpu,wasm",
    });
  }, 600_000);

  it("prints the table and the verdict, and writes the rows the schema describes", () => {
    const { result } = run;
    const report = run.report!;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Planning study: each onnxruntime target on its own engine");
    expect(result.stdout).toMatch(
      /^cnn-mish\s+ort-cpu\s+\d+%\s+\d+%\s+\d+\.\d\d×\s+4\/4\s+\d+\.\d\d×\s+\d+\.\d\d× \[/m,
    );
    expect(result.stdout).toMatch(/Spearman ρ = -?\d\.\d\d over 4 rows/);
    expect(result.stdout).toMatch(/^Never slower: /m);
    expect(reportSchema.safeParse(report).success).toBe(true);
    expect(report.runs).toEqual([]);
    const study = report.planStudy!;
    expect(study.map((entry) => `${entry.model} ${entry.target}`)).toEqual([
      "cnn-mish ort-cpu",
      "cnn-mish ort-wasm",
      "cnn-softplus ort-cpu",
      "cnn-softplus ort-wasm",
      "mlp-relu ort-cpu",
      "mlp-relu ort-wasm",
    ]);
    for (const entry of study.filter((row) => row.model !== "mlp-relu")) {
      expect(entry.status).toBe("measured");
      expect(entry.provider).toBe(entry.target === "ort-cpu" ? "cpu" : "wasm");
      // Mish and Softplus are most of these CNNs' time; the profiler says so.
      expect(entry.activationShare!).toBeGreaterThan(0.3);
      expect(entry.predictedSpeedup!).toBeGreaterThan(1);
      expect(entry.planned!.low).toBeLessThanOrEqual(entry.planned!.median);
      expect(entry.planned!.median).toBeLessThanOrEqual(entry.planned!.high);
      expect(entry.control).toBeDefined();
      // Taken out, the activations leave most of the time behind: the ceiling no stand-in passes.
      expect(entry.wallShare!).toBeGreaterThan(0.3);
      expect(entry.wallShare!).toBeCloseTo(1 - 1 / entry.removed!.median, 12);
      if (entry.decision === "original")
        expect(entry.measured).toEqual({ median: 1, low: 1, high: 1, identity: true });
    }
    // ReLU: nothing for the static plan to rewrite on onnxruntime. (Measured planning may still
    // write another stand-in for the Softmax head if one measures faster; then the row is timed.)
    for (const entry of study.filter((row) => row.model === "mlp-relu")) {
      expect(entry.status).toBe(entry.decision === "rewrite" ? "measured" : "unchanged");
      expect(entry.plannedSubstituted).toBe(0);
      expect(entry.predictedSpeedup).toBe(1);
      // Still timed without its activations: ReLU folds into the Gemm, so the ceiling is low.
      expect(entry.removed).toBeDefined();
      expect(entry.wallShare!).toBeLessThan(0.3);
    }
    const verdict = studyVerdict(study);
    expect(verdict.ranked).toBe(4);
    expect(verdict.heavy.map((row) => row.row)).toEqual([
      "cnn-mish → ort-cpu",
      "cnn-mish → ort-wasm",
      "cnn-softplus → ort-cpu",
      "cnn-softplus → ort-wasm",
    ]);
    expect(result.stdout).toMatch(
      /^Activations ≥ 30% of the wall time \(4 rows\): \d reach ≥ 1\.5×/m,
    );
  });

  it.runIf(chromiumInstalled)(
    "draws the predicted-against-measured chart and the study table offline",
    async () => {
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        const errors: string[] = [];
        page.on("pageerror", (error) => errors.push(String(error)));
        await page.goto(`file://${run.htmlPath}`);
        await page.waitForFunction(() => "rectifyReportCharts" in globalThis);
        const charts = (await page.evaluate(
          () =>
            (globalThis as unknown as { rectifyReportCharts: DrawnChart[] }).rectifyReportCharts,
        )) as DrawnChart[];
        expect(errors).toEqual([]);
        const study = charts.find((chart) => chart.id === "study")!;
        expect(study.points).toBe(4);
        expect(study.drawnPoints).toBe(4);
        expect(await page.locator("h2", { hasText: "Planning study" }).count()).toBe(1);
        expect(await page.locator("table.results tbody tr").count()).toBe(6);
      } finally {
        await browser.close();
      }
    },
  );
});
