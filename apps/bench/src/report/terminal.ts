// The summary printed at the end of a run: the same rows and ratios as the
// HTML report, as a plain-text table.
import { formatError, formatRate, formatSpeedup } from "../viewer/format.js";
import { resultColumns, resultRows } from "../viewer/rows.js";
import type { BenchReport } from "./schema.js";

/** Columns padded to their widest cell. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((width) => "─".repeat(width))), ...rows.map(line)].join(
    "\n",
  );
}

/** The terminal summary: results (measured and failed rows; unchanged ones counted), sweeps, kernels. */
export function terminalSummary(report: BenchReport): string {
  const rows = resultRows(report);
  const shown = rows.filter((row) => row.run.status !== "unchanged");
  const unchanged = rows.length - shown.length;
  const parts: string[] = [];
  const columns = resultColumns.filter(([key]) => key !== "size");
  parts.push(
    textTable(
      columns.map(([, title]) => title),
      shown.map((row) => columns.map(([key]) => row.cells[key])),
    ),
  );
  if (unchanged > 0)
    parts.push(
      `${unchanged} model × target × provider combination${unchanged === 1 ? "" : "s"} not timed: the rewrite changed nothing for that target.`,
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
  for (const model of report.models)
    if (model.error) parts.push(`${model.id} could not be loaded or fed: ${model.error}`);
  const noisy = report.runs.filter((run) => run.latency?.noisy).length;
  if (noisy > 0)
    parts.push(
      `${noisy} comparison${noisy === 1 ? " was" : "s were"} flagged noisy (load, spread or the same-model control off by > 5%): read those ratios with care.`,
    );
  return parts.join("\n\n");
}
