import type { FeedTensor } from "./evaluator.js";
import { feedToFloat64 } from "./feeds.js";

/** How far a candidate's output may be from the reference: |candidate − reference| ≤ absolute + relative·|reference|. */
export interface Tolerance {
  readonly absolute: number;
  readonly relative: number;
}

/**
 * The default tolerance of `rectify verify`: atol 1e-3 and rtol 1e-3. It equals
 * rectify's default per-activation budget, so a model rewritten with default
 * settings passes, while it is still far above float32 rounding (~6e-8
 * relative) of the same model run twice and far below the differences of two
 * unrelated models.
 */
export const defaultTolerance: Tolerance = { absolute: 1e-3, relative: 1e-3 };

/** The element furthest over its allowance. */
export interface ToleranceExcess {
  readonly output: string;
  readonly index: number;
  readonly reference: number;
  readonly candidate: number;
  /** |candidate − reference|. */
  readonly difference: number;
  /** absolute + relative·|reference|. */
  readonly allowed: number;
}

/** The outcome of checkTolerance. */
export interface ToleranceCheck {
  readonly tolerance: Tolerance;
  /** No non-finite mismatch and every element within the tolerance. */
  readonly passed: boolean;
  /** Elements, over all outputs, outside the tolerance (non-finite mismatches included). */
  readonly violations: number;
  /** Elements NaN/Inf in one output and not (the same) in the other: always a failure. */
  readonly nonFiniteMismatches: number;
  /** The finite element furthest over its allowance (null when every element is within it). */
  readonly worst: ToleranceExcess | null;
}

/** Checks every element of every output (outputs matched by name; compareOutputs checks names, types and dims). */
export function checkTolerance(
  reference: Readonly<Record<string, FeedTensor>>,
  candidate: Readonly<Record<string, FeedTensor>>,
  tolerance: Tolerance = defaultTolerance,
): ToleranceCheck {
  let violations = 0;
  let nonFinite = 0;
  let worst: ToleranceExcess | null = null;
  for (const [name, tensor] of Object.entries(reference)) {
    const other = candidate[name];
    if (!other) continue;
    const expected = feedToFloat64(tensor);
    const actual = feedToFloat64(other);
    const length = Math.min(expected.length, actual.length);
    for (let i = 0; i < length; i++) {
      const r = expected[i]!;
      const c = actual[i]!;
      if (!(Number.isFinite(r) && Number.isFinite(c))) {
        if (!(r === c || (Number.isNaN(r) && Number.isNaN(c)))) {
          nonFinite++;
          violations++;
        }
        continue;
      }
      const allowed = tolerance.absolute + tolerance.relative * Math.abs(r);
      const difference = Math.abs(c - r);
      if (difference <= allowed) continue;
      violations++;
      if (!worst || difference - allowed > worst.difference - worst.allowed)
        worst = { output: name, index: i, reference: r, candidate: c, difference, allowed };
    }
  }
  return { tolerance, passed: violations === 0, violations, nonFiniteMismatches: nonFinite, worst };
}
