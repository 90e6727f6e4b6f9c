import type {
  ComparisonSummary,
  MeasurementReport,
  RewriteReport,
  SiteReport,
  VerificationReport,
} from "@rectify/rewrite";
import { defaultTolerance, describeLimits, minimumGain } from "@rectify/rewrite";
import { idOf } from "../commands/inspect.js";
import { formatNumber, formatOps, formatTable } from "./table.js";

/** What the cost column means (also in `rectify optimize --help`). */
export const costUnits =
  "cost: the target profile's relative cost of the site's ops, in units of one elementwise Add over the same tensor (— = the target cannot run it)";

/** An op histogram, or its node count when the list would not fit a table cell. */
function shortOps(ops: Readonly<Record<string, number>>): string {
  const text = formatOps(ops);
  if (text.length <= 48) return text;
  return `${Object.values(ops).reduce((total, count) => total + count, 0)} ops`;
}

/** The optimize report as text: sites, totals, ops the target still lacks, verification. */
export function formatReport(report: RewriteReport): string {
  const lines: string[] = [];
  const { summary } = report;
  lines.push(
    `target ${report.target}, budget max |error| ${formatNumber(report.budget)} per activation: ${summary.sites} activation sites — ${summary.substituted} substituted, ${summary.kept} kept, ${summary.unsupported} cannot run${summary.alreadyRewritten ? `, ${summary.alreadyRewritten} already rewritten` : ""}${summary.rolledBack ? `, ${summary.rolledBack} rolled back` : ""}`,
  );
  if (report.sites.length > 0) {
    const timed = report.sites.some((site) => site.measured);
    lines.push(
      "",
      formatTable(
        [
          "site",
          "activation",
          "action",
          "now",
          "cost",
          ...(timed ? ["time (original)"] : []),
          report.quantization
            ? `max |error| added to int${report.quantization.bits}`
            : "max |error|",
        ],
        report.sites.map((site) => [
          site.nodes.at(-1) ?? site.id,
          idOf(site.activation, site.params),
          site.rolledBack
            ? "rolled back"
            : site.action === "unsupported"
              ? "CANNOT RUN"
              : site.pastBudget
                ? "substitute (past budget)"
                : site.action,
          site.action === "substitute"
            ? `${site.substitute} (${shortOps(site.opsAfter)})`
            : shortOps(site.opsBefore),
          `${formatNumber(site.costBefore)} → ${formatNumber(site.costAfter)}`,
          ...(timed ? [engineTime(site.measured)] : []),
          report.quantization && site.action === "substitute" && !site.device
            ? `${formatNumber(site.predictedError)} (float)`
            : formatNumber(site.predictedError),
        ]),
      ),
    );
    lines.push(costUnits);
    if (timed)
      lines.push(
        "time (original): the original site's median kernel time per run in onnxruntime's own optimized graph (its profiler; fused: the engine folds it into the op before it, at no cost of its own)",
      );
    const explained = report.sites.filter((site) => site.action !== "keep" || site.rolledBack);
    if (explained.length > 0) {
      lines.push("", "why:");
      for (const site of explained)
        lines.push(`  ${site.nodes.at(-1) ?? site.id} (${site.location}): ${site.reason}`);
    }
  }
  lines.push(
    "",
    `activation cost on ${report.target}: ${formatNumber(report.siteCost.before)} → ${formatNumber(report.siteCost.after)}; largest predicted error per activation ${formatNumber(report.maxPredictedError)}${report.maxFloatError !== undefined ? ` added to the int${report.quantization!.bits} rounding, ${formatNumber(report.maxFloatError)} in the float model written` : ""}`,
  );
  if (report.unsupportedOps.length > 0) {
    lines.push(
      `ops the target still cannot run: ${report.unsupportedOps.map((op) => `${op.op}×${op.count} (${op.nodes.join(", ")})`).join("; ")}`,
    );
  } else lines.push(`every op of the result runs on ${report.target}`);
  if (report.quantization) lines.push(...quantizationLines(report));
  const verification = report.verification;
  if (verification) {
    const c = verification.comparison;
    lines.push(
      "",
      `verified with ${verification.evaluator} on ${verification.inputs}: ${comparisonText(c)}${verification.limits ? ` (limits ${describeLimits(verification.limits)}: ${verification.passed ? "met" : `NOT MET: ${verification.misses.join("; ")}`})` : ""}`,
    );
    if (verification.bound) lines.push(boundLine(verification.bound));
    if (!verification.limits && c.maxAbsError > defaultTolerance.absolute)
      lines.push(
        `note: the substituted activations' errors compound to ${formatNumber(c.maxAbsError)} at the outputs, above the ${defaultTolerance.absolute} + ${defaultTolerance.relative}·|value| that \`rectify verify\` allows by default; give verify --atol, or give optimize --max-output-error to roll sites back until the outputs fit`,
      );
    if (verification.rolledBack.length > 0)
      lines.push(`rolled back to meet the limits: ${verification.rolledBack.join(", ")}`);
  } else lines.push("", "not verified (--no-verify)");
  if (report.search) lines.push(...searchLines(report));
  if (report.heldOut) {
    const held = report.heldOut;
    lines.push(
      "passed" in held
        ? `held-out check on ${held.inputs}: ${comparisonText(held.comparison)} — ${held.passed ? "limits met" : `limits NOT MET: ${held.misses.join("; ")}${report.search?.pastBudget.length ? "" : " (nothing went past the budget: for information)"}`}`
        : `no held-out check: ${held.skipped}`,
    );
  }
  if (report.measurement) lines.push(...measurementLines(report.measurement));
  return lines.join("\n");
}

/** What was assumed of an integer device, and each substitute's errors there. */
function quantizationLines(report: RewriteReport): string[] {
  const q = report.quantization!;
  const lines = [
    "",
    `assumed of the int${q.bits} device:`,
    ...q.assumptions.map((a) => `  - ${a}`),
  ];
  const sites = report.sites.filter((site) => site.device);
  if (sites.length === 0) {
    if (report.summary.substituted > 0)
      lines.push(
        `  note: no site's input range was observed (the model did not run${report.verification ? "" : ": --no-verify"}), so no grid was calibrated: the stand-ins above are float fits, checked in float; run without --no-verify (with --inputs for your own data) for the int${q.bits} tables`,
      );
    return lines;
  }
  lines.push(
    "",
    formatTable(
      ["site", "input range", "input step", "output step", "added", "with rounding", "float model"],
      sites.map((site) => {
        const d = site.device!;
        return [
          site.nodes.at(-1) ?? site.id,
          `[${formatNumber(d.range[0])}, ${formatNumber(d.range[1])}]`,
          formatNumber(d.input.scale),
          formatNumber(d.output.scale),
          formatNumber(d.addedError),
          d.totalError !== undefined ? formatNumber(d.totalError) : "—",
          formatNumber(d.floatError),
        ];
      }),
    ),
    `added: how far the substitute raises the device's worst |error| above rounding the exact activation itself, over every input integer (${[...new Set(sites.map((site) => site.device!.method))].join("; ")}); with rounding: its worst |error| against the exact activation; float model: the written model in float at this site (what verification measures)`,
  );
  return lines;
}

/** The predicted bound on the outputs and how the measurement sits in it. */
function boundLine(bound: NonNullable<VerificationReport["bound"]>): string {
  const what =
    "worst-case bound on the outputs (each substitute's error carried through |weights|)";
  if ("unknown" in bound) return `${what}: none (${bound.unknown})`;
  if (bound.maxBound === null)
    return `${what}: none (the network's worst-case gain overflows float32; measured max |error| ${formatNumber(bound.maxError)})`;
  if (!bound.within)
    return `${what}: ≤ ${formatNumber(bound.maxBound)}; ${bound.violations} elements OUTSIDE their bound (measured max |error| ${formatNumber(bound.maxError)}): please report this`;
  const below =
    bound.maxError > 0 ? `, ${formatNumber(bound.maxBound / bound.maxError)}× below it` : "";
  return `${what}: ≤ ${formatNumber(bound.maxBound)}; measured ${formatNumber(bound.maxError)}${below}, every element within its bound`;
}

/** A comparison's figures in one line. */
function comparisonText(c: ComparisonSummary): string {
  return `max |error| ${formatNumber(c.maxAbsError)}, max rel error ${formatNumber(c.maxRelativeError)}, cosine ${c.minCosineSimilarity === null ? "—" : c.minCosineSimilarity.toFixed(6)}${c.unreliableCosineOutputs.length > 0 ? ` (not meaningful for ${c.unreliableCosineOutputs.join(", ")}: near zero everywhere)` : ""}${c.nonFiniteMismatches ? `, ${c.nonFiniteMismatches} NaN/Inf mismatches` : ""}${c.minTop1Agreement === null ? "" : `, top-1 agreement ${(c.minTop1Agreement * 100).toFixed(1)}%`}`;
}

/** `0.21 ms`, `fused (Conv)`; `(put back)` when its kind of substitution was rolled back for speed. */
function engineTime(measured: SiteReport["measured"]): string {
  if (!measured) return "";
  const ms = measured.beforeMilliseconds;
  const time = measured.fusedBefore
    ? `fused (${measured.fusedBefore})`
    : `${ms >= 0.1 ? ms.toFixed(2) : ms.toFixed(3)} ms`;
  return `${time}${measured.rolledBack ? " (put back)" : ""}`;
}

/** The search past the budget: what it took and what the check measured. */
function searchLines(report: RewriteReport): string[] {
  const search = report.search!;
  const taken = search.pastBudget;
  const lines = [
    `search past the budget ${formatNumber(report.budget)} (limits ${describeLimits(search.limits)}, on ${search.inputs}): ${search.candidates} step${search.candidates === 1 ? "" : "s"} to a cheaper, less accurate stand-in ${search.candidates === 1 ? "was" : "were"} open; ${taken.length} site${taken.length === 1 ? "" : "s"} went past it after ${search.evaluations} checked run${search.evaluations === 1 ? "" : "s"} (steps ordered by ${search.savingUnit} saved per unit of added error)`,
  ];
  if (taken.length > 0)
    lines.push(
      `  past the budget: ${taken.map((site) => `${site.id} → ${site.substitute} (max |error| ${formatNumber(site.predictedError)})`).join(", ")}`,
    );
  return lines;
}

/** Measured planning: activation share, predicted vs measured speedup, what was decided. */
function measurementLines(measurement: MeasurementReport): string[] {
  const lines = ["", `measured on ${measurement.evaluator} (${measurement.inputs}):`];
  if (measurement.activationShare !== null)
    lines.push(
      `  activations take ${(measurement.activationShare * 100).toFixed(1)}% of the original's kernel time`,
    );
  const speedup = measurement.speedup;
  if (speedup) {
    const control = measurement.noise?.control;
    lines.push(
      `  speedup ${speedup.median.toFixed(2)}× [${speedup.low.toFixed(2)}, ${speedup.high.toFixed(2)}] (original ${formatNumber(speedup.originalMilliseconds)} ms → ${formatNumber(speedup.rewrittenMilliseconds)} ms per run)${measurement.predictedSpeedup !== null ? `; predicted ${measurement.predictedSpeedup.toFixed(2)}×` : ""}${control ? `; same-model control ${control.speedup.toFixed(2)}× [${control.speedupLow.toFixed(2)}, ${control.speedupHigh.toFixed(2)}]` : ""}`,
    );
    if (measurement.noise?.noisy) {
      const reasons = measurement.noise.reasons;
      lines.push(
        `  noisy: ${reasons.slice(0, 3).join("; ")}${reasons.length > 3 ? `; and ${reasons.length - 3} more` : ""}`,
      );
    }
  }
  for (const group of measurement.groups)
    lines.push(
      `  ${group.substitute} on ${sitesText(group.sites.length)}: the rewrite without it takes ${group.keepRatio.toFixed(2)}× the time${group.rolledBack ? " — faster without it: PUT BACK" : ""}`,
    );
  if (measurement.alternatives.length > 0) {
    const taken = measurement.alternatives.filter((trial) => trial.taken);
    const best = (activation: string) =>
      Math.max(
        ...measurement.alternatives
          .filter((trial) => trial.activation === activation)
          .map((trial) => trial.gainRatio),
      );
    const activations = [...new Set(measurement.alternatives.map((trial) => trial.activation))];
    lines.push(
      `  ${measurement.alternatives.length} other stand-in${measurement.alternatives.length === 1 ? "" : "s"} within the budget timed in place of the planner's choice; the fastest of each, as the model's speed over the planner's: ${activations.map((activation) => `${activation} ${best(activation).toFixed(2)}×`).join(", ")}${taken.length === 0 ? ` (none taken: a stand-in must be ${Math.round((minimumGain - 1) * 100)}% faster)` : ""}`,
      ...measurement.alternatives
        .filter((trial) => trial.confirmedGainRatio !== undefined)
        .map(
          (trial) =>
            `  ${trial.substitute} on ${sitesText(trial.sites.length)}: read ${trial.gainRatio.toFixed(2)}× among all the cases; timed again head to head with the plan so far: ${trial.confirmedGainRatio!.toFixed(2)}×${trial.taken ? " — TAKEN" : ""}`,
        ),
      ...taken
        .filter((trial) => trial.confirmedGainRatio === undefined)
        .map(
          (trial) =>
            `  ${trial.substitute} on ${sitesText(trial.sites.length)}: ${trial.gainRatio.toFixed(2)}× faster than the planner's choice — TAKEN`,
        ),
    );
  }
  lines.push(
    `  ${measurement.decision === "rewrite" ? "kept the rewrite" : measurement.decision === "original" ? "kept the ORIGINAL" : "unchanged"}: ${measurement.reason}`,
  );
  return lines;
}

const sitesText = (count: number) => `${count} site${count === 1 ? "" : "s"}`;
