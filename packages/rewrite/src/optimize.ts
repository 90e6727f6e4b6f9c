// The whole job, in stages: find sites and plan them (planModel) → lower and
// apply the plan → verify on an evaluator, rolling sites back until the
// output limits hold → with limits, search past the per-activation budget →
// measure on the target's engine, rolling back what runs slower → check the
// result on held-out inputs → report.

import { DataType, encodeModel, type Model, tensorType } from "@rectify/onnx";
import { RewriteError } from "./errors/rewrite-error.js";
import {
  type MeasurementReport,
  type MeasureOptions,
  measureAndRollBack,
  originalSiteTimes,
} from "./measure/measured-plan.js";
import { alternativePlans } from "./plan/alternatives.js";
import { type SiteSample, siteSample } from "./plan/fit-candidates.js";
import { type ModelPlan, planModel } from "./plan/plan-model.js";
import type { SitePlan } from "./plan/planner.js";
import { siteSizes } from "./plan/site-sizes.js";
import {
  buildReport,
  type HeldOutReport,
  modelFacts,
  predictedSaving,
  type RewriteReport,
  type VerificationReport,
} from "./report/report.js";
import { applyPlan, applyPlanToCopy } from "./rewrite/apply-plan.js";
import { type SearchReport, type SearchStep, searchPastBudget } from "./search/accuracy-search.js";
import { pastBudgetMoves } from "./search/past-budget-moves.js";
import { findSites } from "./sites/find-sites.js";
import type { TargetProfile } from "./targets/profile.js";
import { type ComparisonSummary, compareOutputs } from "./verify/compare.js";
import { type BoundReport, checkPredictedBound } from "./verify/error-bound.js";
import {
  canProfile,
  type Evaluator,
  type Feeds,
  type LatencyOptions,
  type ProfilingEvaluator,
} from "./verify/evaluator.js";
import { declaredInputs, feedToFloat64 } from "./verify/feeds.js";
import { feedsUnrunnable } from "./verify/feeds-unrunnable.js";
import {
  checkLimits,
  hasLimits,
  limitMisses,
  meetsLimits,
  type OutputLimits,
} from "./verify/output-limits.js";
import { randomFeeds } from "./verify/random-feeds.js";
import { rollBackUntilLimits } from "./verify/roll-back.js";
import { splitFeeds } from "./verify/split-feeds.js";

/** True when no NaN/Inf appeared where the other side is finite and every output is within `limit` of the reference (when given). */
export function withinLimit(comparison: ComparisonSummary, limit: number | undefined): boolean {
  return meetsLimits(comparison, limit === undefined ? {} : { maxOutputError: limit });
}

/** How measured planning runs (`measure: true` takes the defaults and the optimize evaluator). */
export interface MeasureSettings {
  /** Times and profiles (default: the optimize evaluator, which must be able to profile). */
  readonly evaluator?: ProfilingEvaluator;
  readonly latency?: LatencyOptions;
  /** Profiled runs per model (default 10). */
  readonly profileRuns?: number;
}

/** Options of optimizeModel. */
export interface OptimizeOptions extends OutputLimits {
  readonly target: TargetProfile;
  /** Max |error| per substituted activation (default 1e-3); with output limits, sites may go past it where the outputs tolerate it. */
  readonly budget?: number;
  /** Runs original and rewritten models to measure the output error; without it nothing is run. */
  readonly evaluator?: Evaluator;
  /** Inputs for verification and the search (default: seeded random feeds from the declared input shapes). */
  readonly feeds?: Feeds;
  /** Describes where `feeds` came from, for the report. */
  readonly feedsSource?: string;
  /**
   * Inputs that check the chosen plan and that the search never sees. Default:
   * with output limits, the last `heldOutFraction` of the feeds' rows (when
   * they split along a batch axis), else seeded random feeds of another seed.
   */
  readonly heldOutFeeds?: Feeds;
  readonly heldOutSource?: string;
  /** Share of the feeds' rows held out when splitting (default 0.25). */
  readonly heldOutFraction?: number;
  /** Seed of the random feeds (default 1). */
  readonly seed?: number;
  /** Sizes of symbolic dims for random feeds, by dim_param name (`--dim batch=1`). */
  readonly dims?: Readonly<Record<string, number>>;
  /** Whole shapes of some inputs for random feeds, by input name (`--input-shape audio=1,16000`). */
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
  /** With output limits: search past the per-activation budget for sites the outputs tolerate (default true). */
  readonly search?: boolean;
  /**
   * Measured planning: time the original and the rewrite on the target's
   * engine, put back each site the engine runs slower, and keep the rewrite
   * only when the whole model is measurably faster. Needs an evaluator that
   * profiles on the target's own provider.
   */
  readonly measure?: boolean | MeasureSettings;
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

type Progress = NonNullable<OptimizeOptions["onProgress"]>;
type Load = () => Model | Promise<Model>;

/**
 * The whole job: find every activation site, plan the cheapest substitutes
 * the target runs within the budget, apply them and, with an evaluator,
 * measure the outputs on real inputs: roll back the sites with the largest
 * predicted error (by bisection) until the output limits hold, search past
 * the budget where they allow it, and (measure) keep only what the engine
 * runs faster. `load` must return a fresh copy of the original model each call.
 */
export async function optimizeModel(load: Load, options: OptimizeOptions): Promise<OptimizeResult> {
  checkOptions(options);
  const progress: Progress = options.onProgress ?? (() => {});
  const limits = limitsOf(options);
  let samples: Map<string, SiteSample> | undefined;
  let ranges: Map<string, readonly [number, number]> | undefined;
  let elements: Map<string, number> | undefined;
  // An integer device calibrates each site's grid to the range its input takes: the run that sizes sites reads it.
  const quantized = options.target.quantization !== undefined;
  if (options.evaluator) {
    // One run that reads every main-graph site's input: its size prices per-node overhead, its values fit stand-ins.
    progress("record site inputs", 0, 1);
    const observed = await recordSiteInputs(
      load,
      options.evaluator,
      options.feeds ?? randomFeedsFor(await load(), options),
      { keepValues: options.fit === true || quantized, needValues: options.fit === true },
      options.feeds !== undefined,
    );
    elements = observed.elements;
    if (options.fit) samples = observed.samples;
    if (quantized)
      ranges = new Map(
        [...observed.samples].map(([id, sample]) => [id, [sample.min, sample.max] as const]),
      );
    progress("record site inputs", 1, 1);
  } else {
    // Nothing runs: sites are sized as random feeds would size the inputs, so a plan made without
    // an evaluator matches one made with its default inputs.
    elements = siteSizes(await load(), {
      ...(options.dims ? { dynamicDims: options.dims } : {}),
      ...(options.inputShapes ? { inputShapes: options.inputShapes } : {}),
    });
  }
  progress("plan", 0, 1);
  const model = await load();
  const before = modelFacts(model);
  const plan = planModel(model, options.target, {
    ...(options.budget !== undefined ? { budget: options.budget } : {}),
    ...(samples ? { samples } : {}),
    ...(ranges ? { ranges } : {}),
    ...(elements ? { elements } : {}),
  });
  const substituted = applyPlan(model, plan.plans);
  progress("plan", 1, 1);
  let outcome: Outcome = {
    applied: plan.plans,
    rolledBack: [],
    model,
    substituted,
  };
  if (options.evaluator) {
    outcome = await runAndMeasure(load, plan, outcome, options, limits, progress, samples);
  }
  const report = buildReport({
    plan,
    before,
    applied: outcome.applied,
    result: outcome.model,
    rolledBack: outcome.rolledBack,
    ...(samples ? { samples } : {}),
    ...(outcome.verification ? { verification: outcome.verification } : {}),
    ...(outcome.search ? { search: outcome.search } : {}),
    ...(outcome.measurement ? { measurement: outcome.measurement } : {}),
    ...(outcome.heldOut ? { heldOut: outcome.heldOut } : {}),
  });
  // With nothing substituted, the model is as it was loaded.
  return { model: outcome.model, report, changed: outcome.substituted > 0 };
}

/** Where the job stands: the plans, the model they make, and what was measured. */
interface Outcome {
  readonly applied: readonly SitePlan[];
  /** Site ids put back to meet the output limits. */
  readonly rolledBack: readonly string[];
  readonly model: Model;
  readonly substituted: number;
  readonly verification?: VerificationReport;
  readonly search?: SearchReport;
  readonly measurement?: MeasurementReport;
  readonly heldOut?: HeldOutReport;
}

function limitsOf(options: OptimizeOptions): OutputLimits {
  return {
    ...(options.maxOutputError !== undefined ? { maxOutputError: options.maxOutputError } : {}),
    ...(options.minCosine !== undefined ? { minCosine: options.minCosine } : {}),
    ...(options.minTop1Agreement !== undefined
      ? { minTop1Agreement: options.minTop1Agreement }
      : {}),
  };
}

function checkOptions(options: OptimizeOptions): void {
  const limits = limitsOf(options);
  checkLimits(limits);
  if (hasLimits(limits) && !options.evaluator)
    throw new RewriteError(
      "OPTIONS_INVALID",
      "output limits (max output error, min cosine, min top-1 agreement) need an evaluator to measure them",
    );
  if (options.fit && (!options.evaluator || !options.feeds))
    throw new RewriteError(
      "OPTIONS_INVALID",
      "fitting needs an evaluator and the inputs the model really sees (feeds)",
    );
  const fraction = options.heldOutFraction;
  if (fraction !== undefined && !(fraction > 0 && fraction < 1))
    throw new RewriteError(
      "OPTIONS_INVALID",
      `the held-out fraction must be between 0 and 1, got ${fraction}`,
    );
  if (options.measure) {
    const evaluator = measureEvaluator(options);
    if (!evaluator)
      throw new RewriteError(
        "OPTIONS_INVALID",
        "measured planning needs an evaluator that can time and profile models (@rectify/runtime's cpu or wasm provider)",
      );
  }
}

function measureEvaluator(options: OptimizeOptions): ProfilingEvaluator | undefined {
  const settings = typeof options.measure === "object" ? options.measure : {};
  const evaluator = settings.evaluator ?? options.evaluator;
  return evaluator && canProfile(evaluator) ? evaluator : undefined;
}

/** The inputs of each stage: what verification and the search see, and what checks the result. */
interface FeedSets {
  readonly search: Feeds;
  readonly searchSource: string;
  readonly heldOut?: Feeds;
  readonly heldOutSource?: string;
  /** Why there is no held-out check. */
  readonly heldOutSkipped?: string;
}

/** Seeded random feeds for the model's declared inputs, sized by the options' dims and shapes. */
function randomFeedsFor(model: Model, options: OptimizeOptions, seed = options.seed ?? 1): Feeds {
  return randomFeeds(model, {
    seed,
    ...(options.dims ? { dynamicDims: options.dims } : {}),
    ...(options.inputShapes ? { inputShapes: options.inputShapes } : {}),
  });
}

function feedSets(original: Model, options: OptimizeOptions, search: boolean): FeedSets {
  const seed = options.seed ?? 1;
  const random = (withSeed: number) => randomFeedsFor(original, options, withSeed);
  const all = options.feeds ?? random(seed);
  const source = options.feeds ? (options.feedsSource ?? "given feeds") : `random (seed ${seed})`;
  if (!search) return { search: all, searchSource: source };
  if (options.heldOutFeeds)
    return {
      search: all,
      searchSource: source,
      heldOut: options.heldOutFeeds,
      heldOutSource: options.heldOutSource ?? "given held-out feeds",
    };
  const otherSeed = `random (seed ${seed + 1}), inputs the search did not see`;
  if (!options.feeds)
    return {
      search: all,
      searchSource: source,
      heldOut: random(seed + 1),
      heldOutSource: otherSeed,
    };
  const split = splitFeeds(all, declaredInputs(original), options.heldOutFraction ?? 0.25);
  // Random inputs in place of given ones could break what the given ones hold (a sample rate, a state).
  if (typeof split === "string")
    return {
      search: all,
      searchSource: source,
      heldOutSkipped: `${source} could not be split into search and held-out rows: ${split}; give held-out inputs to check on`,
    };
  return {
    search: split.search,
    searchSource: `${source}, rows 1–${split.searchRows}`,
    heldOut: split.heldOut,
    heldOutSource: `${source}, rows ${split.searchRows + 1}–${split.searchRows + split.heldOutRows} (held out: the search never saw them)`,
  };
}

/** Verification, roll-back, the search past the budget, measured planning and the held-out check. */
async function runAndMeasure(
  load: Load,
  plan: ModelPlan,
  first: Outcome,
  options: OptimizeOptions,
  limits: OutputLimits,
  progress: Progress,
  samples: ReadonlyMap<string, SiteSample> | undefined,
): Promise<Outcome> {
  const evaluator = options.evaluator!;
  const search = hasLimits(limits) && options.search !== false;
  // A pristine copy for the reference runs: the one planned on holds the rewrite.
  const original = await load();
  const feeds = feedSets(original, options, search);
  let evaluations = 1;
  progress("verify", 0, 2);
  const reference = await runOriginal(
    evaluator,
    original,
    feeds.search,
    options.feeds !== undefined,
  );
  const rebuild = async (plans: readonly SitePlan[]) => {
    const model = await load();
    return { model, substituted: applyPlanToCopy(model, plans) };
  };
  const check = async (plans: readonly SitePlan[]) => {
    evaluations++;
    const { model } = await rebuild(plans);
    return compareOutputs(reference, await runModel(evaluator, model, feeds.search, "rewritten"));
  };
  evaluations++;
  let comparison = compareOutputs(
    reference,
    await runModel(evaluator, first.model, feeds.search, "rewritten"),
  );
  progress("verify", 2, 2);
  const rollBack = await rollBackUntilLimits(
    first.applied,
    comparison,
    limits,
    check,
    (done, total) => progress("roll back", done, total),
  );
  let applied = rollBack.applied;
  comparison = rollBack.comparison;
  let searchReport: SearchReport | undefined;
  const timing = options.measure ? measureEvaluator(options) : undefined;
  if (search && meetsLimits(comparison, limits)) {
    const moves = pastBudgetMoves(applied, options.target, plan.budget, samples);
    if (moves.length > 0) {
      progress("search", 0, 1);
      const measured = timing
        ? await measuredSteps(moves, applied, load, timing, feeds.search)
        : undefined;
      const steps = measured ?? moves.map((move) => ({ ...move, saving: move.predictedSaving }));
      const found = await searchPastBudget({
        applied,
        steps,
        limits,
        inputs: feeds.searchSource,
        savingUnit: measured ? "measured ms" : "predicted cost",
        comparison,
        check,
        onStep: (done) => progress("search", done, done + 1),
      });
      applied = found.applied;
      comparison = found.report.comparison;
      searchReport = found.report;
    }
  }
  let measurement: MeasurementReport | undefined;
  if (timing) {
    const settings = typeof options.measure === "object" ? options.measure : {};
    const measureOptions: MeasureOptions = {
      evaluator: timing,
      ...(settings.latency ? { latency: settings.latency } : {}),
      ...(settings.profileRuns ? { profileRuns: settings.profileRuns } : {}),
    };
    const measured = await measureAndRollBack(
      {
        load,
        rebuild,
        applied,
        feeds: feeds.search,
        feedsSource: feeds.searchSource,
        predictSaving: (plans) => predictedSaving(plans, options.target),
        alternatives: (plans) => alternativePlans(plans, options.target, plan.budget),
        ...(options.target.engine?.addNanoseconds !== undefined
          ? { addNanoseconds: options.target.engine.addNanoseconds }
          : {}),
        onStep: (done, total) => progress("measure", done, total),
      },
      measureOptions,
    );
    if (measured.applied !== applied) {
      applied = measured.applied;
      comparison = await check(applied);
    }
    measurement = measured.report;
  }
  const final =
    applied === first.applied
      ? { model: first.model, substituted: first.substituted }
      : await rebuild(applied);
  let heldOut: HeldOutReport | undefined;
  if (feeds.heldOutSkipped) heldOut = { skipped: feeds.heldOutSkipped };
  if (feeds.heldOut && search) {
    progress("held-out check", 0, 1);
    const expected = await runOriginal(evaluator, original, feeds.heldOut, true);
    const heldComparison = compareOutputs(
      expected,
      await runModel(evaluator, final.model, feeds.heldOut, "rewritten"),
    );
    evaluations += 2;
    const misses = limitMisses(heldComparison, limits);
    heldOut = {
      inputs: feeds.heldOutSource!,
      passed: misses.length === 0,
      misses,
      comparison: heldComparison,
    };
    progress("held-out check", 1, 1);
  }
  const misses = limitMisses(comparison, limits);
  let bound: BoundReport | undefined;
  if (applied.some((plan) => plan.action === "substitute")) {
    progress("predicted bound", 0, 1);
    const rewritten = await runModel(evaluator, final.model, feeds.search, "rewritten");
    bound = await checkPredictedBound({
      load,
      plans: applied,
      run: (model) => runModel(evaluator, model, feeds.search, "bound"),
      reference,
      rewritten,
    });
    evaluations += 2;
    progress("predicted bound", 1, 1);
  }
  return {
    applied,
    rolledBack: rollBack.rolledBack,
    model: final.model,
    substituted: final.substituted,
    verification: {
      evaluator: evaluator.name,
      inputs: feeds.searchSource,
      ...(limits.maxOutputError !== undefined ? { maxOutputError: limits.maxOutputError } : {}),
      ...(hasLimits(limits) ? { limits } : {}),
      passed: misses.length === 0,
      misses,
      comparison,
      ...(bound ? { bound } : {}),
      rolledBack: rollBack.rolledBack,
      evaluations,
    },
    ...(searchReport ? { search: searchReport } : {}),
    ...(measurement ? { measurement } : {}),
    ...(heldOut ? { heldOut } : {}),
  };
}

/**
 * Each move's saving: the site's measured time in the original (onnxruntime's
 * profiler; the original's few nodes profile truly) times the share of it the
 * step is predicted to save (its cost saved / the site's original cost). A site the
 * profiler cannot find keeps its predicted saving in cost units, scaled to ms
 * by the median ms per cost unit of the sites it found.
 */
async function measuredSteps(
  moves: ReturnType<typeof pastBudgetMoves>,
  applied: readonly SitePlan[],
  load: Load,
  evaluator: ProfilingEvaluator,
  feeds: Feeds,
): Promise<SearchStep[] | undefined> {
  const original = await load();
  const profiled = await originalSiteTimes(
    original,
    encodeModel(original),
    applied,
    evaluator,
    feeds,
  );
  if (!profiled) return undefined;
  const byId = new Map(applied.map((plan) => [plan.site.id, plan]));
  const saving = (move: (typeof moves)[number]) => {
    const time = profiled.times.get(move.id)?.milliseconds;
    const before = byId.get(move.id)?.originalCost;
    if (time === undefined || !before) return undefined;
    return (time * move.predictedSaving) / before;
  };
  const perUnit = moves
    .map((move) => {
      const ms = saving(move);
      return ms !== undefined && move.predictedSaving > 0 ? ms / move.predictedSaving : undefined;
    })
    .filter((value): value is number => value !== undefined)
    .sort((a, b) => a - b);
  const scale = perUnit[perUnit.length >> 1] ?? 0;
  return moves.map((move) => ({ ...move, saving: saving(move) ?? move.predictedSaving * scale }));
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
  load: Load,
  evaluator: Evaluator,
  feeds: Feeds,
  values: { readonly keepValues: boolean; readonly needValues: boolean },
  given: boolean,
): Promise<{ samples: Map<string, SiteSample>; elements: Map<string, number> }> {
  const { keepValues } = values;
  const model = await load();
  const { sites } = findSites(model);
  const observed = sites.filter(
    (site) => site.graph === model.graph && !site.bias && !site.input.initializer,
  );
  for (const site of observed) {
    if (site.input.isGraphInput || model.graph.outputs.includes(site.input)) continue;
    model.graph.addOutput(site.input, site.input.type ?? tensorType(DataType.FLOAT));
  }
  let outputs: Awaited<ReturnType<typeof runModel>>;
  try {
    outputs = await runModel(evaluator, model, feeds, "instrumented");
  } catch (error) {
    // The inputs may not run the model at all: that is said as the original's run says it (FEEDS_UNRUNNABLE).
    await runOriginal(evaluator, await load(), feeds, given);
    if (values.needValues) throw error;
    return { samples: new Map(), elements: new Map() };
  }
  const samples = new Map<string, SiteSample>();
  const elements = new Map<string, number>();
  for (const site of observed) {
    const tensor = site.input.isGraphInput ? feeds[site.input.name] : outputs[site.input.name];
    if (!tensor) continue;
    elements.set(site.id, tensor.data.length);
    const sample = keepValues ? siteSample(feedToFloat64(tensor)) : undefined;
    if (sample) samples.set(site.id, sample);
  }
  return { samples, elements };
}
