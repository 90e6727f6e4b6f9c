import { decodeModel, encodeModel } from "@rectify/onnx";
import { builtinTarget, type Evaluator, type Feeds, optimizeModel } from "@rectify/rewrite";
import type { OptimizationEntry } from "../report/schema.js";
import { describeError } from "./describe-error.js";

/** Accuracy-aware options of one optimization (the budget sweep varies them). */
export interface OptimizeVariant {
  readonly budget: number;
  /** Refit stand-ins to the inputs sites see on `feeds` (needs evaluator and feeds). */
  readonly fit?: boolean;
  /** Roll sites back until the output error holds (needs an evaluator). */
  readonly maxOutputError?: number;
  readonly evaluator?: Evaluator;
  readonly feeds?: Feeds;
}

/** An optimized model and what the report says of it. */
export interface Optimized {
  readonly entry: OptimizationEntry;
  /** The rewritten model's bytes (undefined when the rewrite failed). */
  readonly bytes?: Uint8Array;
}

const now = () => performance.now();

/** Rewrites `bytes` for a built-in target and times it (planning and rewriting; verification only with maxOutputError). */
export async function optimizeFor(
  modelId: string,
  bytes: Uint8Array,
  target: string,
  variant: OptimizeVariant,
): Promise<Optimized> {
  const base = { model: modelId, target, budget: variant.budget };
  try {
    const profile = builtinTarget(target);
    const start = now();
    const result = await optimizeModel(() => decodeModel(bytes), {
      target: profile,
      budget: variant.budget,
      ...(variant.evaluator ? { evaluator: variant.evaluator } : {}),
      ...(variant.feeds ? { feeds: variant.feeds, feedsSource: "the bench's seeded feeds" } : {}),
      ...(variant.fit ? { fit: true } : {}),
      ...(variant.maxOutputError !== undefined ? { maxOutputError: variant.maxOutputError } : {}),
    });
    const milliseconds = now() - start;
    const optimized = result.changed ? encodeModel(result.model) : bytes;
    const { summary } = result.report;
    return {
      bytes: optimized,
      entry: {
        ...base,
        changed: result.changed,
        milliseconds,
        sites: summary.sites,
        substituted: summary.substituted,
        unsupported: summary.unsupported,
        unsupportedOps: result.report.unsupportedOps.map(({ op, count }) => ({ op, count })),
        sizeBytes: optimized.byteLength,
        ops: { ...result.report.opsAfter },
      },
    };
  } catch (error) {
    return {
      entry: {
        ...base,
        changed: false,
        milliseconds: 0,
        sites: 0,
        substituted: 0,
        unsupported: 0,
        unsupportedOps: [],
        sizeBytes: 0,
        ops: {},
        error: describeError(error),
      },
    };
  }
}
