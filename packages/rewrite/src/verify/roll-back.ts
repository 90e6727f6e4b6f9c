import { rolledBack, type SitePlan } from "../plan/planner.js";
import type { ComparisonSummary } from "./compare.js";
import { meetsLimits, type OutputLimits } from "./output-limits.js";

/** Plans with the sites in `ids` put back (to the original, or the most accurate substitute the target runs). */
export function withRolledBack(plans: readonly SitePlan[], ids: Iterable<string>): SitePlan[] {
  const back = new Set(ids);
  return plans.map((plan) => (back.has(plan.site.id) ? rolledBack(plan) : plan));
}

/** The outcome of rolling back until the limits hold. */
export interface RollBackResult {
  readonly applied: readonly SitePlan[];
  /** Site ids put back, largest predicted error first. */
  readonly rolledBack: readonly string[];
  readonly comparison: ComparisonSummary;
  /** Models run. */
  readonly evaluations: number;
}

/**
 * When `comparison` misses the limits, finds by bisection the fewest sites
 * (largest predicted error first) whose roll-back meets them; rolling back
 * all of them gives the original (or, where the target cannot run it, the
 * most accurate stand-ins). `check` runs a plan and compares it.
 */
export async function rollBackUntilLimits(
  applied: readonly SitePlan[],
  comparison: ComparisonSummary,
  limits: OutputLimits,
  check: (plans: readonly SitePlan[]) => Promise<ComparisonSummary>,
  onStep?: (done: number, total: number) => void,
): Promise<RollBackResult> {
  if (meetsLimits(comparison, limits))
    return { applied, rolledBack: [], comparison, evaluations: 0 };
  const order = applied
    .filter((plan) => plan.action === "substitute")
    .sort((a, b) => b.chosen!.predictedError - a.chosen!.predictedError)
    .map((plan) => plan.site.id);
  const trials = new Map<number, { applied: SitePlan[]; comparison: ComparisonSummary }>();
  const steps = Math.ceil(Math.log2(order.length + 1)) + 1;
  const trial = async (k: number) => {
    const cached = trials.get(k);
    if (cached) return cached;
    const plans = withRolledBack(applied, order.slice(0, k));
    const result = { applied: plans, comparison: await check(plans) };
    trials.set(k, result);
    onStep?.(trials.size, steps);
    return result;
  };
  // Smallest k such that rolling back the first k sites meets the limits.
  let lo = 1;
  let hi = order.length;
  while (lo < hi) {
    const middle = (lo + hi) >> 1;
    if (meetsLimits((await trial(middle)).comparison, limits)) hi = middle;
    else lo = middle + 1;
  }
  if (order.length === 0) return { applied, rolledBack: [], comparison, evaluations: 0 };
  const chosen = await trial(lo);
  return {
    applied: chosen.applied,
    rolledBack: order.slice(0, lo),
    comparison: chosen.comparison,
    evaluations: trials.size,
  };
}
