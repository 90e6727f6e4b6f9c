// Order statistics and a paired bootstrap for timing samples. Medians, not
// means: a run that a context switch or a GC stretched moves a mean far more
// than a median.
import { SeededRandom } from "@rectify/onnx";

/** The q-quantile (0 ≤ q ≤ 1) of the values, interpolating between order statistics. */
export function quantile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

/** The median of the values. */
export function median(values: ArrayLike<number>): number {
  return quantile(values, 0.5);
}

/** Interquartile range over the median: 0 for identical runs. */
export function spread(values: ArrayLike<number>): number {
  return (quantile(values, 0.75) - quantile(values, 0.25)) / median(values);
}

/**
 * The 95% bootstrap interval of median(candidate) / median(baseline).
 * Rounds are resampled in pairs (the two runs of one round shared the
 * machine's state), which is what makes interleaved timing robust to drift.
 */
export function ratioInterval(
  baseline: ArrayLike<number>,
  candidate: ArrayLike<number>,
  options: { readonly resamples?: number; readonly seed?: number } = {},
): [low: number, high: number] {
  const count = Math.min(baseline.length, candidate.length);
  const resamples = options.resamples ?? 1000;
  const random = new SeededRandom(options.seed ?? 20261202);
  const sampleA = new Float64Array(count);
  const sampleB = new Float64Array(count);
  const ratios = new Float64Array(resamples);
  for (let resample = 0; resample < resamples; resample++) {
    for (let i = 0; i < count; i++) {
      const pick = random.int(0, count);
      sampleA[i] = baseline[pick]!;
      sampleB[i] = candidate[pick]!;
    }
    ratios[resample] = median(sampleB) / median(sampleA);
  }
  return [quantile(ratios, 0.025), quantile(ratios, 0.975)];
}
