// The planning study in words and numbers: per model × onnxruntime target the
// activation share, the predicted and measured speedups, what measured
// planning wrote, and the checks the planner is held to (rank agreement of
// predictions, never slower, fast where activations dominate).
import { formatSpeedup } from "../viewer/format.js";
import type { BenchReport, PlanStudyEntry } from "./schema.js";
import { textTable as textTableOf } from "./text-table.js";

/** Spearman's rank correlation of paired values (average ranks for ties); null with fewer than 3 pairs or no spread. */
export function spearman(pairs: readonly (readonly [number, number])[]): number | null {
  if (pairs.length < 3) return null;
  const ranks = (values: readonly number[]) => {
    const order = values
      .map((value, index) => ({ value, index }))
      .sort((a, b) => a.value - b.value);
    const result = new Array<number>(values.length);
    for (let start = 0; start < order.length; ) {
      let end = start;
      while (end + 1 < order.length && order[end + 1]!.value === order[start]!.value) end++;
      for (let k = start; k <= end; k++) result[order[k]!.index] = (start + end) / 2 + 1;
      start = end + 1;
    }
    return result;
  };
  const a = ranks(pairs.map((pair) => pair[0]));
  const b = ranks(pairs.map((pair) => pair[1]));
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const [ma, mb] = [mean(a), mean(b)];
  let covariance = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < a.length; i++) {
    covariance += (a[i]! - ma) * (b[i]! - mb);
    va += (a[i]! - ma) ** 2;
    vb += (b[i]! - mb) ** 2;
  }
  return va > 0 && vb > 0 ? covariance / Math.sqrt(va * vb) : null;
}

/** The figures the planner is judged by, over a study's rows. */
export interface StudyVerdict {
  /** Rows where the static plan changed something and was timed, with a prediction. */
  readonly ranked: number;
  readonly rankCorrelation: number | null;
  /** Lowest median speedup of what the default optimize writes (1 where it writes the original unchanged). */
  readonly lowestDefault: { readonly row: string; readonly median: number } | null;
  /** Rows where measured planning wrote something measured below 0.98×. */
  readonly slower: readonly string[];
  /** Rows whose activations take ≥ 30% of the time, with the default's speedup. */
  readonly heavy: readonly {
    readonly row: string;
    readonly share: number;
    readonly median: number;
  }[];
}

const rowName = (entry: PlanStudyEntry) => `${entry.model} → ${entry.target}`;

/** Computes the verdict over the measured and unchanged rows. */
export function studyVerdict(entries: readonly PlanStudyEntry[]): StudyVerdict {
  const timed = entries.filter((entry) => entry.status === "measured");
  const pairs = timed
    .filter((entry) => entry.predictedSpeedup !== null && entry.planned)
    .map((entry) => [entry.predictedSpeedup!, entry.planned!.median] as const);
  let lowest: StudyVerdict["lowestDefault"] = null;
  for (const entry of entries) {
    if (entry.status === "failed") continue;
    const median = entry.measured?.median ?? 1;
    if (!lowest || median < lowest.median) lowest = { row: rowName(entry), median };
  }
  return {
    ranked: pairs.length,
    rankCorrelation: spearman(pairs),
    lowestDefault: lowest,
    slower: timed.filter((entry) => entry.measured && entry.measured.median < 0.98).map(rowName),
    heavy: entries
      .filter((entry) => entry.activationShare !== null && entry.activationShare >= 0.3)
      .map((entry) => ({
        row: rowName(entry),
        share: entry.activationShare!,
        median: entry.measured?.median ?? 1,
      })),
  };
}

/** The study as a table and its verdict, for the terminal. */
export function studySummary(report: BenchReport): string | undefined {
  const entries = report.planStudy;
  if (!entries || entries.length === 0) return undefined;
  const rows = entries.map((entry) => [
    entry.model,
    entry.target,
    entry.activationShare === null ? "—" : `${(entry.activationShare * 100).toFixed(0)}%`,
    entry.status === "failed" ? "failed" : `${entry.plannedSubstituted}/${entry.sites}`,
    entry.predictedSpeedup === null ? "—" : `${entry.predictedSpeedup.toFixed(2)}×`,
    entry.planned
      ? formatSpeedup(entry.planned.median, entry.planned.low, entry.planned.high)
      : "unchanged",
    entry.status === "failed"
      ? (entry.error ?? "")
      : entry.measured && !entry.measured.identity
        ? `${formatSpeedup(entry.measured.median, entry.measured.low, entry.measured.high)} (${entry.measuredSubstituted} sites)`
        : entry.decision === "original"
          ? "original kept"
          : "unchanged",
    entry.control ? `${entry.control.median.toFixed(2)}×${entry.noisy ? " ~" : ""}` : "",
  ]);
  const verdict = studyVerdict(entries);
  const lines = [
    `Planning study: each onnxruntime target on its own engine here (speedup = original time / model time, median [95% interval]; static plan = target costs only, --no-measure; written = the default optimize, measured planning):`,
    textTableOf(
      [
        "model",
        "target",
        "act. share",
        "static subst.",
        "predicted",
        "static plan, measured",
        "written (default), measured",
        "control",
      ],
      rows,
    ),
    `Rank agreement of predicted and measured speedups of the static plan: Spearman ρ = ${verdict.rankCorrelation === null ? "— (fewer than 3 rows)" : verdict.rankCorrelation.toFixed(2)} over ${verdict.ranked} rows.`,
    `Never slower: ${verdict.slower.length === 0 ? "no written model measured below 0.98×" : `BELOW 0.98×: ${verdict.slower.join(", ")}`}${verdict.lowestDefault ? ` (lowest: ${verdict.lowestDefault.median.toFixed(2)}×, ${verdict.lowestDefault.row})` : ""}.`,
  ];
  if (verdict.heavy.length > 0)
    lines.push(
      `Activations ≥ 30% of the time: ${verdict.heavy.map((entry) => `${entry.row} ${(entry.share * 100).toFixed(0)}% → ${entry.median.toFixed(2)}×`).join(", ")}.`,
    );
  return lines.join("\n");
}
