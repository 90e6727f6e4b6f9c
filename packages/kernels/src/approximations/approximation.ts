import type { Parameters } from "../activation/activation.js";

/**
 * One catalog entry: an activation (`approximation`) standing in for another
 * (`exact`). Parameters are fixed per entry; a tunable form appears several
 * times (n = 1, 2, 4, …) so the planner can trade ops for accuracy. Errors are
 * never typed in here: the error engine measures them.
 */
export interface ApproximationDefinition {
  /** Registered name of the exact activation. */
  readonly exact: string;
  /** Parameters of the exact activation (defaults when omitted). */
  readonly exactParams?: Partial<Parameters>;
  /** Registered name of the approximating activation. */
  readonly approximation: string;
  /**
   * Parameters of the approximation, fixed, or derived from the exact's
   * (e.g. shifted ReLU's a from ELU's alpha).
   */
  readonly params?: Partial<Parameters> | ((exact: Parameters) => Partial<Parameters>);
  /** Parameters a fit may tune (minimax over ℝ or over a sample of inputs). */
  readonly fittable?: readonly string[];
  /** Where the pair is meant to be used (e.g. exp approximations on (−∞, 0]); ℝ when omitted. */
  readonly domain?: readonly [number, number];
  /** One line on when to use it. */
  readonly note?: string;
}
