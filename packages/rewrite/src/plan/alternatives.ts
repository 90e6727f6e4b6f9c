import type { TargetProfile } from "../targets/profile.js";
import { type SitePlan, siteContext } from "./planner.js";
import { siteCandidates } from "./site-candidates.js";

/** A plan with one stand-in put wherever it fits the budget. */
export interface AlternativePlan {
  /** The stand-in's label (as in the report's `substitute`). */
  readonly label: string;
  /** The activation of the sites it changes (the first one's, when a label serves several). */
  readonly activation: string;
  /** The sites it changes, by id. */
  readonly sites: readonly string[];
  /** Its mean predicted cost per site, by the target's costs. */
  readonly cost: number;
  readonly plans: readonly SitePlan[];
}

/**
 * Every stand-in within the budget, one at a time: for each label some site
 * admits, the plan with it at every site that admits it (and has another
 * choice now), the rest as `plans` chose. Sites the accuracy-aware search took
 * past the budget keep their choice. Timing them finds the fastest any one
 * stand-in makes the model: measured planning chooses by it, and the
 * planning study judges the planner against it.
 */
export function alternativePlans(
  plans: readonly SitePlan[],
  target: TargetProfile,
  budget: number,
): AlternativePlan[] {
  const byLabel = new Map<
    string,
    { activation: string; cost: number; changed: Map<SitePlan, SitePlan> }
  >();
  for (const plan of plans) {
    if (plan.site.location !== "main") continue;
    if (plan.chosen && plan.chosen.predictedError > budget) continue;
    const now = plan.action === "substitute" ? plan.chosen?.label : "keep";
    for (const candidate of siteCandidates(plan.site, target, budget, siteContext(plan))
      .admissible) {
      if (candidate.kind === "keep" || candidate.label === now) continue;
      const entry = byLabel.get(candidate.label) ?? {
        activation: plan.site.activation,
        cost: 0,
        changed: new Map<SitePlan, SitePlan>(),
      };
      entry.cost += candidate.cost;
      entry.changed.set(plan, {
        ...plan,
        action: "substitute",
        chosen: candidate,
        reason: `${candidate.label}: measured faster than the planner's choice`,
      });
      byLabel.set(candidate.label, entry);
    }
  }
  return [...byLabel].map(([label, { activation, cost, changed }]) => ({
    label,
    activation,
    sites: [...changed.keys()].map((plan) => plan.site.id),
    cost: cost / changed.size,
    plans: plans.map((plan) => changed.get(plan) ?? plan),
  }));
}
