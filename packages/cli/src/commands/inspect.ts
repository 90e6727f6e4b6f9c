import {
  builtinTargets,
  findTypedSites,
  type ModelPlan,
  opHistogram,
  planModel,
  type TargetProfile,
  unsupportedOps,
} from "@rectify/rewrite";
import { declareInputSizes } from "../io/input-sizes.js";
import { loadModelFile, loadTarget } from "../io/load.js";
import { formatNumber, formatOps, formatTable } from "../output/table.js";

/** Options of `rectify inspect`. */
export interface InspectOptions {
  readonly target?: string[];
  readonly budget?: number;
  /** List every site and each target's choice for it, not just the summary. */
  readonly sites?: boolean;
  readonly json?: boolean;
  readonly dim?: Readonly<Record<string, number>>;
  readonly inputShape?: Readonly<Record<string, readonly number[]>>;
}

/** `rectify inspect <model>`: op histogram, activation sites, and what each target would change. */
export async function inspectCommand(
  path: string,
  options: InspectOptions,
): Promise<{ output: string; code: number }> {
  const model = await loadModelFile(path);
  // Sizes the user gives become declarations, so shape inference (in planModel) sees them.
  declareInputSizes(model, options);
  const targets: TargetProfile[] = options.target?.length
    ? await Promise.all(options.target.map(loadTarget))
    : [...builtinTargets.values()];
  // One search (with shape inference) serves every target.
  const found = findTypedSites(model);
  const { sites, nearMisses } = found;
  const ops = opHistogram(model);
  const plans = targets.map((target) =>
    planModel(model, target, options.budget !== undefined ? { budget: options.budget } : {}, found),
  );
  const siteNodes = new Set(sites.flatMap((site) => site.nodes.map((node) => node.name)));
  const perTarget = plans.map((plan) => targetFacts(plan, model, siteNodes));
  const budget = plans[0]?.budget ?? options.budget;
  const facts = {
    model: path,
    opset: model.opsetVersion("") ?? 0,
    irVersion: model.irVersion,
    nodes: Object.values(ops).reduce((total, count) => total + count, 0),
    ops,
    budget,
    activations: activationGroups(sites),
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
  if (options.sites && sites.length > 0) {
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
  } else if (sites.length > 0) {
    lines.push(
      formatTable(
        ["activation", "sites", "found as", "where"],
        facts.activations.map((group) => [
          group.activation,
          group.count,
          group.rules.join(", "),
          group.locations.join("; "),
        ]),
      ),
    );
  }
  if (nearMisses.length > 0) {
    lines.push("", `near misses (not rewritten): ${nearMisses.length}`);
    const shown = options.sites ? facts.nearMisses : facts.nearMisses.slice(0, 5);
    for (const miss of shown)
      lines.push(`  ${miss.rule} at ${miss.node} (${miss.location}): ${miss.reason}`);
    if (shown.length < nearMisses.length)
      lines.push(`  … ${nearMisses.length - shown.length} more (--sites lists them all)`);
  }
  lines.push(
    "",
    `what each target would do (budget: max |error| ${formatNumber(budget)} per activation):`,
  );
  lines.push(
    formatTable(
      ["target", "native", "substitute", "cannot run", "other ops it lacks"],
      perTarget.map((entry) => [
        entry.target,
        entry.keep + entry.alreadyRewritten,
        entry.substitute,
        entry.unsupported,
        entry.unsupportedOps.map((op) => `${op.op}×${op.count}`).join(" ") || "—",
      ]),
    ),
  );
  lines.push(
    "  native: the target runs the site as it is (or an earlier rectify substitute) and nothing cheaper fits;",
    "  substitute: replaced by a stand-in within the budget; cannot run: nothing the target runs fits the budget.",
  );
  const integer = targets.filter((target) => target.quantization).map((target) => target.name);
  if (integer.length > 0 && sites.length > 0)
    lines.push(
      `  ${integer.join(", ")}: inspect does not run the model, so the integer grids (calibrated to each site's input range) are unknown and tables on them are not planned here; rectify optimize runs the model and plans them.`,
    );
  if (options.sites) {
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
  } else if (sites.length > 0) {
    lines.push("", "rectify inspect --sites lists every site and what each target does with it.");
  }
  return { output: lines.join("\n"), code: 0 };
}

/** One target's plan for the model, in the terms inspect prints. */
function targetFacts(
  plan: ModelPlan,
  model: Parameters<typeof unsupportedOps>[0],
  siteNodes: ReadonlySet<string>,
) {
  const count = (action: string) =>
    plan.plans.filter((sitePlan) => sitePlan.action === action).length;
  return {
    target: plan.target.name,
    substitute: count("substitute"),
    keep: count("keep"),
    unsupported: count("unsupported"),
    alreadyRewritten: plan.alreadyRewritten.length,
    changes: plan.plans
      .filter((sitePlan) => sitePlan.action !== "keep")
      .map((sitePlan) => ({
        site: sitePlan.site.id,
        action: sitePlan.action,
        ...(sitePlan.chosen
          ? { substitute: sitePlan.chosen.label, predictedError: sitePlan.chosen.predictedError }
          : {}),
        reason: sitePlan.reason,
      })),
    // Ops outside activation sites the target lacks (sites report their own).
    unsupportedOps: unsupportedOps(model, plan.target).filter(
      (entry) => !entry.nodes.some((node) => siteNodes.has(node)),
    ),
  };
}

/** Sites grouped by activation (with parameters): how many, found by which rules, where. */
function activationGroups(sites: ReturnType<typeof findTypedSites>["sites"]) {
  const groups = new Map<string, { count: number; rules: Set<string>; locations: Set<string> }>();
  for (const site of sites) {
    const key = idOf(site.activation, site.params);
    const group = groups.get(key) ?? { count: 0, rules: new Set(), locations: new Set() };
    group.count++;
    group.rules.add(site.rule);
    group.locations.add(site.location);
    groups.set(key, group);
  }
  return [...groups]
    .map(([activation, group]) => ({
      activation,
      count: group.count,
      rules: [...group.rules],
      locations: [...group.locations],
    }))
    .sort((a, b) => b.count - a.count || a.activation.localeCompare(b.activation));
}

/** `name{a=…}` with the given parameters. */
export function idOf(name: string, params: Readonly<Record<string, number>>): string {
  const entries = Object.entries(params);
  return entries.length === 0
    ? name
    : `${name}{${entries.map(([key, value]) => `${key}=${Number(value.toPrecision(6))}`).join(",")}}`;
}
