// Markdown tables from a report, for the root README:
//   --summary: per target and provider, how many rewritten models got faster,
//     stayed the same or got slower (the 95% interval above 1, across 1, below 1),
//     with the median speedup, and the compute nodes left on the CPU;
//   --models a,b: the pivoted rows of those models (as the terminal prints them);
//   --study: the planning study's timed rows and its verdict.
//   pnpm --filter @rectify/bench exec tsx scripts/readme-table.ts <report.json> --summary
import { readFileSync } from "node:fs";
import type { BenchReport, RunEntry } from "../src/report/schema.js";
import { studyVerdict } from "../src/report/study-summary.js";
import { pivotRuns } from "../src/viewer/pivot.js";

const [path, ...rest] = process.argv.slice(2);
if (!path) throw new Error("usage: readme-table.ts <report.json> (--summary | --models id,id)");
const report = JSON.parse(readFileSync(path, "utf8")) as BenchReport;
const escapeCell = (cell: string) => cell.replaceAll("|", "\\|");
const table = (header: readonly string[], rows: readonly (readonly string[])[]) =>
  [
    `| ${header.map(escapeCell).join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.map(escapeCell).join(" | ")} |`),
  ].join("\n");
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return sorted.length % 2
    ? sorted[Math.floor(middle)]!
    : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const where = (run: RunEntry) =>
  run.environment === "chromium" ? `${run.provider} (Chromium)` : `${run.provider} (Node)`;

if (rest.includes("--summary")) {
  const providers = [...new Set(report.runs.map(where))];
  const rows: string[][] = [];
  for (const target of report.options.targets) {
    const changed = report.optimizations.filter(
      (entry) => entry.target === target && entry.changed,
    );
    const cells = providers.map((provider) => {
      const runs = report.runs.filter(
        (run) => run.target === target && where(run) === provider && run.latency,
      );
      if (runs.length === 0) return "—";
      const faster = runs.filter((run) => run.latency!.speedupLow > 1).length;
      const slower = runs.filter((run) => run.latency!.speedupHigh < 1).length;
      const failed = report.runs.filter(
        (run) => run.target === target && where(run) === provider && run.status === "failed",
      ).length;
      return `${faster} / ${runs.length - faster - slower} / ${slower}${failed ? ` (+${failed} failed)` : ""}, ${median(runs.map((run) => run.latency!.speedup)).toFixed(2)}×`;
    });
    rows.push([target, `${changed.length} of ${report.models.length}`, ...cells]);
  }
  console.log(
    table(
      [
        "target",
        "models rewritten",
        ...providers.map((provider) => `${provider}: faster / same / slower, median`),
      ],
      rows,
    ),
  );
}

const modelsFlag = rest.indexOf("--models");
if (modelsFlag >= 0) {
  const only = new Set(rest[modelsFlag + 1]!.split(","));
  const pivot = pivotRuns(report);
  console.log(
    table(
      pivot.header,
      pivot.rows.filter((row) => only.has(row[0]!)),
    ),
  );
}

// --study: the planning study's rows where the static plan changed something, and its verdict.
if (rest.includes("--study")) {
  const entries = (report.planStudy ?? []).filter((entry) => entry.status === "measured");
  const speedup = (value?: { median: number; low: number; high: number }) =>
    value ? `${value.median.toFixed(2)}× [${value.low.toFixed(2)}, ${value.high.toFixed(2)}]` : "";
  console.log(
    table(
      ["model", "target", "activations", "predicted", "static plan, measured", "written (default)"],
      entries.map((entry) => [
        entry.model,
        entry.target,
        entry.activationShare === null ? "—" : `${(entry.activationShare * 100).toFixed(0)}%`,
        entry.predictedSpeedup === null ? "—" : `${entry.predictedSpeedup.toFixed(2)}×`,
        speedup(entry.planned),
        entry.measured && !entry.measured.identity
          ? speedup(entry.measured)
          : entry.decision === "original"
            ? "original kept"
            : "unchanged",
      ]),
    ),
  );
  const verdict = studyVerdict(report.planStudy ?? []);
  const unchanged = (report.planStudy ?? []).filter((entry) => entry.status === "unchanged").length;
  console.log(
    `\n${entries.length} rows timed, ${unchanged} unchanged; Spearman ρ = ${verdict.rankCorrelation?.toFixed(2)} over ${verdict.ranked} rows; lowest written ${verdict.lowestDefault?.median.toFixed(2)}× (${verdict.lowestDefault?.row}); below 0.98×: ${verdict.slower.join(", ") || "none"}`,
  );
}
