import type { Parameters } from "@rectify/kernels";
import type { Model } from "@rectify/onnx";
import type { SiteSample } from "../plan/fit-candidates.js";
import { histogramCost, type Rejection, type SitePlan } from "../plan/planner.js";
import { graphScopes } from "../sites/find-sites.js";
import type { NearMiss } from "../sites/site.js";
import type { TargetProfile } from "../targets/profile.js";
import type { ComparisonSummary } from "../verify/compare.js";

/** One site in the report: where, what, what was done and why. */
export interface SiteReport {
  readonly id: string;
  readonly location: string;
  /** The rule that found it (op type or pattern name). */
  readonly rule: string;
  readonly activation: string;
  readonly params: Parameters;
  /** Names of the nodes the site was made of. */
  readonly nodes: readonly string[];
  readonly action: "keep" | "substitute" | "unsupported";
  /** The chosen substitute's label (absent for keep/unsupported). */
  readonly substitute?: string;
  readonly opsBefore: Readonly<Record<string, number>>;
  readonly opsAfter: Readonly<Record<string, number>>;
  /** Profile cost before (null when the target cannot run the original) and after. */
  readonly costBefore: number | null;
  readonly costAfter: number | null;
  /** Predicted max |error| this site adds to its output (0 when kept). */
  readonly predictedError: number;
  readonly reason: string;
  readonly rejected: readonly Rejection[];
  /** True when verification put the original back. */
  readonly rolledBack: boolean;
  /** With fitting: how many inputs the site saw and their range. */
  readonly observed?: { readonly count: number; readonly min: number; readonly max: number };
}

/** Ops left in the rewritten model that the target does not run. */
export interface UnsupportedOp {
  readonly op: string;
  readonly count: number;
  /** Node names (first few) and their locations. */
  readonly nodes: readonly string[];
}

/** The measured side: how far the rewritten model's outputs are from the original's. */
export interface VerificationReport {
  readonly evaluator: string;
  /** Where the inputs came from: files or `random (seed N)`. */
  readonly inputs: string;
  readonly maxOutputError?: number;
  readonly passed: boolean;
  readonly comparison: ComparisonSummary;
  /** Site ids rolled back to meet maxOutputError, in the order they were rolled back. */
  readonly rolledBack: readonly string[];
  /** Models run (original included). */
  readonly evaluations: number;
}

/** What `optimize` did: per site and in total, predicted and measured. */
export interface RewriteReport {
  readonly target: string;
  readonly budget: number;
  readonly model: { readonly opset: number; readonly irVersion: number; readonly nodes: number };
  readonly summary: {
    readonly sites: number;
    readonly substituted: number;
    readonly kept: number;
    readonly unsupported: number;
    readonly alreadyRewritten: number;
    readonly rolledBack: number;
  };
  readonly sites: readonly SiteReport[];
  readonly opsBefore: Readonly<Record<string, number>>;
  readonly opsAfter: Readonly<Record<string, number>>;
  /** Sum of profile costs over the activation sites, before and after (null when the target cannot run some of them). */
  readonly siteCost: { readonly before: number | null; readonly after: number | null };
  /** Largest predicted per-activation error among substituted sites. */
  readonly maxPredictedError: number;
  readonly unsupportedOps: readonly UnsupportedOp[];
  readonly nearMisses: readonly { rule: string; node: string; location: string; reason: string }[];
  readonly verification?: VerificationReport;
}

/** Op histogram of every graph of a model (`domain.Op` for non-default domains). */
export function opHistogram(model: Model): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const graph of model.graphs()) {
    for (const node of graph.nodes) {
      const key =
        node.domain && node.domain !== "ai.onnx" ? `${node.domain}.${node.opType}` : node.opType;
      counts[key] = (counts[key] ?? 0) + 1;
    }
  }
  return Object.fromEntries(
    Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
  );
}

/** Ops of the model the target does not run, with where (first five nodes each). */
export function unsupportedOps(model: Model, target: TargetProfile): UnsupportedOp[] {
  const found = new Map<string, { count: number; nodes: string[] }>();
  for (const { graph, opset } of graphScopes(model)) {
    const here = target.atOpset(opset);
    for (const node of graph.nodes) {
      if (here.runs(node.opType, node.domain)) continue;
      const key =
        node.domain && node.domain !== "ai.onnx" ? `${node.domain}.${node.opType}` : node.opType;
      const entry = found.get(key) ?? { count: 0, nodes: [] };
      entry.count++;
      if (entry.nodes.length < 5) entry.nodes.push(node.name || `#${node.index}`);
      found.set(key, entry);
    }
  }
  return [...found].map(([op, entry]) => ({ op, ...entry })).sort((a, b) => b.count - a.count);
}

/** The per-site part of the report from the plans. */
export function siteReports(
  plans: readonly SitePlan[],
  target: TargetProfile,
  rolledBack: ReadonlySet<string>,
  samples?: ReadonlyMap<string, SiteSample>,
): SiteReport[] {
  return plans.map((plan) => {
    const { site } = plan;
    const opsBefore: Record<string, number> = {};
    for (const node of site.nodes) {
      const key =
        node.domain && node.domain !== "ai.onnx" ? `${node.domain}.${node.opType}` : node.opType;
      opsBefore[key] = (opsBefore[key] ?? 0) + 1;
    }
    const opsAfter = plan.action === "substitute" ? plan.chosen!.ops : opsBefore;
    const sample = samples?.get(site.id);
    return {
      id: site.id,
      location: site.location,
      rule: site.rule,
      activation: site.activation,
      params: site.params,
      nodes: site.nodes.map((node) => node.name),
      action: plan.action,
      ...(plan.action === "substitute" ? { substitute: plan.chosen!.label } : {}),
      opsBefore,
      opsAfter,
      costBefore: histogramCost(opsBefore, target.atOpset(site.opset)) ?? null,
      costAfter: histogramCost(opsAfter, target.atOpset(site.opset)) ?? null,
      predictedError: plan.action === "substitute" ? plan.chosen!.predictedError : 0,
      reason: plan.reason,
      rejected: plan.rejected,
      rolledBack: rolledBack.has(site.id),
      ...(sample
        ? { observed: { count: sample.values.length, min: sample.min, max: sample.max } }
        : {}),
    };
  });
}

/** Converts near misses to their JSON form. */
export function nearMissReports(misses: readonly NearMiss[]): RewriteReport["nearMisses"] {
  return misses.map((miss) => ({
    rule: miss.rule,
    node: miss.node.name || miss.node.describe(),
    location: miss.location,
    reason: miss.reason,
  }));
}
