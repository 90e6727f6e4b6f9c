import {
  builtinTargets,
  defaultBudget,
  findSites,
  opHistogram,
  planSites,
  type TargetProfile,
  unsupportedOps,
} from "@rectify/rewrite";
import { loadModelFile, loadTarget } from "../io/load.js";
import { formatNumber, formatOps, formatTable } from "../output/table.js";

/** Options of `rectify inspect`. */
export interface InspectOptions {
  readonly target?: string[];
  readonly budget?: number;
  readonly json?: boolean;
}

/** `rectify inspect <model>`: op histogram, activation sites, and what each target would change. */
export async function inspectCommand(
  path: string,
  options: InspectOptions,
): Promise<{ output: string; code: number }> {
  const model = await loadModelFile(path);
  const budget = options.budget ?? defaultBudget;
  const targets: TargetProfile[] = options.target?.length
    ? await Promise.all(options.target.map(loadTarget))
    : [...builtinTargets.values()];
  const { sites, nearMisses } = findSites(model);
  const ops = opHistogram(model);
  const perTarget = targets.map((target) => {
    const plans = planSites(sites, target, { budget });
    return {
      target: target.name,
      substitute: plans.filter((plan) => plan.action === "substitute").length,
      keep: plans.filter((plan) => plan.action === "keep").length,
      unsupported: plans.filter((plan) => plan.action === "unsupported").length,
      changes: plans
        .filter((plan) => plan.action !== "keep")
        .map((plan) => ({
          site: plan.site.id,
          action: plan.action,
          ...(plan.chosen
            ? { substitute: plan.chosen.label, predictedError: plan.chosen.predictedError }
            : {}),
          reason: plan.reason,
        })),
      unsupportedOps: unsupportedOps(model, target).filter(
        (entry) =>
          !sites.some((site) => site.nodes.some((node) => entry.nodes.includes(node.name))),
      ),
    };
  });
  const facts = {
    model: path,
    opset: model.opsetVersion("") ?? 0,
    irVersion: model.irVersion,
    nodes: Object.values(ops).reduce((total, count) => total + count, 0),
    ops,
    budget,
    sites: sites.map((site) => ({
      id: site.id,
      activation: site.activation,
      params: site.params,
      rule: site.rule,
      nodes: site.nodes.map((node) => node.name),
      location: site.location,
    })),
    nearMisses: nearMisses.map((miss) => ({
      rule: miss.rule,
      node: miss.node.name,
      location: miss.location,
      reason: miss.reason,
    })),
    targets: perTarget,
  };
  if (options.json) return { output: JSON.stringify(facts, null, 2), code: 0 };

  const lines: string[] = [];
  lines.push(`${path}: opset ${facts.opset}, IR ${facts.irVersion}, ${facts.nodes} nodes`);
  lines.push(`ops: ${formatOps(ops)}`, "");
  lines.push(`activation sites: ${sites.length}`);
  if (sites.length > 0) {
    lines.push(
      formatTable(
        ["activation", "rule", "nodes", "location"],
        sites.map((site) => [
          idOf(site.activation, site.params),
          site.rule,
          site.nodes.map((node) => node.name).join(", "),
          site.location,
        ]),
      ),
    );
  }
  if (nearMisses.length > 0) {
    lines.push("", `near misses (not rewritten): ${nearMisses.length}`);
    for (const miss of facts.nearMisses)
      lines.push(`  ${miss.rule} at ${miss.node} (${miss.location}): ${miss.reason}`);
  }
  lines.push(
    "",
    `what each target would change (budget max |error| ${formatNumber(budget)} per activation):`,
  );
  lines.push(
    formatTable(
      ["target", "substitute", "keep", "cannot run", "other ops it lacks"],
      perTarget.map((entry) => [
        entry.target,
        entry.substitute,
        entry.keep,
        entry.unsupported,
        entry.unsupportedOps.map((op) => `${op.op}×${op.count}`).join(" ") || "—",
      ]),
    ),
  );
  for (const entry of perTarget) {
    if (entry.changes.length === 0) continue;
    lines.push("", `${entry.target}:`);
    for (const change of entry.changes) {
      lines.push(
        change.action === "substitute"
          ? `  ${change.site} → ${change.substitute} (max |error| ${formatNumber(change.predictedError)})`
          : `  ${change.site}: cannot run — ${change.reason}`,
      );
    }
  }
  return { output: lines.join("\n"), code: 0 };
}

/** `name{a=…}` with the given parameters. */
export function idOf(name: string, params: Readonly<Record<string, number>>): string {
  const entries = Object.entries(params);
  return entries.length === 0
    ? name
    : `${name}{${entries.map(([key, value]) => `${key}=${Number(value.toPrecision(6))}`).join(",")}}`;
}
