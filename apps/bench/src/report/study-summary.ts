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

/** Activations taking at least this share of the wall time make a model activation-heavy. */
export const heavyShare = 0.3;
/** The speedup expected of activation-heavy models. */
export const heavyTarget = 1.5;

/** The figures the planner is judged by, over a study's rows. */
export interface StudyVerdict {
  /** Rows where the static plan changed something and was timed, with a prediction. */
  readonly ranked: number;
  readonly rankCorrelation: number | null;
  /** Lowest median speedup of what the default optimize writes (1 where it writes the original unchanged). */
  readonly lowestDefault: { readonly row: string; readonly median: number } | null;
  /** Rows where measured planning wrote something measured below 0.98×. */
  readonly slower: readonly string[];
  /** Rows whose activations take ≥ 30% of the wall time (else of the profiled kernel time), with the default's speedup and what bounds it. */
  readonly heavy: readonly HeavyRow[];
}

/** An activation-heavy row: the default's speedup and, under 1.5×, why. */
export interface HeavyRow {
  readonly row: string;
  /** Share of the wall time (by removing the activations), else of the profiler's kernel time. */
  readonly share: number;
  readonly shareSource: "wall" | "profiler";
  /** The default optimize's measured speedup. */
  readonly median: number;
  /** The model without its activations (Amdahl's limit), when measured. */
  readonly ceiling?: number;
  /** The fastest single stand-in within the budget, when the alternatives were measured. */
  readonly best?: {
    readonly label: string;
    readonly median: number;
    readonly high: number;
    /** Its speedup over the written model, paired (newer reports): in the same rounds, or head to head when it read faster there. */
    readonly overWritten?: { readonly median: number; readonly low: number; readonly high: number };
    /** When it read faster among all the alternatives: that reading (overWritten is then the head-to-head one). */
    readonly screened?: { readonly median: number; readonly low: number; readonly high: number };
  };
  /**
   * reached: ≥ 1.5×. ceiling: even without activations the model is under 1.5×.
   * best-within-budget: no stand-in within the budget is measurably faster than what was written:
   * none is ≥ 3% faster with the 95% interval of its speedup over the written model (paired, same
   * rounds) above 1 — the standard optimize holds its own rewrites to. missed: one is.
   */
  readonly verdict: "reached" | "ceiling" | "best-within-budget" | "missed";
}

/** How far under the fastest stand-in within the budget the default may measure and still count as matching it. */
const bestTolerance = 0.97;

/** Whether a stand-in measured faster than the written model beyond the noise: ≥ 3%, its interval above 1. */
export function measurablyFaster(over: { readonly median: number; readonly low: number }): boolean {
  return over.low > 1 && over.median * bestTolerance > 1;
}

function heavyRow(entry: PlanStudyEntry): HeavyRow | undefined {
  const wall = entry.wallShare;
  const share = wall ?? entry.activationShare;
  if (share === undefined || share === null || share < heavyShare) return undefined;
  const median = entry.measured?.median ?? 1;
  const ceiling = entry.removed?.median;
  const alternatives = entry.alternatives ?? [];
  const paired = alternatives.length > 0 && alternatives.every((entry) => entry.overWritten);
  // The fastest: by its speedup over the written model where that was paired, else over the original.
  const score = (alternative: (typeof alternatives)[number]) =>
    paired ? alternative.overWritten!.median : alternative.speedup.median;
  const top = alternatives.reduce<(typeof alternatives)[number] | undefined>(
    (best, alternative) => (!best || score(alternative) > score(best) ? alternative : best),
    undefined,
  );
  const best: HeavyRow["best"] = top && {
    label: top.label,
    median: top.speedup.median,
    high: top.speedup.high,
    ...(top.overWritten ? { overWritten: top.overWritten } : {}),
    ...(top.screened ? { screened: top.screened } : {}),
  };
  const verdict: HeavyRow["verdict"] =
    median >= heavyTarget
      ? "reached"
      : ceiling !== undefined && ceiling < heavyTarget
        ? "ceiling"
        : !entry.alternatives
          ? "missed"
          : paired
            ? alternatives.some((alternative) => measurablyFaster(alternative.overWritten!))
              ? "missed"
              : "best-within-budget"
            : unpairedVerdict(entry, median, best);
  return {
    row: rowName(entry),
    share,
    shareSource: wall !== undefined ? "wall" : "profiler",
    median,
    ...(ceiling !== undefined ? { ceiling } : {}),
    ...(best ? { best } : {}),
    verdict,
  };
}

/**
 * Reports written before the paired comparison: the default matches the fastest when it is within
 * 3% of it in the alternatives' rounds or in its own, or its interval reaches it.
 */
function unpairedVerdict(
  entry: PlanStudyEntry,
  median: number,
  best: HeavyRow["best"],
): HeavyRow["verdict"] {
  const alongside = entry.writtenAlongside ?? entry.measured;
  const fastest = best?.median ?? 1;
  return fastest < heavyTarget &&
    (Math.max(alongside?.median ?? 1, median) >= bestTolerance * fastest ||
      (alongside?.high ?? 1) >= fastest)
    ? "best-within-budget"
    : "missed";
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
    heavy: entries.flatMap((entry) => heavyRow(entry) ?? []),
  };
}

/** The study table's column titles (terminal and HTML). */
export const studyColumns = [
  "model",
  "target",
  "act. kernel share",
  "act. wall share",
  "ceiling",
  "static subst.",
  "predicted",
  "static plan, measured",
  "written (default), measured",
  "control",
] as const;

/** Where the two measured speedups sit among studyColumns (the HTML colours them). */
export const studySpeedupColumns = { planned: 7, written: 8 } as const;

/** One study row as the table's cells. */
export function studyCells(entry: PlanStudyEntry): string[] {
  const percent = (value: number | null | undefined) =>
    value === null || value === undefined ? "—" : `${(value * 100).toFixed(0)}%`;
  return [
    entry.model,
    entry.target,
    percent(entry.activationShare),
    percent(entry.wallShare),
    entry.removed ? `${entry.removed.median.toFixed(2)}×` : "—",
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
  ];
}

/** The study as a table and its verdict, for the terminal. */
export function studySummary(report: BenchReport): string | undefined {
  const entries = report.planStudy;
  if (!entries || entries.length === 0) return undefined;
  const rows = entries.map(studyCells);
  const verdict = studyVerdict(entries);
  const lines = [
    `Planning study: each onnxruntime target on its own engine here (speedup = original time / model time, median [95% interval]; static plan = target costs only, --no-measure; written = the default optimize, measured planning):`,
    textTableOf([...studyColumns], rows),
    `Rank agreement of predicted and measured speedups of the static plan: Spearman ρ = ${verdict.rankCorrelation === null ? "— (fewer than 3 rows)" : verdict.rankCorrelation.toFixed(2)} over ${verdict.ranked} rows.`,
    `Never slower: ${verdict.slower.length === 0 ? "no written model measured below 0.98×" : `BELOW 0.98×: ${verdict.slower.join(", ")}`}${verdict.lowestDefault ? ` (lowest: ${verdict.lowestDefault.median.toFixed(2)}×, ${verdict.lowestDefault.row})` : ""}.`,
  ];
  if (verdict.heavy.length > 0) {
    const count = (name: HeavyRow["verdict"]) =>
      verdict.heavy.filter((entry) => entry.verdict === name).length;
    lines.push(
      `Activations ≥ ${heavyShare * 100}% of the wall time (${verdict.heavy.length} rows): ${count("reached")} reach ≥ ${heavyTarget}×, ${count("ceiling")} cannot (the model without activations is under ${heavyTarget}×), ${count("best-within-budget")} have no stand-in within the budget measurably faster than what was written, ${count("missed")} missed.`,
      ...verdict.heavy
        .filter((entry) => entry.verdict !== "reached")
        .map((entry) => `  ${heavyLine(entry)}`),
    );
  }
  lines.push(
    "act. kernel share: the activation sites' share of the original's kernel time (onnxruntime's profiler; what the planner sees). act. wall share: 1 − 1/ceiling. ceiling: the original's time over the model with its activations taken out, measured (no stand-in can do better).",
  );
  return lines.join("\n");
}

/** One activation-heavy row under 1.5×, and why. */
export function heavyLine(entry: HeavyRow): string {
  const head = `${entry.row} (${(entry.share * 100).toFixed(0)}% of the ${entry.shareSource === "wall" ? "wall" : "kernel"} time): ${entry.median.toFixed(2)}×`;
  const ceiling = entry.ceiling !== undefined ? `ceiling ${entry.ceiling.toFixed(2)}×` : "";
  const over = entry.best?.overWritten;
  const best = entry.best
    ? `fastest with another stand-in within the budget ${entry.best.median.toFixed(2)}× (${entry.best.label} in place of the planner's choice${over ? `; ${overText(entry.best!)}` : ""})`
    : "";
  const facts = [ceiling, best].filter(Boolean).join(", ");
  const why = {
    reached: "",
    ceiling: "cannot reach it",
    "best-within-budget": "no stand-in within the budget is measurably faster",
    missed: "MISSED",
  }[entry.verdict];
  return `${head}; ${facts}${facts ? ": " : ""}${why}`;
}

/** How the fastest stand-in compared with the written model: in the alternatives' rounds, and head to head when it read faster there. */
function overText(best: NonNullable<HeavyRow["best"]>): string {
  const over = best.overWritten!;
  const text = (value: typeof over) => formatSpeedup(value.median, value.low, value.high);
  return best.screened
    ? `${text(best.screened)} over the written model among all the alternatives, ${text(over)} timed again head to head`
    : `${text(over)} over the written model in the same rounds`;
}
