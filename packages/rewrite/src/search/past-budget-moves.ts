import { formatError } from "../format-error.js";
import type { SitePlan } from "../plan/planner.js";

/** A site's cheapest stand-in past the per-activation budget, before its saving is known. */
export interface PastBudgetMove {
  readonly id: string;
  readonly to: SitePlan;
  readonly predictedError: number;
  /** Predicted cost saved (the site's current cost minus the move's). */
  readonly predictedSaving: number;
}

/** The widest per-activation error the search considers: stand-ins unbounded in error never qualify. */
export const searchBudget = 1e6;

/**
 * For each site, the move from its current plan to the plan made at the
 * search's wide budget, when that is cheaper and goes past `budget` (within
 * the budget the planner already chose the cheapest). Sites the target
 * cannot run as they were keep their required substitute.
 */
export function pastBudgetMoves(
  current: readonly SitePlan[],
  wide: readonly SitePlan[],
  budget: number,
): PastBudgetMove[] {
  const wideById = new Map(wide.map((plan) => [plan.site.id, plan]));
  const moves: PastBudgetMove[] = [];
  for (const plan of current) {
    const candidate = wideById.get(plan.site.id);
    const chosen = candidate?.action === "substitute" ? candidate.chosen : undefined;
    if (!candidate || !chosen || plan.action === "unsupported") continue;
    const currentCost = plan.chosen?.cost ?? plan.originalCost;
    if (currentCost === undefined || !(chosen.cost < currentCost)) continue;
    if (!(chosen.predictedError > budget)) continue;
    moves.push({
      id: plan.site.id,
      to: {
        ...candidate,
        // The site and what a roll-back restores stay as planned at the budget.
        site: plan.site,
        rollback: plan.rollback,
        reason: `past the per-activation budget (max |error| ${formatError(chosen.predictedError)} > ${formatError(budget)}): the model outputs, measured, tolerate it`,
      },
      predictedError: chosen.predictedError,
      predictedSaving: currentCost - chosen.cost,
    });
  }
  return moves;
}
