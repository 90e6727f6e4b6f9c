// The summary printed at the end of a run: the same rows and ratios as the
// HTML report, as a plain-text table.
import { formatError, formatRate, formatSpeedup } from "../viewer/format.js";
import { pivotRuns } from "../viewer/pivot.js";
import { accuracySummary } from "./accuracy-summary.js";
import type { BenchReport } from "./schema.js";
import { studySummary } from "./study-summary.js";
import { textTable } from "./text-table.js";

export { textTable };

/** The terminal summary: the pivoted runs (unchanged pairs counted, failures listed), sweeps, kernels. */
export function terminalSummary(report: BenchReport): string {
  const parts: string[] = [];
  const pivot = pivotRuns(report);
  if (report.runs.length > 0)
    parts.push(
      `Speedup of the rewritten model over the original (median ratio [95% interval]; > 1 is faster; ~ noisy), worst output error over the providers:\n${textTable(pivot.header, pivot.rows)}`,
    );
  if (pivot.unchanged > 0)
    parts.push(
      `${pivot.unchanged} model × target pair${pivot.unchanged === 1 ? "" : "s"} not timed: the rewrite changed nothing for that target.`,
    );
  const failures = report.runs.filter((run) => run.status === "failed");
  for (const run of failures)
    parts.push(
      `FAILED ${run.model} → ${run.target} on ${run.provider} (${run.environment}): ${run.error}`,
    );
  for (const sweep of report.sweeps) {
    // Points whose rewrite was byte for byte the same share one measurement: one row, their settings listed.
    const front = new Map<string, { settings: string[]; point: (typeof sweep.points)[number] }>();
    for (const point of sweep.points.filter((entry) => entry.pareto)) {
      const key = `${point.substituted}|${point.maxAbs}|${point.speedup}`;
      const entry = front.get(key) ?? { settings: [], point };
      entry.settings.push(`${point.budget} ${point.options}`);
      front.set(key, entry);
    }
    parts.push(
      `Budget sweep, ${sweep.model} for ${sweep.target} on ${sweep.provider}: ${sweep.points.length} points, Pareto front:\n${textTable(
        ["budget and options", "subst.", "max |err|", "top-1", "speedup [95% CI]"],
        [...front.values()].map(({ settings, point }) => [
          settings.length > 2
            ? `${settings[0]} (+${settings.length - 1} the same)`
            : settings.join(", "),
          String(point.substituted),
          formatError(point.maxAbs),
          point.top1 === null ? "—" : `${(point.top1 * 100).toFixed(1)}%`,
          formatSpeedup(point.speedup, point.speedupLow, point.speedupHigh),
        ]),
      )}${sweep.error ? `\n  sweep stopped: ${sweep.error}` : ""}`,
    );
  }
  for (const kernels of report.kernels) {
    if (kernels.error) {
      parts.push(`Kernels, ${kernels.environment}: ${kernels.error}`);
      continue;
    }
    const largest = Math.max(...kernels.rows.map((row) => row.n));
    const rowsAt = kernels.rows.filter((row) => row.n === largest);
    const withWgsl = rowsAt.some((row) => row.wgsl !== undefined);
    parts.push(
      `Kernels, ${kernels.environment}, ${largest.toLocaleString("en")} floats (elements/s; copy = a plain copy of the same buffer):\n${textTable(
        [
          "kernel",
          "JS",
          "WASM SIMD",
          ...(withWgsl ? ["WGSL"] : []),
          "JS copy",
          "WASM copy",
          ...(withWgsl ? ["WGSL copy"] : []),
        ],
        rowsAt.map((row) => [
          row.id,
          formatRate(row.js),
          formatRate(row.wasm),
          ...(withWgsl ? [formatRate(row.wgsl)] : []),
          formatRate(row.copyJs),
          formatRate(row.copyWasm),
          ...(withWgsl ? [formatRate(row.copyWgsl)] : []),
        ]),
      )}`,
    );
  }
  const study = studySummary(report);
  if (study) parts.push(study);
  const aware = accuracySummary(report.accuracyStudy);
  if (aware) parts.push(aware);
  for (const model of report.models)
    if (model.error) parts.push(`${model.id} could not be loaded or fed: ${model.error}`);
  if (pivot.noisy > 0)
    parts.push(
      `~ ${pivot.noisy} comparison${pivot.noisy === 1 ? " was" : "s were"} flagged noisy (load over the core count, runs scattering by > 20%, or the same-model control off by > 5%; the JSON and HTML say which): read those ratios with care.`,
    );
  return parts.join("\n\n");
}
