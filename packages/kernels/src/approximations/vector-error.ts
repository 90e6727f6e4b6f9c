import type { Activation } from "../activation/activation.js";
import type { ErrorMeasurement, ErrorOptions, VectorSummary } from "./error.js";

// The error of multivariable activations (softmax, LogSumExp), measured on a
// fixed, seeded set of rows rather than over ℝ; see measureError in error.ts.

/** A seeded 32-bit generator (an integer hash of a counter), uniform on [0, 1). */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 4294967296;
  };
}

/** One input row of the vector measurement, with how it was made. */
export interface VectorRow {
  readonly values: Float64Array;
  readonly pattern: string;
  readonly spread: number;
}

const spreads = [0, 0.01, 0.3, 1, 3, 10, 30, 100];
const patterns = ["uniform", "normal", "ramp", "one-high", "one-low", "two-level", "offset"];

/**
 * The rows multivariable activations are measured on: lengths 2..16 and
 * 20, 24, …, 64, every spread in {0, 0.01, 0.3, 1, 3, 10, 30, 100}, and seven patterns
 * (uniform on [−s, s]; normal with σ = s/3; a ramp from −s to s; one value at
 * s and the rest at −s; the reverse; two levels ±s at random; uniform plus
 * 1000). Seeded, so every run sees the same rows.
 */
export function vectorRows(seed = 1): VectorRow[] {
  const random = seededUniform(seed);
  const normal = () => {
    const u = 1 - random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const rows: VectorRow[] = [];
  for (let length = 2; length <= 64; length += length < 16 ? 1 : 4)
    for (const spread of spreads)
      for (const pattern of patterns) {
        const values = new Float64Array(length);
        for (let i = 0; i < length; i++) {
          const u = 2 * random() - 1;
          values[i] =
            pattern === "uniform"
              ? spread * u
              : pattern === "normal"
                ? (spread / 3) * normal()
                : pattern === "ramp"
                  ? -spread + (2 * spread * i) / (length - 1)
                  : pattern === "one-high"
                    ? i === 0
                      ? spread
                      : -spread
                    : pattern === "one-low"
                      ? i === 0
                        ? -spread
                        : spread
                      : pattern === "two-level"
                        ? u < 0
                          ? -spread
                          : spread
                        : 1000 + spread * u;
        }
        rows.push({ values, pattern, spread });
      }
  return rows;
}

/** Rows of N(0, 1) entries, lengths cycling 2..64: the vector analogue of X ~ N(0, 1). */
function normalRows(count: number, seed: number): Float64Array[] {
  const random = seededUniform(seed);
  const rows: Float64Array[] = [];
  for (let r = 0; r < count; r++) {
    const row = new Float64Array(2 + (r % 63));
    for (let i = 0; i < row.length; i++) {
      const u = 1 - random();
      row[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
    }
    rows.push(row);
  }
  return rows;
}

let cachedRows: VectorRow[] | undefined;
let cachedNormalRows: Float64Array[] | undefined;

/**
 * Multivariable activations: max abs / rel error per output value over
 * `vectorRows()`, and the mean abs error per output value over 1008 rows of
 * N(0, 1) entries (Monte Carlo, seeded).
 */
export function measureVector(
  exact: Activation,
  approximation: Activation,
  options: ErrorOptions,
  defaultFloor: number,
): ErrorMeasurement {
  const floor = options.relativeFloor ?? defaultFloor;
  cachedRows ??= vectorRows();
  cachedNormalRows ??= normalRows(1008, 2);
  let evaluations = 0;
  let maxAbs = -1;
  let maxRel = -1;
  let worst: VectorSummary | undefined;
  let worstRel: VectorSummary | undefined;
  const summary = (row: VectorRow, index: number): VectorSummary => {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const v of row.values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return { length: row.values.length, pattern: row.pattern, spread: row.spread, min, max, index };
  };
  const compare = (row: Float64Array, visit: (index: number, f: number, g: number) => void) => {
    const f = exact.fVector(row);
    const g = approximation.fVector(row);
    evaluations++;
    if (typeof f === "number" || typeof g === "number") {
      visit(0, typeof f === "number" ? f : f[0]!, typeof g === "number" ? g : g[0]!);
      return;
    }
    for (let i = 0; i < f.length; i++) visit(i, f[i]!, g[i]!);
  };
  for (const row of cachedRows)
    compare(row.values, (index, f, g) => {
      if (!Number.isFinite(f)) return;
      const d = Number.isNaN(g - f) ? Number.POSITIVE_INFINITY : Math.abs(g - f);
      if (d > maxAbs) {
        maxAbs = d;
        worst = summary(row, index);
      }
      if (Math.abs(f) >= floor && d / Math.abs(f) > maxRel) {
        maxRel = d / Math.abs(f);
        worstRel = summary(row, index);
      }
    });
  let mean = Number.NaN;
  if (!options.maxAbsOnly) {
    let sum = 0;
    for (const row of cachedNormalRows) {
      let rowSum = 0;
      let count = 0;
      compare(row, (_index, f, g) => {
        rowSum += Math.abs(g - f);
        count++;
      });
      sum += rowSum / count;
    }
    mean = sum / cachedNormalRows.length;
  }
  // A proven bound the sampled rows stay below still holds for rows they missed.
  const proven = approximation.definition.properties.errorBound?.(approximation.params);
  if (proven !== undefined && maxAbs >= 0 && proven > maxAbs) maxAbs = proven;
  return {
    domain: options.domain ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
    maxAbsError: maxAbs < 0 ? Number.NaN : maxAbs,
    argMaxAbsError: Number.NaN,
    signedErrorAtMax: Number.NaN,
    ...(maxAbs === Number.POSITIVE_INFINITY ? { maxAbsErrorUnbounded: "point" as const } : {}),
    maxRelError: options.maxAbsOnly || maxRel < 0 ? Number.NaN : maxRel,
    argMaxRelError: Number.NaN,
    relativeFloor: floor,
    meanAbsErrorNormal: mean,
    ...(worst ? { worstVector: worst } : {}),
    ...(worstRel && !options.maxAbsOnly ? { worstRelVector: worstRel } : {}),
    evaluations,
  };
}
