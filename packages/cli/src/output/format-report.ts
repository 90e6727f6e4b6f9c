import type { RewriteReport } from "@rectify/rewrite";
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
    lines.push(
      "",
      formatTable(
        ["site", "activation", "action", "now", "cost", "max |error|"],
        report.sites.map((site) => [
          site.nodes.at(-1) ?? site.id,
          idOf(site.activation, site.params),
          site.rolledBack
            ? "rolled back"
            : site.action === "unsupported"
              ? "CANNOT RUN"
              : site.action,
          site.action === "substitute"
            ? `${site.substitute} (${shortOps(site.opsAfter)})`
            : shortOps(site.opsBefore),
          `${formatNumber(site.costBefore)} → ${formatNumber(site.costAfter)}`,
          formatNumber(site.predictedError),
        ]),
      ),
    );
    lines.push(costUnits);
    const explained = report.sites.filter((site) => site.action !== "keep" || site.rolledBack);
    if (explained.length > 0) {
      lines.push("", "why:");
      for (const site of explained)
        lines.push(`  ${site.nodes.at(-1) ?? site.id} (${site.location}): ${site.reason}`);
    }
  }
  lines.push(
    "",
    `activation cost on ${report.target}: ${formatNumber(report.siteCost.before)} → ${formatNumber(report.siteCost.after)}; largest predicted error per activation ${formatNumber(report.maxPredictedError)}`,
  );
  if (report.unsupportedOps.length > 0) {
    lines.push(
      `ops the target still cannot run: ${report.unsupportedOps.map((op) => `${op.op}×${op.count} (${op.nodes.join(", ")})`).join("; ")}`,
    );
  } else lines.push(`every op of the result runs on ${report.target}`);
  const verification = report.verification;
  if (verification) {
    const c = verification.comparison;
    lines.push(
      "",
      `verified with ${verification.evaluator} on ${verification.inputs}: max |error| ${formatNumber(c.maxAbsError)}, max rel error ${formatNumber(c.maxRelativeError)}, cosine ${c.minCosineSimilarity === null ? "—" : c.minCosineSimilarity.toFixed(6)}${c.unreliableCosineOutputs.length > 0 ? ` (not meaningful for ${c.unreliableCosineOutputs.join(", ")}: near zero everywhere)` : ""}${c.nonFiniteMismatches ? `, ${c.nonFiniteMismatches} NaN/Inf mismatches` : ""}${c.minTop1Agreement === null ? "" : `, top-1 agreement ${(c.minTop1Agreement * 100).toFixed(1)}%`}${verification.maxOutputError !== undefined ? ` (limit ${formatNumber(verification.maxOutputError)}: ${verification.passed ? "met" : "NOT MET"})` : ""}`,
    );
    if (verification.rolledBack.length > 0)
      lines.push(`rolled back to meet the limit: ${verification.rolledBack.join(", ")}`);
  } else lines.push("", "not verified (--no-verify)");
  return lines.join("\n");
}
