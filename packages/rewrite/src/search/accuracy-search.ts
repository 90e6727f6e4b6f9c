// Accuracy-aware search: the per-activation budget is a promise made without
// looking at the model. With limits on the model's outputs measured on real
// inputs, a site may take a stand-in past that budget when the outputs
// tolerate it. Sites are tried in order of time saved per unit of predicted
// error; bisection finds the longest prefix the outputs tolerate, the site
// that broke it is skipped, and the search goes on with the rest.
import type { SitePlan } from "../plan/planner.js";
import type { ComparisonSummary } from "../verify/compare.js";
import { limitMisses, type OutputLimits } from "../verify/output-limits.js";

/** One site's move past the budget: from its current plan to a cheaper, less accurate one. */
export interface SearchStep {
  readonly id: string;
  readonly to: SitePlan;
  /** What the move saves per run: measured ms (profiler) or predicted cost units. */
  readonly saving: number;
  readonly predictedError: number;
}

/** A site the search took past the per-activation budget. */
export interface PastBudgetSite {
  readonly id: string;
  readonly substitute: string;
  readonly predictedError: number;
  /** What the step was predicted or measured to save (see SearchReport.savingUnit). */
  readonly saving: number;
}

/** What the search tried and what the model-level check measured. */
export interface SearchReport {
  readonly limits: OutputLimits;
  /** The inputs the search measured on. */
  readonly inputs: string;
  /** How savings were known: measured per site by the engine's profiler, or predicted from the target's costs. */
  readonly savingUnit: "measured ms" | "predicted cost";
  /** Sites that had a cheaper stand-in past the budget. */
  readonly candidates: number;
  readonly pastBudget: readonly PastBudgetSite[];
  /** Models run by the search. */
  readonly evaluations: number;
  /** The chosen plan against the original, on the search inputs. */
  readonly comparison: ComparisonSummary;
}

/** What the search needs from optimize. */
export interface SearchInputs {
  /** The plans so far, which meet the limits. */
  readonly applied: readonly SitePlan[];
  readonly steps: readonly SearchStep[];
  readonly limits: OutputLimits;
  readonly inputs: string;
  readonly savingUnit: SearchReport["savingUnit"];
  /** The current plans' comparison with the original. */
  readonly comparison: ComparisonSummary;
  /** Applies plans to a fresh copy, runs it and compares it with the original on the search inputs. */
  readonly check: (plans: readonly SitePlan[]) => Promise<ComparisonSummary>;
  /** How many times to skip a site that broke the limits and go on (default 3). */
  readonly skips?: number;
  readonly onStep?: (done: number) => void;
}

/** Orders steps by saving per unit of predicted error, largest first (ties: the larger saving). */
export function orderSteps(steps: readonly SearchStep[]): SearchStep[] {
  const worth = (step: SearchStep) => step.saving / Math.max(step.predictedError, Number.MIN_VALUE);
  return steps
    .filter((step) => step.saving > 0)
    .sort((a, b) => worth(b) - worth(a) || b.saving - a.saving);
}

/** Runs the greedy search; returns the plans chosen and the report. */
export async function searchPastBudget(
  inputs: SearchInputs,
): Promise<{ applied: readonly SitePlan[]; report: SearchReport }> {
  const order = orderSteps(inputs.steps);
  const taken: SearchStep[] = [];
  let comparison = inputs.comparison;
  let evaluations = 0;
  const cache = new Map<string, ComparisonSummary>();
  const withSteps = (steps: readonly SearchStep[]) => {
    const moved = new Map(steps.map((step) => [step.id, step.to]));
    return inputs.applied.map((plan) => moved.get(plan.site.id) ?? plan);
  };
  const passes = async (steps: readonly SearchStep[]) => {
    const key = steps.map((step) => step.id).join("\u0000");
    let result = cache.get(key);
    if (!result) {
      result = await inputs.check(withSteps(steps));
      evaluations++;
      inputs.onStep?.(evaluations);
      cache.set(key, result);
    }
    return { ok: limitMisses(result, inputs.limits).length === 0, result };
  };
  let remaining = order;
  let skips = inputs.skips ?? 3;
  while (remaining.length > 0) {
    // The longest prefix of the remaining steps that, with those taken, meets the limits.
    let lo = 0;
    let hi = remaining.length;
    let best: ComparisonSummary | undefined;
    while (lo < hi) {
      const middle = (lo + hi + 1) >> 1;
      const trial = await passes([...taken, ...remaining.slice(0, middle)]);
      if (trial.ok) {
        lo = middle;
        best = trial.result;
      } else hi = middle - 1;
    }
    if (lo > 0) {
      taken.push(...remaining.slice(0, lo));
      comparison = best ?? comparison;
    }
    if (lo === remaining.length || skips === 0) break;
    skips--;
    remaining = remaining.slice(lo + 1);
  }
  return {
    applied: withSteps(taken),
    report: {
      limits: inputs.limits,
      inputs: inputs.inputs,
      savingUnit: inputs.savingUnit,
      candidates: order.length,
      pastBudget: taken.map((step) => ({
        id: step.id,
        substitute: step.to.chosen!.label,
        predictedError: step.predictedError,
        saving: step.saving,
      })),
      evaluations,
      comparison,
    },
  };
}
