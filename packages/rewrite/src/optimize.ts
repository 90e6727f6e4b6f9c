import { DataType, encodeModel, type Model, tensorType } from "@rectify/onnx";
import { RewriteError } from "./errors/rewrite-error.js";
import { type SiteSample, siteSample } from "./plan/fit-candidates.js";
import { defaultBudget, planSites, type SitePlan } from "./plan/planner.js";
import {
  nearMissReports,
  opHistogram,
  type RewriteReport,
  siteReports,
  unsupportedOps,
  type VerificationReport,
} from "./report/report.js";
import { applyPlan, madeByRectify } from "./rewrite/apply-plan.js";
import { findSites } from "./sites/find-sites.js";
import type { TargetProfile } from "./targets/profile.js";
import { type ComparisonSummary, compareOutputs } from "./verify/compare.js";
import type { Evaluator, Feeds } from "./verify/evaluator.js";
import { feedToFloat64 } from "./verify/feeds.js";
import { randomFeeds } from "./verify/random-feeds.js";

/** True when every output is within `limit` of the reference and no NaN/Inf appeared where the other side is finite (no limit: always). */
export function withinLimit(comparison: ComparisonSummary, limit: number | undefined): boolean {
  if (limit === undefined) return true;
  return comparison.nonFiniteMismatches === 0 && comparison.maxAbsError <= limit;
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

interface Attempt {
  readonly model: Model;
  /** Facts about the model as loaded, taken before the plan was applied. */
  readonly before: {
    readonly ops: Record<string, number>;
    readonly opset: number;
    readonly irVersion: number;
    readonly nodes: number;
  };
  readonly plans: SitePlan[];
  readonly substituted: number;
  readonly alreadyRewritten: number;
  readonly nearMisses: RewriteReport["nearMisses"];
}

/** Loads a fresh copy, finds sites, plans (leaving `exclude` alone) and applies the plan. */
async function attempt(
  load: () => Model | Promise<Model>,
  options: OptimizeOptions,
  exclude: ReadonlySet<string>,
  samples?: ReadonlyMap<string, SiteSample>,
): Promise<Attempt> {
  const model = await load();
  const ops = opHistogram(model);
  const before = {
    ops,
    opset: model.opsetVersion("") ?? 0,
    irVersion: model.irVersion,
    nodes: Object.values(ops).reduce((total, count) => total + count, 0),
  };
  const search = findSites(model);
  // A substitute an earlier rewrite made stays as it is when this target runs it (rewriting twice changes
  // nothing); otherwise its activation is planned again for this target.
  const fresh = search.sites.filter((site) => {
    if (!madeByRectify(site.nodes)) return true;
    const here = options.target.atOpset(site.opset);
    return !site.nodes.every((node) => here.runs(node.opType, node.domain));
  });
  const plans = planSites(fresh, options.target, {
    budget: options.budget ?? defaultBudget,
    exclude,
    ...(samples ? { samples } : {}),
  });
  const substituted = applyPlan(model, plans);
  return {
    model,
    before,
    plans,
    substituted,
    alreadyRewritten: search.sites.length - fresh.length,
    nearMisses: nearMissReports(search.nearMisses),
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
  if (options.maxOutputError !== undefined && !(options.maxOutputError >= 0)) {
    throw new RewriteError(
      "OPTIONS_INVALID",
      `max output error must be a number ≥ 0, got ${options.maxOutputError}`,
    );
  }
  if (options.maxOutputError !== undefined && !options.evaluator) {
    throw new RewriteError(
      "OPTIONS_INVALID",
      "a max output error needs an evaluator to measure it",
    );
  }
  const progress = options.onProgress ?? (() => {});
  let samples: Map<string, SiteSample> | undefined;
  if (options.fit) {
    if (!options.evaluator || !options.feeds)
      throw new RewriteError(
        "OPTIONS_INVALID",
        "fitting needs an evaluator and the inputs the model really sees (feeds)",
      );
    progress("record site inputs", 0, 1);
    samples = await recordSiteInputs(load, options.evaluator, options.feeds);
    progress("record site inputs", 1, 1);
  }
  progress("plan", 0, 1);
  let current = await attempt(load, options, new Set(), samples);
  progress("plan", 1, 1);
  const opsBefore = current.before.ops;
  let rolledBack: string[] = [];
  let verification: VerificationReport | undefined;

  if (options.evaluator) {
    const evaluator = options.evaluator;
    // A pristine copy for the reference run (only verification needs one: the model is loaded once otherwise).
    const original = await load();
    const feeds = options.feeds ?? randomFeeds(original, { seed: options.seed ?? 1 });
    const inputs = options.feeds
      ? (options.feedsSource ?? "given feeds")
      : `random (seed ${options.seed ?? 1})`;
    let evaluations = 1;
    progress("verify", 0, 2);
    const reference = await runModel(evaluator, original, feeds, "original");
    const measure = async (model: Model) => {
      evaluations++;
      return compareOutputs(reference, await runModel(evaluator, model, feeds, "rewritten"));
    };
    let comparison = await measure(current.model);
    progress("verify", 2, 2);
    const limit = options.maxOutputError;
    if (limit !== undefined && !withinLimit(comparison, limit)) {
      // Largest predicted error first: those are the likeliest culprits.
      const order = current.plans
        .filter((plan) => plan.action === "substitute")
        .sort((a, b) => b.chosen!.predictedError - a.chosen!.predictedError)
        .map((plan) => plan.site.id);
      // Smallest k such that rolling back the first k sites meets the limit (k = all gives the original back).
      const results = new Map<number, { attempt: Attempt; comparison: typeof comparison }>();
      const steps = Math.ceil(Math.log2(order.length + 1)) + 1;
      let step = 0;
      const trial = async (k: number) => {
        const cached = results.get(k);
        if (cached) return cached;
        const rewritten = await attempt(load, options, new Set(order.slice(0, k)), samples);
        const result = { attempt: rewritten, comparison: await measure(rewritten.model) };
        progress("roll back", ++step, steps);
        results.set(k, result);
        return result;
      };
      let lo = 1;
      let hi = order.length;
      while (lo < hi) {
        const middle = (lo + hi) >> 1;
        if (withinLimit((await trial(middle)).comparison, limit)) hi = middle;
        else lo = middle + 1;
      }
      if (order.length > 0) {
        const chosen = await trial(lo);
        rolledBack = order.slice(0, lo);
        current = chosen.attempt;
        comparison = chosen.comparison;
      }
    }
    verification = {
      evaluator: evaluator.name,
      inputs,
      ...(limit !== undefined ? { maxOutputError: limit } : {}),
      passed: withinLimit(comparison, limit),
      comparison,
      rolledBack,
      evaluations,
    };
  }

  const rolledBackSet = new Set(rolledBack);
  const sites = siteReports(current.plans, options.target, rolledBackSet, samples);
  const costs = sites.map((site) => [site.costBefore, site.costAfter] as const);
  const sum = (index: 0 | 1) =>
    costs.some((pair) => pair[index] === null)
      ? null
      : costs.reduce((total, pair) => total + pair[index]!, 0);
  const report: RewriteReport = {
    target: options.target.name,
    budget: options.budget ?? defaultBudget,
    model: {
      opset: current.before.opset,
      irVersion: current.before.irVersion,
      nodes: current.before.nodes,
    },
    summary: {
      sites: sites.length + current.alreadyRewritten,
      substituted: sites.filter((site) => site.action === "substitute").length,
      kept: sites.filter((site) => site.action === "keep").length,
      unsupported: sites.filter((site) => site.action === "unsupported").length,
      alreadyRewritten: current.alreadyRewritten,
      rolledBack: rolledBack.length,
    },
    sites,
    opsBefore,
    opsAfter: opHistogram(current.model),
    siteCost: { before: sum(0), after: sum(1) },
    maxPredictedError: Math.max(0, ...sites.map((site) => site.predictedError)),
    unsupportedOps: unsupportedOps(current.model, options.target),
    nearMisses: current.nearMisses,
    ...(verification ? { verification } : {}),
  };
  return {
    // With nothing substituted, applyPlan left the model as it was loaded.
    model: current.model,
    report,
    changed: current.substituted > 0,
  };
}
