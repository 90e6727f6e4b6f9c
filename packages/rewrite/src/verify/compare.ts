import { RewriteError } from "../errors/rewrite-error.js";
import type { FeedTensor, FeedType } from "./evaluator.js";
import { feedElementCount, feedToFloat64, formatDims, isFloatFeedType } from "./feeds.js";

/** Options of compareOutputs. */
export interface CompareOptions {
  /**
   * Floor of the relative error's denominator: |candidate − reference| / max(|reference|, floor).
   * Default 1e-3, so where |reference| < 1e-3 the relative error is the absolute error × 1000
   * instead of blowing up near zero.
   */
  readonly relativeFloor?: number;
}

/** The default floor of the relative error's denominator. */
export const defaultRelativeFloor = 1e-3;

/**
 * Below this RMS in both outputs, cosine similarity is flagged as unreliable:
 * stand-ins are bounded in absolute error (budgets are ~1e-3), so an output
 * whose values are all this small has a direction made of rounding and
 * approximation noise (a detector's near-zero probability map gives cosine
 * 0.76 at max |error| 4e-7).
 */
export const tinyNormRms = 1e-5;

/** A number as JSON can carry it: non-finite values spelled as strings. */
export type JsonNumber = number | "NaN" | "Infinity" | "-Infinity";

/** One element of an output: its flat (row-major) index, coordinates and both values. */
export interface ElementAt {
  readonly index: number;
  readonly coordinates: readonly number[];
  readonly reference: JsonNumber;
  readonly candidate: JsonNumber;
}

/**
 * How one output of the candidate differs from the reference. Error statistics
 * cover elements finite in both; elements where exactly one side is non-finite,
 * or both are but differ (NaN vs Inf, +Inf vs −Inf), count as non-finite mismatches.
 */
export interface OutputComparison {
  readonly name: string;
  readonly type: FeedType;
  readonly dims: readonly number[];
  readonly elementCount: number;
  /** Elements finite in both, over which the error statistics are taken. */
  readonly comparedElements: number;
  readonly maxAbsError: number;
  /** Where maxAbsError is (null when no element is finite in both). */
  readonly maxAbsErrorAt: ElementAt | null;
  readonly maxRelativeError: number;
  readonly maxRelativeErrorAt: ElementAt | null;
  readonly meanAbsError: number;
  /** Cosine of the flattened outputs: 1 when both are all zero, 0 when only one is, null when not computable. */
  readonly cosineSimilarity: number | null;
  /** False when both outputs have RMS below tinyNormRms: the cosine then measures noise, not agreement. */
  readonly cosineReliable: boolean;
  /**
   * Fraction of rows whose argmax agrees, for classifier-shaped float outputs
   * only: [C], [N, C] or [N, 1, …, 1, C] with C ≥ 2 (the last axis is the class
   * axis). Null for anything else: spatial maps ([N, 1, H, W]), sequences, scalars.
   */
  readonly top1Agreement: number | null;
  readonly top1Rows: number;
  readonly nonFiniteMismatches: number;
  readonly firstNonFiniteMismatchAt: ElementAt | null;
}

/** Every output's comparison and the worst figures over all of them. */
export interface ComparisonSummary {
  readonly outputs: readonly OutputComparison[];
  /** Largest maxAbsError over outputs (0 when there are none). */
  readonly maxAbsError: number;
  readonly maxAbsErrorOutput: string | null;
  readonly maxRelativeError: number;
  readonly maxRelativeErrorOutput: string | null;
  /** Mean |error| over every compared element of every output. */
  readonly meanAbsError: number;
  /** Lowest reliable cosine over outputs (outputs with tiny norms are left out; null when none is reliable). */
  readonly minCosineSimilarity: number | null;
  /** Outputs whose cosine was left out of minCosineSimilarity because both norms are tiny. */
  readonly unreliableCosineOutputs: readonly string[];
  /** Lowest top-1 agreement over classifier-shaped outputs (null when there are none). */
  readonly minTop1Agreement: number | null;
  /** Non-finite mismatches over all outputs; any is a failure whatever maxAbsError says. */
  readonly nonFiniteMismatches: number;
  readonly relativeFloor: number;
}

/** Compares a candidate's outputs (the rewritten model's) with the reference's, output by output; throws INTERNAL when names, types or dims differ. */
export function compareOutputs(
  reference: Readonly<Record<string, FeedTensor>>,
  candidate: Readonly<Record<string, FeedTensor>>,
  options: CompareOptions = {},
): ComparisonSummary {
  const floor = options.relativeFloor ?? defaultRelativeFloor;
  if (!(Number.isFinite(floor) && floor > 0)) {
    throw new RewriteError(
      "OPTIONS_INVALID",
      `relativeFloor is ${floor}; use a finite number > 0 (default ${defaultRelativeFloor})`,
      { path: "relativeFloor" },
    );
  }
  checkSameNames(Object.keys(reference), Object.keys(candidate));
  const outputs = Object.entries(reference).map(([name, tensor]) =>
    compareOutput(name, tensor, candidate[name]!, floor),
  );
  let sumAbs = 0;
  let compared = 0;
  let worstAbs: OutputComparison | undefined;
  let worstRelative: OutputComparison | undefined;
  for (const output of outputs) {
    if (!worstAbs || output.maxAbsError > worstAbs.maxAbsError) worstAbs = output;
    if (!worstRelative || output.maxRelativeError > worstRelative.maxRelativeError)
      worstRelative = output;
    sumAbs += output.meanAbsError * output.comparedElements;
    compared += output.comparedElements;
  }
  return {
    outputs,
    maxAbsError: worstAbs?.maxAbsError ?? 0,
    maxAbsErrorOutput: worstAbs?.name ?? null,
    maxRelativeError: worstRelative?.maxRelativeError ?? 0,
    maxRelativeErrorOutput: worstRelative?.name ?? null,
    meanAbsError: compared > 0 ? sumAbs / compared : 0,
    minCosineSimilarity: minimum(
      outputs.map((o) => (o.cosineReliable ? o.cosineSimilarity : null)),
    ),
    unreliableCosineOutputs: outputs.filter((o) => !o.cosineReliable).map((o) => o.name),
    minTop1Agreement: minimum(outputs.map((o) => o.top1Agreement)),
    nonFiniteMismatches: outputs.reduce((sum, o) => sum + o.nonFiniteMismatches, 0),
    relativeFloor: floor,
  };
}

function checkSameNames(referenceNames: string[], candidateNames: string[]): void {
  const missing = referenceNames.filter((name) => !candidateNames.includes(name));
  const extra = candidateNames.filter((name) => !referenceNames.includes(name));
  if (missing.length === 0 && extra.length === 0) return;
  const list = (names: string[]) => names.map((name) => `"${name}"`).join(", ");
  throw new RewriteError(
    "INTERNAL",
    `the candidate's outputs differ from the reference's: ${[
      missing.length > 0 ? `missing ${list(missing)}` : "",
      extra.length > 0 ? `extra ${list(extra)}` : "",
    ]
      .filter(Boolean)
      .join("; ")}; a rewrite must keep every graph output`,
    { value: missing[0] ?? extra[0] },
  );
}

function compareOutput(
  name: string,
  reference: FeedTensor,
  candidate: FeedTensor,
  floor: number,
): OutputComparison {
  checkComparable(name, reference, candidate);
  const dims = [...reference.dims];
  const expected = feedToFloat64(reference);
  const actual = feedToFloat64(candidate);
  const at = (index: number): ElementAt | null =>
    index < 0
      ? null
      : {
          index,
          coordinates: coordinatesOf(index, dims),
          reference: jsonNumber(expected[index]!),
          candidate: jsonNumber(actual[index]!),
        };
  let maxAbs = 0;
  let maxAbsIndex = -1;
  let maxRelative = 0;
  let maxRelativeIndex = -1;
  let sumAbs = 0;
  let compared = 0;
  let nonFinite = 0;
  let firstNonFinite = -1;
  for (let i = 0; i < expected.length; i++) {
    const r = expected[i]!;
    const c = actual[i]!;
    if (Number.isFinite(r) && Number.isFinite(c)) {
      const diff = Math.abs(c - r);
      if (maxAbsIndex < 0 || diff > maxAbs) [maxAbs, maxAbsIndex] = [diff, i];
      const relative = diff / Math.max(Math.abs(r), floor);
      if (maxRelativeIndex < 0 || relative > maxRelative)
        [maxRelative, maxRelativeIndex] = [relative, i];
      sumAbs += diff;
      compared++;
    } else if (!(r === c || (Number.isNaN(r) && Number.isNaN(c)))) {
      nonFinite++;
      if (firstNonFinite < 0) firstNonFinite = i;
    }
  }
  const top1 = isFloatFeedType(reference.type) ? topOneAgreement(expected, actual, dims) : null;
  return {
    name,
    type: reference.type,
    dims,
    elementCount: expected.length,
    comparedElements: compared,
    maxAbsError: maxAbs,
    maxAbsErrorAt: at(maxAbsIndex),
    maxRelativeError: maxRelative,
    maxRelativeErrorAt: at(maxRelativeIndex),
    meanAbsError: compared > 0 ? sumAbs / compared : 0,
    cosineSimilarity: cosineSimilarity(expected, actual),
    cosineReliable:
      rootMeanSquare(expected) >= tinyNormRms || rootMeanSquare(actual) >= tinyNormRms,
    top1Agreement: top1?.agreement ?? null,
    top1Rows: top1?.rows ?? 0,
    nonFiniteMismatches: nonFinite,
    firstNonFiniteMismatchAt: at(firstNonFinite),
  };
}

function checkComparable(name: string, reference: FeedTensor, candidate: FeedTensor): void {
  const fail = (problem: string) =>
    new RewriteError("INTERNAL", `output "${name}": ${problem}`, { value: name });
  if (reference.type !== candidate.type)
    throw fail(`the reference is ${reference.type} but the candidate is ${candidate.type}`);
  if (
    reference.dims.length !== candidate.dims.length ||
    reference.dims.some((dim, axis) => candidate.dims[axis] !== dim)
  ) {
    throw fail(
      `the reference has dims ${formatDims(reference.dims)} but the candidate ${formatDims(candidate.dims)}`,
    );
  }
  for (const [which, tensor] of [
    ["reference", reference],
    ["candidate", candidate],
  ] as const) {
    const count = feedElementCount(tensor.dims);
    if (tensor.data?.length !== count) {
      throw new RewriteError(
        "EVALUATOR_FAILED",
        `output "${name}": the ${which} has dims ${formatDims(tensor.dims)} (${count} elements) but ${tensor.data?.length} data elements; the evaluator returned a malformed tensor`,
        { value: name },
      );
    }
  }
}

/** Cosine over elements finite in both, rescaled when the plain sums overflow. */
function cosineSimilarity(a: Float64Array, b: Float64Array): number | null {
  const compute = (scale: number) => {
    let dot = 0;
    let normA = 0;
    let normB = 0;
    for (let i = 0; i < a.length; i++) {
      const x = a[i]! / scale;
      const y = b[i]! / scale;
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      dot += x * y;
      normA += x * x;
      normB += y * y;
    }
    if (normA === 0 && normB === 0) return 1;
    if (normA === 0 || normB === 0) return 0;
    return dot / Math.sqrt(normA * normB);
  };
  let result = compute(1);
  if (!Number.isFinite(result)) {
    let largest = 0;
    for (let i = 0; i < a.length; i++) {
      if (Number.isFinite(a[i]!) && Number.isFinite(b[i]!))
        largest = Math.max(largest, Math.abs(a[i]!), Math.abs(b[i]!));
    }
    result = compute(largest);
  }
  // Rounding can push a perfect match a hair past 1.
  return Number.isFinite(result) ? Math.min(1, Math.max(-1, result)) : null;
}

/** RMS over finite elements (0 when there are none). */
function rootMeanSquare(values: Float64Array): number {
  let largest = 0;
  for (const value of values)
    if (Number.isFinite(value)) largest = Math.max(largest, Math.abs(value));
  if (largest === 0) return 0;
  // Scaled by the largest value so squares neither overflow nor underflow.
  let sum = 0;
  let count = 0;
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    sum += (value / largest) ** 2;
    count++;
  }
  return largest * Math.sqrt(sum / count);
}

/** True for [C], [N, C] and [N, 1, …, 1, C] with C ≥ 2: shapes whose last axis is a class axis. */
function hasClassAxis(dims: readonly number[]): boolean {
  const classes = dims[dims.length - 1];
  if (classes === undefined || classes < 2) return false;
  return dims.slice(1, -1).every((dim) => dim === 1);
}

function topOneAgreement(
  expected: Float64Array,
  actual: Float64Array,
  dims: readonly number[],
): { agreement: number; rows: number } | null {
  const classes = dims[dims.length - 1]!;
  if (!hasClassAxis(dims) || expected.length === 0) return null;
  const rows = expected.length / classes;
  let agree = 0;
  for (let row = 0; row < rows; row++) {
    const start = row * classes;
    if (argmax(expected, start, classes) === argmax(actual, start, classes)) agree++;
  }
  return { agreement: agree / rows, rows };
}

/** Index of the first largest value (NaN never wins; -1 when all are NaN). */
function argmax(values: Float64Array, start: number, length: number): number {
  let best = -1;
  for (let i = 0; i < length; i++) {
    const value = values[start + i]!;
    if (!Number.isNaN(value) && (best < 0 || value > values[start + best]!)) best = i;
  }
  return best;
}

function coordinatesOf(index: number, dims: readonly number[]): number[] {
  const coordinates = new Array<number>(dims.length).fill(0);
  let rest = index;
  for (let axis = dims.length - 1; axis >= 0; axis--) {
    const dim = dims[axis]!;
    coordinates[axis] = rest % dim;
    rest = Math.floor(rest / dim);
  }
  return coordinates;
}

function jsonNumber(value: number): JsonNumber {
  if (Number.isFinite(value)) return value;
  return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
}

function minimum(values: readonly (number | null)[]): number | null {
  let result: number | null = null;
  for (const value of values)
    if (value !== null && (result === null || value < result)) result = value;
  return result;
}
