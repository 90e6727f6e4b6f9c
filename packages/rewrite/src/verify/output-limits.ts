import { RewriteError } from "../errors/rewrite-error.js";
import { formatError } from "../format-error.js";
import type { ComparisonSummary } from "./compare.js";

/** What the rewritten model's outputs must keep, measured against the original's on the same inputs. */
export interface OutputLimits {
  /** Max |error| on any element of any output. */
  readonly maxOutputError?: number;
  /** Lowest cosine similarity of any output (outputs too small to judge by direction are left out). */
  readonly minCosine?: number;
  /** Lowest fraction of rows whose argmax agrees, over classifier-shaped outputs. */
  readonly minTop1Agreement?: number;
}

/** True when at least one limit is set. */
export function hasLimits(limits: OutputLimits): boolean {
  return (
    limits.maxOutputError !== undefined ||
    limits.minCosine !== undefined ||
    limits.minTop1Agreement !== undefined
  );
}

/** Throws OPTIONS_INVALID for a limit out of its range. */
export function checkLimits(limits: OutputLimits): void {
  const { maxOutputError, minCosine, minTop1Agreement } = limits;
  if (maxOutputError !== undefined && !(maxOutputError >= 0))
    throw new RewriteError(
      "OPTIONS_INVALID",
      `max output error must be a number ≥ 0, got ${maxOutputError}`,
    );
  if (minCosine !== undefined && !(minCosine >= -1 && minCosine <= 1))
    throw new RewriteError("OPTIONS_INVALID", `min cosine must be in [−1, 1], got ${minCosine}`);
  if (minTop1Agreement !== undefined && !(minTop1Agreement >= 0 && minTop1Agreement <= 1))
    throw new RewriteError(
      "OPTIONS_INVALID",
      `min top-1 agreement must be a fraction in [0, 1], got ${minTop1Agreement}`,
    );
}

/**
 * Why a comparison misses the limits, one phrase per limit missed (empty when
 * it meets them all). NaN or ±Inf where the other side is finite always
 * misses. A top-1 limit on a model without a classifier-shaped output cannot
 * be measured: that is an error, not a miss.
 */
export function limitMisses(comparison: ComparisonSummary, limits: OutputLimits): string[] {
  const misses: string[] = [];
  if (comparison.nonFiniteMismatches > 0)
    misses.push(`${comparison.nonFiniteMismatches} output elements NaN/Inf in one model only`);
  const { maxOutputError, minCosine, minTop1Agreement } = limits;
  if (maxOutputError !== undefined && !(comparison.maxAbsError <= maxOutputError))
    misses.push(
      `max |error| ${formatError(comparison.maxAbsError)} > ${formatError(maxOutputError)}`,
    );
  const cosine = comparison.minCosineSimilarity;
  if (minCosine !== undefined && cosine !== null && !(cosine >= minCosine))
    misses.push(`cosine ${cosine.toFixed(6)} < ${minCosine}`);
  if (minTop1Agreement !== undefined) {
    const agreement = comparison.minTop1Agreement;
    if (agreement === null)
      throw new RewriteError(
        "OPTIONS_INVALID",
        "a min top-1 agreement needs a classifier-shaped output ([N, C] or [C], C ≥ 2); this model has none: use --min-cosine or --max-output-error",
      );
    if (!(agreement >= minTop1Agreement))
      misses.push(`top-1 agreement ${percent(agreement)} < ${percent(minTop1Agreement)}`);
  }
  return misses;
}

/** True when the comparison meets every limit. */
export function meetsLimits(comparison: ComparisonSummary, limits: OutputLimits): boolean {
  return limitMisses(comparison, limits).length === 0;
}

/** The limits in words: `max |error| ≤ 0.05, top-1 agreement ≥ 100%`. */
export function describeLimits(limits: OutputLimits): string {
  const parts: string[] = [];
  if (limits.maxOutputError !== undefined)
    parts.push(`max |error| ≤ ${formatError(limits.maxOutputError)}`);
  if (limits.minCosine !== undefined) parts.push(`cosine ≥ ${limits.minCosine}`);
  if (limits.minTop1Agreement !== undefined)
    parts.push(`top-1 agreement ≥ ${percent(limits.minTop1Agreement)}`);
  return parts.join(", ");
}

function percent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(2))}%`;
}
