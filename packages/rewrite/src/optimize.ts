// The whole job, in stages: find sites and plan them (planModel) → lower and
// apply the plan → verify on an evaluator, rolling sites back until the
// output limit holds → report.
import { DataType, encodeModel, type Model, tensorType } from "@rectify/onnx";
import { RewriteError } from "./errors/rewrite-error.js";
import { type SiteSample, siteSample } from "./plan/fit-candidates.js";
import { type ModelPlan, planModel } from "./plan/plan-model.js";
import { rolledBack, type SitePlan } from "./plan/planner.js";
import {
  buildReport,
  modelFacts,
  type RewriteReport,
  type VerificationReport,
} from "./report/report.js";
import { applyPlan, applyPlanToCopy } from "./rewrite/apply-plan.js";
import { findSites } from "./sites/find-sites.js";
import type { TargetProfile } from "./targets/profile.js";
import { type ComparisonSummary, compareOutputs } from "./verify/compare.js";
import type { Evaluator, Feeds } from "./verify/evaluator.js";
import { feedToFloat64 } from "./verify/feeds.js";
import { feedsUnrunnable } from "./verify/feeds-unrunnable.js";
import { randomFeeds } from "./verify/random-feeds.js";

/** True when no NaN/Inf appeared where the other side is finite and every output is within `limit` of the reference (when given). */
export function withinLimit(comparison: ComparisonSummary, limit: number | undefined): boolean {
  if (comparison.nonFiniteMismatches > 0) return false;
  return limit === undefined || comparison.maxAbsError <= limit;
}

/** Options of optimizeModel. */
export interface OptimizeOptions {
  readonly target: TargetProfile;
  /** Max |error| per substituted activation (default 1e-3). */
  readonly budget?: number;
  /** Runs original and rewritten models to measure the output error; without it nothing is run. */
  readonly evaluator?: Evaluator;
  /** Inputs for verification (default: seeded random feeds from the declared input shapes). */
  readonly feeds?: Feeds;
  /** Describes where `feeds` came from, for the report. */
  readonly feedsSource?: string;
  /** Seed of the random feeds (default 1). */
  readonly seed?: number;
  /** Sizes of symbolic dims for random feeds, by dim_param name (`--dim batch=1`). */
  readonly dims?: Readonly<Record<string, number>>;
  /** Whole shapes of some inputs for random feeds, by input name (`--input-shape audio=1,16000`). */
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
  /** Max |error| allowed on any model output; sites are rolled back until it holds (needs an evaluator). */
  readonly maxOutputError?: number;
  /**
   * Refit fittable stand-ins to the inputs each site sees when the model runs
   * on `feeds` (needs an evaluator and feeds). Sites in subgraphs and
   * functions, which cannot be observed from outside, keep the catalog settings.
   */
  readonly fit?: boolean;
  /** Called as work advances (stage name, done, total). */
  readonly onProgress?: (stage: string, done: number, total: number) => void;
}

/** What optimizeModel returns. */
export interface OptimizeResult {
  /** The rewritten model (the original when nothing changed). */
  readonly model: Model;
  readonly report: RewriteReport;
  /** False when no site was substituted: the model is as it was loaded. */
  readonly changed: boolean;
}

/** A model with a plan applied. */
interface Rewritten {
  readonly model: Model;
  /** The plans as applied (roll-backs in place). */
  readonly applied: readonly SitePlan[];
  readonly substituted: number;
  /** Site ids put back, in roll-back order. */
  readonly rolledBack: readonly string[];
}

type Progress = NonNullable<OptimizeOptions["onProgress"]>;

/**
 * The whole job: find every activation site, plan the cheapest substitutes
 * the target runs within the budget, apply them, and (with an evaluator)
 * measure the output error on real inputs, rolling back the sites with the
 * largest predicted error (by bisection) until `maxOutputError` holds.
 * `load` must return a fresh copy of the original model each call.
 */
export async function optimizeModel(
  load: () => Model | Promise<Model>,
  options: OptimizeOptions,
): Promise<OptimizeResult> {
  checkOptions(options);
  const progress: Progress = options.onProgress ?? (() => {});
  let samples: Map<string, SiteSample> | undefined;
  if (options.fit) {
    progress("record site inputs", 0, 1);
    samples = await recordSiteInputs(load, options.evaluator!, options.feeds!);
    progress("record site inputs", 1, 1);
  }
  progress("plan", 0, 1);
  const model = await load();
  const before = modelFacts(model);
  const plan = planModel(model, options.target, {
    ...(options.budget !== undefined ? { budget: options.budget } : {}),
    ...(samples ? { samples } : {}),
  });
  let rewritten: Rewritten = {
    model,
    applied: plan.plans,
    substituted: applyPlan(model, plan.plans),
    rolledBack: [],
  };
  progress("plan", 1, 1);
  let verification: VerificationReport | undefined;
  if (options.evaluator) {
    ({ rewritten, verification } = await verifyAndRollBack(
      load,
      plan,
      rewritten,
      options,
      progress,
    ));
  }
  const report = buildReport({
    plan,
    before,
    applied: rewritten.applied,
    result: rewritten.model,
    rolledBack: rewritten.rolledBack,
    ...(samples ? { samples } : {}),
    ...(verification ? { verification } : {}),
  });
  // With nothing substituted, applyPlan left the model as it was loaded.
  return { model: rewritten.model, report, changed: rewritten.substituted > 0 };
}

function checkOptions(options: OptimizeOptions): void {
  const limit = options.maxOutputError;
  if (limit !== undefined && !(limit >= 0))
    throw new RewriteError(
      "OPTIONS_INVALID",
      `max output error must be a number ≥ 0, got ${limit}`,
    );
  if (limit !== undefined && !options.evaluator)
    throw new RewriteError(
      "OPTIONS_INVALID",
      "a max output error needs an evaluator to measure it",
    );
  if (options.fit && (!options.evaluator || !options.feeds))
    throw new RewriteError(
      "OPTIONS_INVALID",
      "fitting needs an evaluator and the inputs the model really sees (feeds)",
    );
}

/**
 * Runs the original and the rewritten model on the same inputs and, when
 * `maxOutputError` is missed, finds by bisection the fewest sites (largest
 * predicted error first) whose roll-back meets it; k = all gives the
 * original (or, where the target cannot run it, the most accurate stand-ins).
 */
async function verifyAndRollBack(
  load: () => Model | Promise<Model>,
  plan: ModelPlan,
  first: Rewritten,
  options: OptimizeOptions,
  progress: Progress,
): Promise<{ rewritten: Rewritten; verification: VerificationReport }> {
  const evaluator = options.evaluator!;
  // A pristine copy for the reference run: the one planned on now holds the rewrite.
  const original = await load();
  const feeds =
    options.feeds ??
    randomFeeds(original, {
      seed: options.seed ?? 1,
      ...(options.dims ? { dynamicDims: options.dims } : {}),
      ...(options.inputShapes ? { inputShapes: options.inputShapes } : {}),
    });
  let evaluations = 1;
  progress("verify", 0, 2);
  const reference = await runOriginal(evaluator, original, feeds, options.feeds !== undefined);
  const measure = async (model: Model) => {
    evaluations++;
    return compareOutputs(reference, await runModel(evaluator, model, feeds, "rewritten"));
  };
  let rewritten = first;
  let comparison = await measure(first.model);
  progress("verify", 2, 2);
  const limit = options.maxOutputError;
  if (limit !== undefined && !withinLimit(comparison, limit)) {
    const order = plan.plans
      .filter((sitePlan) => sitePlan.action === "substitute")
      .sort((a, b) => b.chosen!.predictedError - a.chosen!.predictedError)
      .map((sitePlan) => sitePlan.site.id);
    const trials = new Map<number, { rewritten: Rewritten; comparison: ComparisonSummary }>();
    const steps = Math.ceil(Math.log2(order.length + 1)) + 1;
    const trial = async (k: number) => {
      const cached = trials.get(k);
      if (cached) return cached;
      const back = new Set(order.slice(0, k));
      const applied = plan.plans.map((sitePlan) =>
        back.has(sitePlan.site.id) ? rolledBack(sitePlan) : sitePlan,
      );
      const model = await load();
      const substituted = applyPlanToCopy(model, applied);
      const result = {
        rewritten: { model, applied, substituted, rolledBack: order.slice(0, k) },
        comparison: await measure(model),
      };
      progress("roll back", trials.size + 1, steps);
      trials.set(k, result);
      return result;
    };
    // Smallest k such that rolling back the first k sites meets the limit.
    let lo = 1;
    let hi = order.length;
    while (lo < hi) {
      const middle = (lo + hi) >> 1;
      if (withinLimit((await trial(middle)).comparison, limit)) hi = middle;
      else lo = middle + 1;
    }
    if (order.length > 0) ({ rewritten, comparison } = await trial(lo));
  }
  const inputs = options.feeds
    ? (options.feedsSource ?? "given feeds")
    : `random (seed ${options.seed ?? 1})`;
  return {
    rewritten,
    verification: {
      evaluator: evaluator.name,
      inputs,
      ...(limit !== undefined ? { maxOutputError: limit } : {}),
      passed: withinLimit(comparison, limit),
      comparison,
      rolledBack: rewritten.rolledBack,
      evaluations,
    },
  };
}

/** Runs serialized model bytes on an evaluator; any failure becomes EVALUATOR_FAILED naming `what` ran. */
export async function runOnEvaluator(
  evaluator: Evaluator,
  model: Uint8Array,
  feeds: Feeds,
  what: string,
) {
  try {
    return await evaluator.run(model, feeds);
  } catch (error) {
    if (error instanceof RewriteError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new RewriteError(
      "EVALUATOR_FAILED",
      `${evaluator.name} could not run ${what}: ${message}`,
      {},
      { cause: error },
    );
  }
}

/** Runs the original model; a failure is the inputs' fault (FEEDS_UNRUNNABLE says what to change). */
async function runOriginal(evaluator: Evaluator, model: Model, feeds: Feeds, given: boolean) {
  try {
    return await runModel(evaluator, model, feeds, "original");
  } catch (error) {
    throw feedsUnrunnable(error, model, feeds, given);
  }
}

function runModel(evaluator: Evaluator, model: Model, feeds: Feeds, which: string) {
  return runOnEvaluator(evaluator, encodeModel(model), feeds, `the ${which} model`);
}

/**
 * Runs the model once with every main-graph site's input added as an output
 * and returns what each site saw (sites in subgraphs and functions cannot be
 * observed this way and get no sample).
 */
async function recordSiteInputs(
  load: () => Model | Promise<Model>,
  evaluator: Evaluator,
  feeds: Feeds,
): Promise<Map<string, SiteSample>> {
  const model = await load();
  const { sites } = findSites(model);
  const observed = sites.filter(
    (site) => site.graph === model.graph && !site.bias && !site.input.initializer,
  );
  for (const site of observed) {
    if (site.input.isGraphInput || model.graph.outputs.includes(site.input)) continue;
    model.graph.addOutput(site.input, site.input.type ?? tensorType(DataType.FLOAT));
  }
  const outputs = await runModel(evaluator, model, feeds, "instrumented");
  const samples = new Map<string, SiteSample>();
  for (const site of observed) {
    const tensor = site.input.isGraphInput ? feeds[site.input.name] : outputs[site.input.name];
    const sample = tensor ? siteSample(feedToFloat64(tensor)) : undefined;
    if (sample) samples.set(site.id, sample);
  }
  return samples;
}
