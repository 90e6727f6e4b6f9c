import type { Evaluator, Feeds, LatencyOptions } from "@rectify/rewrite/light";
import type { SweepEntry, SweepPoint } from "../report/schema.js";
import { describeError } from "./describe-error.js";
import { type CreateSession, measurePair } from "./measure-pair.js";
import { optimizeFor } from "./optimize-for.js";
import { paretoFront } from "./pareto.js";

/** The budgets a sweep tries by default: 1e-4 … 0.3. */
export const defaultSweepBudgets = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3];

/** The accuracy-aware option sets tried at each budget. */
export const sweepVariants = ["default", "fit", "max-output-error"] as const;

export interface SweepInput {
  readonly model: string;
  readonly target: string;
  readonly provider: string;
  readonly environment: "node" | "chromium";
  readonly bytes: Uint8Array;
  readonly feeds: Feeds;
  readonly budgets: readonly number[];
  readonly latency: LatencyOptions;
  /** Runs models for fitting and for the output-error roll-back. */
  readonly evaluator: Evaluator;
  readonly onPoint?: (done: number, total: number) => void;
}

/**
 * Sweeps the budget and the accuracy-aware options for one model, target and
 * provider: each point is optimized, then measured against the original
 * (output error and interleaved latency). Points whose rewrite is byte for
 * byte one already measured share its measurement. Marks the Pareto front
 * (lower max |error|, higher speedup).
 */
export async function sweepBudgets(
  createSession: CreateSession,
  input: SweepInput,
): Promise<SweepEntry> {
  const base = { model: input.model, target: input.target, provider: input.provider };
  const measured = new Map<string, Omit<SweepPoint, "budget" | "options" | "pareto">>();
  const points: Omit<SweepPoint, "pareto">[] = [];
  const total = input.budgets.length * sweepVariants.length;
  try {
    for (const budget of input.budgets) {
      for (const variant of sweepVariants) {
        const optimized = await optimizeFor(input.model, input.bytes, input.target, {
          budget,
          ...(variant === "fit"
            ? { fit: true, evaluator: input.evaluator, feeds: input.feeds }
            : {}),
          ...(variant === "max-output-error"
            ? { maxOutputError: budget, evaluator: input.evaluator, feeds: input.feeds }
            : {}),
        });
        if (optimized.entry.error || !optimized.bytes) throw new Error(optimized.entry.error);
        const key = fingerprint(optimized.bytes);
        let result = measured.get(key);
        if (!result) {
          const run = await measurePair(createSession, {
            model: input.model,
            target: input.target,
            provider: input.provider,
            environment: input.environment,
            original: input.bytes,
            optimized: optimized.bytes,
            feeds: input.feeds,
            // Many points: no same-model control per point.
            latency: { ...input.latency, control: false },
          });
          if (run.status !== "measured" || !run.latency || !run.accuracy)
            throw new Error(run.error);
          result = {
            substituted: optimized.entry.substituted,
            maxAbs: run.accuracy.maxAbs,
            top1: run.accuracy.top1,
            speedup: run.latency.speedup,
            speedupLow: run.latency.speedupLow,
            speedupHigh: run.latency.speedupHigh,
          };
          measured.set(key, result);
        }
        points.push({
          budget,
          options: variant === "max-output-error" ? `max-output-error ${budget}` : variant,
          ...result,
        });
        input.onPoint?.(points.length, total);
      }
    }
  } catch (error) {
    return { ...base, points: withFront(points), error: describeError(error) };
  }
  return { ...base, points: withFront(points) };
}

function withFront(points: readonly Omit<SweepPoint, "pareto">[]): SweepPoint[] {
  const front = paretoFront(
    points.map((point) => ({
      error: point.maxAbs ?? Number.POSITIVE_INFINITY,
      speedup: point.speedup,
    })),
  );
  return points.map((point, index) => ({ ...point, pareto: front[index]! }));
}

/** FNV-1a over the bytes with the length: tells rewrites apart without keeping them. */
function fingerprint(bytes: Uint8Array): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    hash ^= bytes[i]!;
    hash = Math.imul(hash, 0x01000193);
  }
  return `${bytes.length}:${(hash >>> 0).toString(16)}`;
}
