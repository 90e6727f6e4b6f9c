// The accuracy-aware study as table cells and a verdict, shared by the
// terminal summary and the HTML report.
import { formatSpeedup } from "../viewer/format.js";
import type { AccuracyStudyEntry, SpeedupEntry } from "./schema.js";
import { measurablyFaster } from "./study-summary.js";
import { textTable } from "./text-table.js";

export const accuracyColumns = [
  "model",
  "target",
  "default writes",
  "past the budget",
  "accuracy-aware writes",
  "accuracy-aware over default",
  "control",
  "held-out top-1 agreement",
  "held-out accuracy (original → accuracy-aware)",
] as const;

/** Where the head-to-head speedup sits among accuracyColumns (the HTML colours it). */
export const accuracySpeedupColumn = 5;

const percent = (value: number | null | undefined, digits = 1) =>
  value === null || value === undefined ? "—" : `${(value * 100).toFixed(digits)}%`;

const speedupText = (value: SpeedupEntry) => formatSpeedup(value.median, value.low, value.high);

/** What one optimize run wrote, in a cell. */
function writes(outcome: NonNullable<AccuracyStudyEntry["default"]>): string {
  if (outcome.decision === "rewrite")
    return `${outcome.substituted} sites, ${speedupText(outcome.overOriginal)}`;
  return outcome.decision === "original" ? "the original (not measurably faster)" : "unchanged";
}

/** Stand-ins taken past the budget, counted by substitute. */
function pastBudget(entry: AccuracyStudyEntry): string {
  const sites = entry.aware?.pastBudget ?? [];
  if (sites.length === 0) return "none";
  const counts = new Map<string, number>();
  for (const site of sites) counts.set(site.substitute, (counts.get(site.substitute) ?? 0) + 1);
  return [...counts].map(([substitute, count]) => `${count} → ${substitute}`).join(", ");
}

/** One study row as the table's cells. */
export function accuracyCells(entry: AccuracyStudyEntry): string[] {
  if (entry.status === "failed") {
    const cells = [entry.model, entry.target, `failed: ${entry.error ?? ""}`];
    return [...cells, ...Array<string>(accuracyColumns.length - cells.length).fill("")];
  }
  const accuracy = entry.accuracy;
  return [
    entry.model,
    entry.target,
    entry.default ? writes(entry.default) : "—",
    pastBudget(entry),
    entry.aware ? writes(entry.aware) : "—",
    entry.overDefault ? speedupText(entry.overDefault) : "—",
    entry.control ? `${entry.control.median.toFixed(2)}×${entry.noisy ? " ~" : ""}` : "",
    percent(entry.heldOutAgreement),
    accuracy ? `${percent(accuracy.original, 2)} → ${percent(accuracy.aware, 2)}` : "—",
  ];
}

/** Per row: is the accuracy-aware model measurably faster than the default's (≥ 3%, interval above 1)? */
export function accuracyVerdict(entry: AccuracyStudyEntry): string {
  const row = `${entry.model} on ${entry.target}`;
  if (entry.status === "failed" || !entry.overDefault) return `${row}: failed`;
  const over = speedupText(entry.overDefault);
  return measurablyFaster(entry.overDefault)
    ? `${row}: ${over}, measurably faster than the default`
    : `${row}: ${over}, not measurably faster than the default (≥ 3% with the interval above 1)`;
}

/** What the study measured, for the terminal. */
export function accuracySummary(
  entries: readonly AccuracyStudyEntry[] | undefined,
): string | undefined {
  if (!entries || entries.length === 0) return undefined;
  const first = entries[0]!;
  return [
    `Accuracy-aware search: optimize with --min-top1-agreement 1 (${first.limit} on ${first.calibration.rows} calibration rows, checked on ${first.heldOut.rows} held-out rows it never saw) against the default optimize, both with measured planning, then timed head to head (default's model as the baseline):`,
    textTable([...accuracyColumns], entries.map(accuracyCells)),
    ...entries.map((entry) => `  ${accuracyVerdict(entry)}`),
  ].join("\n");
}
