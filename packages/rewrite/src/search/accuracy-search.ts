// Accuracy-aware search: the per-activation budget is a promise made without
// looking at the model. With limits on the model's outputs measured on real
// inputs, a site may take a stand-in past that budget when the outputs
// tolerate it. Sites are tried in order of time saved per unit of predicted
// error; bisection finds the longest prefix the outputs tolerate, the site
// that broke it is skipped, and the search goes on with the rest.
import type { SitePlan } from "../plan/planner.js";
import type { ComparisonSummary } from "../verify/compare.js";
import { limitMisses, type OutputLimits } from "../verify/output-limits.js";

/** One step of a site past the budget (see PastBudgetMove), with what it saves. */
export interface SearchStep {
  readonly id: string;
  /** Position in the site's chain: step i + 1 builds on step i. */
  readonly index: number;
  readonly to: SitePlan;
  /** What the step saves per run over the step before it: measured ms (profiler) or predicted cost units. */
  readonly saving: number;
  /** Predicted max |error| of the stand-in stepped to, and the error added over the step before it. */
  readonly predictedError: number;
  readonly addedError: number;
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
  /** How savings were known: each site's time in the original by the engine's profiler × its predicted reduction, or predicted from the target's costs alone. */
  readonly savingUnit: "measured ms" | "predicted cost";
  /** Steps past the budget the search could take (a site may have several, each cheaper and less accurate). */
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

/**
 * Orders steps by saving per unit of added error, largest first, keeping each
 * site's steps in chain order (a step waits for the one it builds on).
 */
export function orderSteps(steps: readonly SearchStep[]): SearchStep[] {
  const worth = (step: SearchStep) => step.saving / Math.max(step.addedError, Number.MIN_VALUE);
  const sorted = steps
    .filter((step) => step.saving > 0)
    .sort((a, b) => worth(b) - worth(a) || b.saving - a.saving || a.index - b.index);
  const next = new Map<string, number>();
  const held = new Map<string, SearchStep[]>();
  const ordered: SearchStep[] = [];
  const emit = (step: SearchStep) => {
    ordered.push(step);
    next.set(step.id, step.index + 1);
    const waiting = held.get(step.id)?.sort((a, b) => a.index - b.index) ?? [];
    const follower = waiting.find((entry) => entry.index === step.index + 1);
    if (follower) {
      held.set(
        step.id,
        waiting.filter((entry) => entry !== follower),
      );
      emit(follower);
    }
  };
  for (const step of sorted) {
    if (step.index === (next.get(step.id) ?? 0)) emit(step);
    else held.set(step.id, [...(held.get(step.id) ?? []), step]);
  }
  return ordered;
}

/** The plans with each site at the last of its steps taken. */
function withSteps(applied: readonly SitePlan[], steps: readonly SearchStep[]): SitePlan[] {
  const last = new Map<string, SearchStep>();
  for (const step of steps) {
    const before = last.get(step.id);
    if (!before || step.index > before.index) last.set(step.id, step);
  }
  return applied.map((plan) => last.get(plan.site.id)?.to ?? plan);
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
  const passes = async (steps: readonly SearchStep[]) => {
    const key = steps.map((step) => step.id).join("\u0000");
    let result = cache.get(key);
    if (!result) {
      result = await inputs.check(withSteps(inputs.applied, steps));
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
    // The step that broke the limits is skipped, and the steps of its site that build on it.
    const broken = remaining[lo]!;
    remaining = remaining
      .slice(lo + 1)
      .filter((step) => step.id !== broken.id || step.index < broken.index);
  }
  const final = new Map<string, { step: SearchStep; saving: number }>();
  for (const step of taken) {
    const before = final.get(step.id);
    final.set(step.id, {
      step: !before || step.index > before.step.index ? step : before.step,
      saving: (before?.saving ?? 0) + step.saving,
    });
  }
  return {
    applied: withSteps(inputs.applied, taken),
    report: {
      limits: inputs.limits,
      inputs: inputs.inputs,
      savingUnit: inputs.savingUnit,
      candidates: order.length,
      pastBudget: [...final.values()].map(({ step, saving }) => ({
        id: step.id,
        substitute: step.to.chosen!.label,
        predictedError: step.predictedError,
        saving,
      })),
      evaluations,
      comparison,
    },
  };
}
