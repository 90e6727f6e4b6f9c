// Measured planning: the planner's costs are predictions; the engine has the
// last word. Profile the original and the rewrite on the target's own
// provider, put back every site the engine runs slower than the original did,
// then time both whole models side by side and keep the rewrite only when it
// is measurably faster.
import { encodeModel, type Model } from "@rectify/onnx";
import { rolledBack, type SitePlan } from "../plan/planner.js";
import type {
  EngineProfile,
  Feeds,
  LatencyComparison,
  LatencyNoise,
  LatencyOptions,
  ProfilingEvaluator,
} from "../verify/evaluator.js";
import { absorbedInputs, type SiteTime, siteTimes, type TimedSite } from "./site-time.js";

/** How measured planning runs. */
export interface MeasureOptions {
  /** Times and profiles the models: the target's own provider. */
  readonly evaluator: ProfilingEvaluator;
  /** The whole-model timing (default: the latency engine's, with a same-model control). */
  readonly latency?: LatencyOptions;
  /** Profiled runs per model (default 10). */
  readonly profileRuns?: number;
}

/** One site as the engine ran it, before and after. */
export interface SiteMeasurement {
  readonly id: string;
  /** Median kernel ms per run of the engine nodes computing the site in the original. */
  readonly beforeMilliseconds: number;
  /** …and with its substitute (as finally written, or as tried when it was rolled back). */
  readonly afterMilliseconds: number;
  /** The engine nodes counted, before and after (`name (op)`). */
  readonly engineBefore: readonly string[];
  readonly engineAfter: readonly string[];
  /** When the engine folded the original activation into the op before it (Conv, MatMul): it cost nothing. */
  readonly fusedBefore?: string;
  /** True when the substitute ran slower and the site was put back. */
  readonly rolledBack: boolean;
}

/** The whole-model speedup, original time / rewritten time, with its 95% interval. */
export interface MeasuredSpeedup {
  readonly median: number;
  readonly low: number;
  readonly high: number;
  /** Median milliseconds per run of the original and of the model written (or tried). */
  readonly originalMilliseconds: number;
  readonly rewrittenMilliseconds: number;
}

/** What measured planning found and decided. */
export interface MeasurementReport {
  readonly evaluator: string;
  /** Where the inputs came from. */
  readonly inputs: string;
  /** False when the engine's graph was not available, so sites could not be timed one by one (only whole models). */
  readonly perSite: boolean;
  /** Share of the original's kernel time spent in its activation sites (null without per-site times). */
  readonly activationShare: number | null;
  readonly sites: readonly SiteMeasurement[];
  /** Sites put back because the engine ran their substitute slower. */
  readonly rolledBackSlower: readonly string[];
  /** Original time / rewritten time predicted from the target's per-op costs (null when they cannot say). */
  readonly predictedSpeedup: number | null;
  /** Measured on the whole model, side by side (null when nothing was left to time). */
  readonly speedup: MeasuredSpeedup | null;
  readonly noise: LatencyNoise | null;
  /** What was written: the rewrite, the original (the rewrite was not measurably faster), or nothing to measure. */
  readonly decision: "rewrite" | "original" | "unchanged";
  readonly reason: string;
}

/** What measureAndRollBack needs from optimize. */
export interface MeasureInputs {
  /** A fresh copy of the original model. */
  readonly load: () => Model | Promise<Model>;
  /** A fresh copy with these plans applied, and how many sites it substituted. */
  readonly rebuild: (plans: readonly SitePlan[]) => Promise<{ model: Model; substituted: number }>;
  /** The plans so far (accuracy roll-backs in place). */
  readonly applied: readonly SitePlan[];
  readonly feeds: Feeds;
  readonly feedsSource: string;
  /** Predicted ms a plan saves against the original (undefined when the costs cannot say). */
  readonly predictSaving: (plans: readonly SitePlan[]) => number | undefined;
  readonly onStep?: (done: number, total: number) => void;
}

/** The result: the plans to write and the report. */
export interface MeasuredPlan {
  readonly applied: readonly SitePlan[];
  readonly report: MeasurementReport;
}

/** Whether a site may be put back to the original for speed (a site the target cannot run as it was must keep its substitute). */
function optional(plan: SitePlan): boolean {
  return plan.action === "substitute" && plan.rollback.action === "keep";
}

/**
 * Profiles the original and the rewrite, rolls back each main-graph site the
 * engine runs slower than the original's (sites in subgraphs cannot be timed
 * apart and are judged with the whole model), then times both models side by
 * side: the rewrite stands only when its speedup's 95% interval lies above 1;
 * otherwise every optional substitution is put back.
 */
export async function measureAndRollBack(
  inputs: MeasureInputs,
  options: MeasureOptions,
): Promise<MeasuredPlan> {
  const { evaluator } = options;
  const step = inputs.onStep ?? (() => {});
  const total = 5;
  const base = {
    evaluator: evaluator.name,
    inputs: inputs.feedsSource,
  };
  const original = await inputs.load();
  const originalBytes = encodeModel(original);
  let applied = inputs.applied;
  let current = await inputs.rebuild(applied);
  if (current.substituted === 0 || !applied.some(optional)) {
    return {
      applied,
      report: {
        ...base,
        perSite: false,
        activationShare: null,
        sites: [],
        rolledBackSlower: [],
        predictedSpeedup: null,
        speedup: null,
        noise: null,
        decision: "unchanged",
        reason:
          current.substituted === 0
            ? "nothing was substituted"
            : "every substitution is required by the target",
      },
    };
  }
  const profile = (bytes: Uint8Array) =>
    evaluator.profile(bytes, inputs.feeds, { runs: options.profileRuns ?? 10 });
  const before = await profile(originalBytes);
  step(1, total);
  const tried = await profile(encodeModel(current.model));
  step(2, total);
  const timed = timedSites(applied);
  const perSite = before.graph && tried.graph;
  const absorbed = new Set([
    ...absorbedInputs(original.graph, before, timed),
    ...absorbedInputs(current.model.graph, tried, timed),
  ]);
  const timesBefore = siteTimes(original.graph, before, timed, absorbed);
  let timesAfter = siteTimes(current.model.graph, tried, timed, absorbed);
  const slower = perSite
    ? timed
        .filter(
          (site) => timesAfter.get(site.id)!.milliseconds > timesBefore.get(site.id)!.milliseconds,
        )
        .map((site) => site.id)
    : [];
  const triedTimes = timesAfter;
  if (slower.length > 0) {
    const back = new Set(slower);
    applied = applied.map((plan) => {
      if (!back.has(plan.site.id)) return plan;
      const [was, now] = [timesBefore.get(plan.site.id)!, timesAfter.get(plan.site.id)!];
      return {
        ...rolledBack(plan),
        reason: `put back: the engine ran ${plan.chosen!.label} slower than the original (${milliseconds(now.milliseconds)} vs ${milliseconds(was.milliseconds)} per run)`,
      };
    });
    current = await inputs.rebuild(applied);
    if (current.substituted > 0 && applied.some(optional)) {
      timesAfter = siteTimes(
        current.model.graph,
        await profile(encodeModel(current.model)),
        timed,
        absorbed,
      );
    }
  }
  step(3, total);
  const sites = timed.map((site): SiteMeasurement => {
    const was = timesBefore.get(site.id)!;
    const rolled = slower.includes(site.id);
    const now: SiteTime = (rolled ? triedTimes : timesAfter).get(site.id)!;
    return {
      id: site.id,
      beforeMilliseconds: was.milliseconds,
      afterMilliseconds: now.milliseconds,
      engineBefore: was.nodes,
      engineAfter: now.nodes,
      ...(was.fusedInto ? { fusedBefore: was.fusedInto } : {}),
      rolledBack: rolled,
    };
  });
  const activationShare = perSite
    ? shareOf(siteTimes(original.graph, before, mainSites(applied), absorbed), before)
    : null;
  if (current.substituted === 0 || !applied.some(optional)) {
    return {
      applied,
      report: {
        ...base,
        perSite,
        activationShare,
        sites,
        rolledBackSlower: slower,
        predictedSpeedup: null,
        speedup: null,
        noise: null,
        decision: "original",
        reason: "the engine ran every substitute slower than the original it replaced",
      },
    };
  }
  const latency = await evaluator.compareLatency(
    [
      { name: "original", bytes: originalBytes },
      { name: "rewritten", bytes: encodeModel(current.model) },
    ],
    inputs.feeds,
    { control: true, ...options.latency },
  );
  step(5, total);
  const speedup = speedupOf(latency);
  const saving = inputs.predictSaving(applied);
  const predictedSpeedup =
    saving === undefined || !(speedup.originalMilliseconds > saving)
      ? null
      : speedup.originalMilliseconds / (speedup.originalMilliseconds - saving);
  const faster = speedup.low > 1;
  const report: MeasurementReport = {
    ...base,
    perSite,
    activationShare,
    sites,
    rolledBackSlower: slower,
    predictedSpeedup,
    speedup,
    noise: latency.noise,
    decision: faster ? "rewrite" : "original",
    reason: faster
      ? `measured ${formatSpeedup(speedup)} faster`
      : `measured ${formatSpeedup(speedup)}: not measurably faster, so the original is kept (--no-measure writes the rewrite anyway)`,
  };
  return {
    applied: faster
      ? applied
      : applied.map((plan) =>
          optional(plan)
            ? { ...rolledBack(plan), reason: `put back with the whole rewrite: ${report.reason}` }
            : plan,
        ),
    report,
  };
}

function milliseconds(value: number): string {
  return value >= 1 ? `${value.toFixed(2)} ms` : `${(value * 1000).toFixed(1)} µs`;
}

/** `1.23× [1.18, 1.29]` */
export function formatSpeedup(speedup: Pick<MeasuredSpeedup, "median" | "low" | "high">): string {
  return `${speedup.median.toFixed(2)}× [${speedup.low.toFixed(2)}, ${speedup.high.toFixed(2)}]`;
}

/** The main-graph sites substituted: the ones timing can tell apart. */
function timedSites(plans: readonly SitePlan[]): TimedSite[] {
  return plans
    .filter((plan) => optional(plan) && plan.site.location === "main")
    .map((plan) => ({
      id: plan.site.id,
      input: plan.site.input.name,
      output: plan.site.output.name,
    }));
}

/** Every main-graph site, substituted or not. */
function mainSites(plans: readonly SitePlan[]): TimedSite[] {
  return plans
    .filter((plan) => plan.site.location === "main")
    .map((plan) => ({
      id: plan.site.id,
      input: plan.site.input.name,
      output: plan.site.output.name,
    }));
}

/** Time in the sites over all kernel time. */
function shareOf(times: ReadonlyMap<string, SiteTime>, profile: EngineProfile): number | null {
  if (!(profile.kernelMilliseconds > 0)) return null;
  let sum = 0;
  for (const time of times.values()) sum += time.milliseconds;
  return Math.min(1, sum / profile.kernelMilliseconds);
}

function speedupOf(latency: LatencyComparison): MeasuredSpeedup {
  const ratio = latency.ratios.find((entry) => entry.name === "rewritten")!;
  const [original, rewritten] = latency.cases;
  return {
    median: ratio.speedup,
    low: ratio.speedupLow,
    high: ratio.speedupHigh,
    originalMilliseconds: original!.median,
    rewrittenMilliseconds: rewritten!.median,
  };
}
