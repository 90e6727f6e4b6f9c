import {
  fitToSample,
  getActivation,
  instantiate,
  instantiateEntry,
  measureError,
} from "@rectify/kernels";
import type { Site } from "../sites/site.js";
import { type SiteOption, siteOptions } from "./site-options.js";

/** Inputs a site saw when the model ran on the user's data. */
export interface SiteSample {
  readonly values: Float64Array;
  readonly min: number;
  readonly max: number;
}

/** Margin added on each side of the observed range when predicting a fitted stand-in's error (a fraction of the range). */
export const observedRangeMargin = 0.25;

/** Finite values of a sample with their range (NaN/Inf are not fitted to). */
export function siteSample(data: ArrayLike<number>): SiteSample | undefined {
  const values: number[] = [];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < data.length; i++) {
    const x = Number(data[i]);
    if (!Number.isFinite(x)) continue;
    values.push(x);
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return values.length > 0 ? { values: Float64Array.from(values), min, max } : undefined;
}

/**
 * Stand-ins with fittable parameters, refitted to minimise the max |error|
 * over the inputs the site actually saw (kernels' fitToSample). Their
 * predicted error is measured over the observed range widened by
 * `observedRangeMargin` on each side — not over ℝ, which is the point of
 * fitting — and the label says so.
 */
export function fittedOptions(site: Site, sample: SiteSample): SiteOption[] {
  const fitted: SiteOption[] = [];
  const span = Math.max(sample.max - sample.min, 1e-6);
  const domain: [number, number] = [
    sample.min - observedRangeMargin * span,
    sample.max + observedRangeMargin * span,
  ];
  fitted.push(...rangedFits(site, domain));
  for (const option of siteOptions(site)) {
    const entry = option.entry;
    // Stand-ins that hold on part of ℝ only are not refitted: a fit would stretch them past it.
    if (
      option.kind !== "approximation" ||
      !entry?.fittable?.length ||
      option.activation?.reduces ||
      option.domain
    )
      continue;
    let result: ReturnType<typeof fitToSample>;
    try {
      result = fitToSample(entry, sample.values, { objective: "max" });
    } catch {
      continue; // a fit that fails leaves the catalog settings as the only choice
    }
    const approximation = instantiate(getActivation(entry.approximation), result.params);
    const shown = Object.entries(result.fitted).map(
      ([name, value]) => `${name}=${Number(value.toPrecision(4))}`,
    );
    fitted.push(
      measuredOn(option, approximation, domain, `${entry.approximation}{${shown.join(",")}}`),
    );
  }
  return fitted;
}

/**
 * The piecewise-linear fits and tables placed on the observed range (their
 * `lo` and `hi`, which always hold [−1, 1] and stop at ±64): the same max
 * |error| there with knots only where the site's inputs lie, so fewer of them
 * (outside, the lines keep the asymptotes' slopes). Measured over `domain`.
 */
function rangedFits(site: Site, domain: readonly [number, number]): SiteOption[] {
  const lo = Math.min(-1, Math.max(-64, domain[0]));
  const hi = Math.max(1, Math.min(64, domain[1]));
  if (lo === -64 && hi === 64) return []; // the catalog's fits over ℝ already
  const ranged: SiteOption[] = [];
  for (const option of siteOptions(site)) {
    const entry = option.entry;
    if (!entry || !/-(pwl|lut)$/.test(entry.approximation) || !option.activation) continue;
    let approximation: ReturnType<typeof instantiate>;
    try {
      approximation = instantiate(getActivation(entry.approximation), {
        ...option.activation.params,
        lo: Math.fround(lo),
        hi: Math.fround(hi),
      });
    } catch {
      continue;
    }
    ranged.push(measuredOn(option, approximation, domain, approximation.id));
  }
  return ranged;
}

/**
 * An option's refitted stand-in with its error measured over `domain` (float64,
 * and float32 at 1,025 points), labelled `<name> fitted on [a, b]`.
 */
function measuredOn(
  option: SiteOption,
  approximation: ReturnType<typeof instantiate>,
  domain: readonly [number, number],
  name: string,
): SiteOption {
  const { exact } = instantiateEntry(option.entry!);
  const measured = measureError(exact, approximation, { domain, maxAbsOnly: true });
  return {
    ...option,
    label: `${name} fitted on [${domain[0].toPrecision(3)}, ${domain[1].toPrecision(3)}]`,
    activation: approximation,
    expression: approximation.expression,
    maxAbsError: measured.maxAbsError,
    maxAbsErrorFloat32: float32Error(exact, approximation, domain, measured.maxAbsError),
    meanAbsErrorNormal: Number.NaN,
    argMaxAbsError: measured.argMaxAbsError,
  };
}

/** The max |error| with float32 arithmetic at 1,025 points of `domain` (at least `atLeast`). */
function float32Error(
  exact: { f(x: number): number },
  approximation: ReturnType<typeof instantiate>,
  domain: readonly [number, number],
  atLeast: number,
): number {
  let largest = atLeast;
  for (let i = 0; i <= 1024; i++) {
    const x = Math.fround(domain[0] + ((domain[1] - domain[0]) * i) / 1024);
    const error = Math.abs(approximation.compiled.evaluate32(x) - exact.f(x));
    if (!(error <= largest)) largest = error;
  }
  return largest;
}
