// The accuracy-aware study: on a classifier with labelled calibration and
// held-out sets, is what optimize writes with --min-top1-agreement 1 (sites
// past the per-activation budget where the calibration set's top-1 holds)
// measurably faster than what the default optimize writes, and does top-1
// hold on the held-out set the search never saw? Both runs use measured
// planning on the target's own provider, as the CLI does; their models are
// then timed head to head, the default's as the baseline.
import { decodeModel, encodeModel } from "@rectify/onnx";
import {
  builtinTarget,
  type Feeds,
  type FeedTensor,
  type LatencyCase,
  type LatencyOptions,
  optimizeModel,
  type TimingEvaluator,
} from "@rectify/rewrite";
import { ratioInterval } from "@rectify/runtime";
import type { AccuracyStudyEntry, SpeedupEntry } from "../report/schema.js";
import type { LabelledSets } from "../zoo/zoo-model.js";
import { compareAccuracy } from "./accuracy.js";
import { describeError } from "./describe-error.js";

export interface AccuracyStudyInput {
  readonly model: string;
  readonly target: string;
  /** The target's own provider, which `evaluator` runs on. */
  readonly provider: string;
  readonly bytes: Uint8Array;
  readonly sets: LabelledSets;
  readonly evaluator: TimingEvaluator;
  readonly latency: LatencyOptions;
}

/** The model-level limit the search keeps (the acceptance: --min-top1-agreement 1). */
export const awareTop1 = 1;

/** Rounds at least of the head-to-head timing (as optimize's own decision timing). */
const headToHeadRounds = 40;

/** Optimizes the model with and without the accuracy-aware search and times both, head to head. */
export async function studyAccuracyAware(input: AccuracyStudyInput): Promise<AccuracyStudyEntry> {
  const { calibration, heldOut } = input.sets;
  const base = {
    model: input.model,
    target: input.target,
    provider: input.provider,
    limit: `top-1 agreement ≥ ${awareTop1 * 100}%`,
    calibration: { source: calibration.source, rows: calibration.labels.length },
    heldOut: { source: heldOut.source, rows: heldOut.labels.length },
  };
  try {
    const load = () => decodeModel(input.bytes);
    const common = {
      target: builtinTarget(input.target),
      evaluator: input.evaluator,
      feeds: calibration.feeds,
      feedsSource: calibration.source,
      measure: { latency: input.latency },
    };
    const byDefault = await optimizeModel(load, common);
    const aware = await optimizeModel(load, {
      ...common,
      minTop1Agreement: awareTop1,
      heldOutFeeds: heldOut.feeds,
      heldOutSource: heldOut.source,
    });
    const written = (result: typeof byDefault) =>
      result.changed ? encodeModel(result.model) : input.bytes;
    const defaultBytes = written(byDefault);
    const awareBytes = written(aware);
    const cases = [
      { name: "default", bytes: defaultBytes },
      { name: "aware", bytes: awareBytes },
      ...(byDefault.changed ? [{ name: "original", bytes: input.bytes }] : []),
    ];
    const timed = await input.evaluator.compareLatency(cases, calibration.feeds, {
      ...input.latency,
      control: true,
      minRounds: Math.max(input.latency.minRounds ?? 0, headToHeadRounds),
    });
    const caseNamed = (name: string) => timed.cases.find((entry) => entry.name === name)!;
    const original = byDefault.changed ? caseNamed("original") : caseNamed("default");
    const identity = { median: 1, low: 1, high: 1, identity: true };
    const overOriginal = (name: string, changed: boolean) =>
      changed ? speedupOver(original, caseNamed(name)) : identity;
    const outputs = async (bytes: Uint8Array) => input.evaluator.run(bytes, heldOut.feeds);
    const originalOut = await outputs(input.bytes);
    const defaultOut = byDefault.changed ? await outputs(defaultBytes) : originalOut;
    const awareOut = aware.changed ? await outputs(awareBytes) : originalOut;
    const control = timed.noise.control;
    return {
      ...base,
      status: "measured",
      default: {
        decision: byDefault.report.measurement?.decision ?? "unchanged",
        substituted: byDefault.changed ? byDefault.report.summary.substituted : 0,
        overOriginal: overOriginal("default", byDefault.changed),
      },
      aware: {
        decision: aware.report.measurement?.decision ?? "unchanged",
        substituted: aware.changed ? aware.report.summary.substituted : 0,
        overOriginal: overOriginal("aware", aware.changed),
        pastBudget: (aware.report.search?.pastBudget ?? []).map((site) => ({
          site: site.id,
          substitute: site.substitute,
          predictedError: site.predictedError,
        })),
        evaluations: aware.report.search?.evaluations ?? 0,
      },
      overDefault: speedupOver(caseNamed("default"), caseNamed("aware")),
      ...(control
        ? {
            control: {
              median: control.speedup,
              low: control.speedupLow,
              high: control.speedupHigh,
            },
          }
        : {}),
      heldOutAgreement: compareAccuracy(originalOut, awareOut).top1,
      accuracy: {
        original: accuracyOf(originalOut, heldOut.labels),
        default: accuracyOf(defaultOut, heldOut.labels),
        aware: accuracyOf(awareOut, heldOut.labels),
      },
      defaultMilliseconds: caseNamed("default").median,
      rounds: timed.rounds,
      noisy: timed.noise.noisy,
      noise: [...timed.noise.reasons],
    };
  } catch (error) {
    return { ...base, status: "failed", error: describeError(error) };
  }
}

/** baseline time / candidate time, its 95% interval from the rounds' pairs. */
function speedupOver(baseline: LatencyCase, candidate: LatencyCase): SpeedupEntry {
  const [low, high] = ratioInterval(baseline.samples, candidate.samples);
  return { median: baseline.median / candidate.median, low: 1 / high, high: 1 / low };
}

/** Share of rows whose largest logit (the first output's last axis) is the label. */
export function accuracyOf(outputs: Feeds, labels: readonly number[]): number {
  const logits = Object.values(outputs)[0] as FeedTensor | undefined;
  const classes = logits?.dims.at(-1) ?? 0;
  if (!logits || classes < 2 || logits.data.length !== labels.length * classes)
    throw new Error(
      `the first output is not one row of class scores per label (${labels.length} labels)`,
    );
  const data = logits.data as ArrayLike<number>;
  let right = 0;
  for (let row = 0; row < labels.length; row++) {
    let best = 0;
    for (let k = 1; k < classes; k++)
      if (data[row * classes + k]! > data[row * classes + best]!) best = k;
    if (best === labels[row]) right++;
  }
  return right / labels.length;
}
