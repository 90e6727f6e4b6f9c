// The runs pivoted: one row per model × target that the rewrite changed,
// one speedup column per provider, the worst accuracy over providers, and
// the CPU fallback where onnxruntime placed nodes. The terminal summary and
// the README table are this view; the HTML report also has the long table.
import type { BenchReport, RunEntry } from "../report/schema.js";
import { formatError, formatShare, formatSpeedup } from "./format.js";

export interface Pivot {
  readonly header: string[];
  readonly rows: string[][];
  /** Model × target pairs the rewrite left unchanged (not timed). */
  readonly unchanged: number;
  /** Speedups marked "~": the latency engine flagged them noisy. */
  readonly noisy: number;
}

const providerKey = (run: RunEntry) =>
  run.environment === "chromium" ? `${run.provider} (Chromium)` : `${run.provider} (Node)`;

export function pivotRuns(report: BenchReport): Pivot {
  const providers = [...new Set(report.runs.map(providerKey))];
  const gpu = providers.filter((key) => key.startsWith("webgpu"));
  const header = [
    "model",
    "target",
    "subst.",
    "max |err|",
    "top-1",
    ...providers.map((key) => `${key} speedup`),
    ...gpu.map((key) => `${key.replace(" (Chromium)", "")} CPU nodes`),
  ];
  const rows: string[][] = [];
  let unchanged = 0;
  let noisy = 0;
  for (const optimization of report.optimizations) {
    const runs = report.runs.filter(
      (run) => run.model === optimization.model && run.target === optimization.target,
    );
    if (runs.length > 0 && runs.every((run) => run.status === "unchanged")) {
      unchanged++;
      continue;
    }
    const measured = runs.filter((run) => run.accuracy);
    const errors = measured.map((run) => run.accuracy!.maxAbs);
    const worstError = errors.includes(null)
      ? "NaN/Inf"
      : errors.length
        ? formatError(Math.max(...(errors as number[])))
        : "—";
    const top1s = measured.map((run) => run.accuracy!.top1).filter((value) => value !== null);
    const byProvider = new Map(runs.map((run) => [providerKey(run), run]));
    rows.push([
      optimization.model,
      optimization.target,
      optimization.error ? "error" : `${optimization.substituted}/${optimization.sites}`,
      worstError,
      top1s.length ? formatShare(Math.min(...(top1s as number[]))) : "—",
      ...providers.map((key) => {
        const run = byProvider.get(key);
        if (!run) return "";
        if (run.status === "failed") return "failed";
        if (!run.latency) return "—";
        if (run.latency.noisy) noisy++;
        const { speedup, speedupLow, speedupHigh } = run.latency;
        return `${formatSpeedup(speedup, speedupLow, speedupHigh)}${run.latency.noisy ? " ~" : ""}`;
      }),
      ...gpu.map((key) => {
        const fallback = byProvider.get(key)?.fallback;
        if (!fallback) return "—";
        const placed = fallback.placed;
        return placed
          ? `${placed.original.computeNodesOnCpu}→${placed.optimized.computeNodesOnCpu}`
          : `${fallback.predicted.original}→${fallback.predicted.optimized} (predicted)`;
      }),
    ]);
  }
  return { header, rows, unchanged, noisy };
}
