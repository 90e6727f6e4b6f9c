import { formatError } from "../format-error.js";
import type { Candidate } from "../plan/candidate.js";
import type { SiteSample } from "../plan/fit-candidates.js";
import { type SitePlan, siteContext } from "../plan/planner.js";
import { siteCandidates } from "../plan/site-candidates.js";
import type { TargetProfile } from "../targets/profile.js";

/** One step of a site past the per-activation budget: to a cheaper, less accurate stand-in than the step before it. */
export interface PastBudgetMove {
  readonly id: string;
  /** Position in the site's chain of steps (0 = the first move away from its current plan). */
  readonly index: number;
  readonly to: SitePlan;
  /** Predicted max |error| of the stand-in moved to. */
  readonly predictedError: number;
  /** Error added by this step over the step before it. */
  readonly addedError: number;
  /** Predicted cost saved by this step over the step before it. */
  readonly predictedSaving: number;
}

/** The widest per-activation error the search considers: stand-ins unbounded in error never qualify. */
export const searchBudget = 1e6;

/**
 * For each site, the chain of moves past `budget` along the lower convex
 * frontier of (predicted error, cost) of what the target runs there: each
 * step saves cost for added error, at a rate that falls from step to step, so
 * taking steps greedily by saving per unit of error takes them in chain order.
 * Sites the target cannot run as they were keep their required substitute.
 */
export function pastBudgetMoves(
  current: readonly SitePlan[],
  target: TargetProfile,
  budget: number,
  samples?: ReadonlyMap<string, SiteSample>,
): PastBudgetMove[] {
  const moves: PastBudgetMove[] = [];
  for (const plan of current) {
    if (plan.action === "unsupported") continue;
    const cost = plan.chosen?.cost ?? plan.originalCost;
    const error = plan.action === "substitute" ? plan.chosen!.predictedError : 0;
    if (cost === undefined) continue;
    const sample = samples?.get(plan.site.id);
    const { admissible } = siteCandidates(plan.site, target, searchBudget, {
      ...siteContext(plan),
      ...(sample ? { sample } : {}),
    });
    const cheaper = admissible.filter(
      (candidate) =>
        candidate.kind !== "keep" &&
        candidate.predictedError > budget &&
        Number.isFinite(candidate.predictedError) &&
        candidate.cost < cost,
    );
    let at = { cost, error };
    let index = 0;
    for (const next of frontier(at, cheaper)) {
      moves.push({
        id: plan.site.id,
        index: index++,
        to: {
          ...plan,
          action: "substitute",
          chosen: next,
          reason: `past the per-activation budget (max |error| ${formatError(next.predictedError)} > ${formatError(budget)}): the model outputs, measured, tolerate it`,
        },
        predictedError: next.predictedError,
        addedError: next.predictedError - at.error,
        predictedSaving: at.cost - next.cost,
      });
      at = { cost: next.cost, error: next.predictedError };
    }
  }
  return moves;
}

/**
 * The candidates on the lower convex frontier from `start` (cost falling,
 * error rising), each step saving the most cost per unit of added error.
 */
function frontier(
  start: { cost: number; error: number },
  candidates: readonly Candidate[],
): Candidate[] {
  const chain: Candidate[] = [];
  let at = start;
  let left = [...candidates];
  while (left.length > 0) {
    let best: Candidate | undefined;
    let bestRate = -1;
    for (const candidate of left) {
      const added = candidate.predictedError - at.error;
      const saved = at.cost - candidate.cost;
      if (!(saved > 0) || !(added > 0)) continue;
      const rate = saved / added;
      if (rate > bestRate || (rate === bestRate && candidate.cost < best!.cost)) {
        best = candidate;
        bestRate = rate;
      }
    }
    if (!best) break;
    chain.push(best);
    at = { cost: best.cost, error: best.predictedError };
    left = left.filter(
      (candidate) => candidate.cost < at.cost && candidate.predictedError > at.error,
    );
  }
  return chain;
}
