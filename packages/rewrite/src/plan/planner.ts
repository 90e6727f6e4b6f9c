import { RewriteError } from "../errors/rewrite-error.js";
import { formatError } from "../format-error.js";
import type { Site } from "../sites/site.js";
import type { TargetProfile } from "../targets/profile.js";
import type { Candidate, Rejection } from "./candidate.js";
import { missingOps, nodeOps } from "./cost.js";
import type { SiteSample } from "./fit-candidates.js";
import { type SiteContext, siteCandidates } from "./site-candidates.js";

/** Default error budget: max |error| one substituted activation may add, in its output units. */
export const defaultBudget = 1e-3;

/** The budget to plan with: `budget` checked, or the default. */
export function resolveBudget(budget: number | undefined): number {
  const resolved = budget ?? defaultBudget;
  if (!(resolved >= 0) || !Number.isFinite(resolved))
    throw new RewriteError("OPTIONS_INVALID", `budget must be a finite number ≥ 0, got ${budget}`);
  return resolved;
}

/** What is done with a site: kept, substituted by `chosen`, or left unsupported (the target cannot run it and nothing fits). */
export interface SiteChoice {
  readonly action: "keep" | "substitute" | "unsupported";
  readonly chosen?: Candidate;
  readonly reason: string;
}

/** The plan for one site: the choice and why, what was refused, and what a roll-back puts there. */
export interface SitePlan extends SiteChoice {
  readonly site: Site;
  /** What the site costs as it is (undefined when the target cannot run it). */
  readonly originalCost?: number;
  /** What the engine makes of the site as it is, when that changes its cost. */
  readonly originalEngine?: string;
  /** Elements of the site's tensor, when measured or inferred (costs then include per-node overhead). */
  readonly elements?: number;
  /** The range the site's input took on the inputs optimize ran (an integer device's calibration). */
  readonly inputRange?: readonly [number, number];
  readonly rejected: readonly Rejection[];
  /** The choice when verification rolls the site back: the original where the target runs it, else the most accurate substitute. */
  readonly rollback: SiteChoice;
}

/** The plan with `rollback` in place of the choice. */
export function rolledBack(plan: SitePlan): SitePlan {
  return { ...plan, ...plan.rollback };
}

/** Options of planSites. */
export interface PlanOptions {
  /** Max |error| per activation. */
  readonly budget: number;
  /** Inputs each site saw (by site id): fittable stand-ins are refitted to them (`--fit`). */
  readonly samples?: ReadonlyMap<string, SiteSample>;
  /** Elements of each site's tensor (by site id), measured or inferred: per-node overhead is costed with them. */
  readonly elements?: ReadonlyMap<string, number>;
  /** The range each site's input took (by site id): an integer device calibrates its grid to it. */
  readonly ranges?: ReadonlyMap<string, readonly [number, number]>;
}

/** What a plan knows of its site beyond the graph (its size and input range), for candidates built again. */
export function siteContext(plan: SitePlan): SiteContext {
  return {
    ...(plan.elements !== undefined ? { elements: plan.elements } : {}),
    ...(plan.inputRange ? { range: plan.inputRange } : {}),
  };
}

/** A cost in messages: 3 significant digits. */
export function formatCost(cost: number): string {
  return String(Number(cost.toPrecision(3)));
}

/** Cheapest first, then the more accurate, then keep. */
function byCost(a: Candidate, b: Candidate): number {
  return (
    a.cost - b.cost ||
    a.predictedError - b.predictedError ||
    (a.kind === "keep" ? -1 : b.kind === "keep" ? 1 : 0)
  );
}

/**
 * Picks, per site, the cheapest candidate by the target's costs whose
 * predicted error fits the budget (ties: smaller error, then keep). A site the
 * target cannot run and that has no admissible substitute is `unsupported`.
 */
export function planSites(
  sites: readonly Site[],
  target: TargetProfile,
  options: PlanOptions,
): SitePlan[] {
  const { budget } = options;
  return sites.map((site) => {
    const sample = options.samples?.get(site.id);
    const elements = options.elements?.get(site.id);
    const inputRange = options.ranges?.get(site.id);
    const { keep, admissible, rejected } = siteCandidates(site, target, budget, {
      ...(sample ? { sample } : {}),
      ...(elements !== undefined ? { elements } : {}),
      ...(inputRange ? { range: inputRange } : {}),
    });
    const missing = () => missingOps(nodeOps(site.nodes), target.atOpset(site.opset)).join(", ");
    const rollback = rollbackChoice(keep, admissible);
    const best = [...admissible].sort(byCost)[0];
    const plan = {
      site,
      rejected,
      rollback,
      ...(elements !== undefined ? { elements } : {}),
      ...(inputRange ? { inputRange } : {}),
      ...(keep ? { originalCost: keep.cost } : {}),
      ...(keep?.engine ? { originalEngine: keep.engine } : {}),
    };
    if (!best) {
      return {
        ...plan,
        action: "unsupported",
        reason: `the target does not run ${missing()}; ${whyNothingFits(rejected, budget)}`,
      };
    }
    const others = admissible
      .filter((candidate) => candidate !== best && candidate.kind !== "keep")
      .map((candidate) => ({
        label: candidate.label,
        reason: `costs ${formatCost(candidate.cost)} vs ${formatCost(best.cost)}`,
        cost: candidate.cost,
        predictedError: candidate.predictedError,
      }));
    const all = { ...plan, rejected: [...rejected, ...others] };
    if (best.kind === "keep") {
      return {
        ...all,
        action: "keep",
        chosen: best,
        reason: `the target runs it natively (cost ${formatCost(best.cost)}${best.engine ? `: ${best.engine}` : ""}); no cheaper substitute within budget`,
      };
    }
    return {
      ...all,
      action: "substitute",
      chosen: best,
      reason: keep
        ? `cheaper than the original (cost ${formatCost(best.cost)} vs ${formatCost(keep.cost)}${keep.engine ? `: ${keep.engine}` : ""}) with ${errorPhrase(best)} ≤ ${formatError(budget)}`
        : `the target does not run ${missing()}; cheapest substitute within budget (${errorPhrase(best)})`,
    };
  });
}

/** "max |error| 1e-4", or on an integer device what the candidate adds to its rounding. */
function errorPhrase(candidate: Candidate): string {
  return candidate.device
    ? `max |error| added to the int${candidate.device.bits} rounding ${formatError(candidate.predictedError)}`
    : `max |error| ${formatError(candidate.predictedError)}`;
}

/** What a roll-back puts at a site: the original when the target runs it, else the most accurate substitute. */
function rollbackChoice(keep: Candidate | undefined, admissible: readonly Candidate[]): SiteChoice {
  if (keep)
    return {
      action: "keep",
      chosen: keep,
      reason: "rolled back to the original after verification",
    };
  const accurate = [...admissible].sort(
    (a, b) => a.predictedError - b.predictedError || a.cost - b.cost,
  )[0];
  if (!accurate)
    return {
      action: "unsupported",
      reason: "rolled back after verification; the target cannot run it",
    };
  return {
    action: "substitute",
    chosen: accurate,
    reason: `rolled back after verification to the most accurate substitute the target runs (max |error| ${formatError(accurate.predictedError)}, cost ${formatCost(accurate.cost)})`,
  };
}

/** One sentence on why no candidate was admissible: the closest one over budget, else the first refusal. */
function whyNothingFits(rejected: readonly Rejection[], budget: number): string {
  const overBudget = rejected
    .filter((r) => r.predictedError !== undefined)
    .sort((a, b) => a.predictedError! - b.predictedError!);
  const closest = overBudget[0];
  if (closest) {
    return `the most accurate stand-in it can run, ${closest.label}, is off by up to ${formatError(closest.predictedError!)} > budget ${formatError(budget)} (raise --budget to accept it)`;
  }
  const first = rejected[0];
  return first
    ? `no stand-in fits: ${first.label}: ${first.reason}${rejected.length > 1 ? ` (and ${rejected.length - 1} more refused)` : ""}`
    : "no stand-in is known";
}
