import { type ApproximationDefinition, catalogRow, type Parameters } from "@rectify/kernels";
import snapshot from "./measured-catalog.json" with { type: "json" };

/** The numbers the planner needs about one (exact → approximation) pair. */
export interface Measured {
  /** The approximation's id with its parameters, e.g. `squareplus{b=4}`. */
  readonly label: string;
  readonly params: Parameters;
  readonly maxAbsError: number;
  readonly maxAbsErrorFloat32: number;
  readonly meanAbsErrorNormal: number;
  readonly argMaxAbsError: number;
}

/** JSON has no ∞ or NaN: the snapshot writes them as strings. */
type Stored = Omit<
  Measured,
  "maxAbsError" | "maxAbsErrorFloat32" | "meanAbsErrorNormal" | "argMaxAbsError"
> &
  Record<
    "maxAbsError" | "maxAbsErrorFloat32" | "meanAbsErrorNormal" | "argMaxAbsError",
    number | string
  >;

const stored = snapshot as Record<string, Stored>;
const memo = new Map<string, Measured>();
let useSnapshot = true;

/** Key of a pair: the exact activation and approximation names with their resolved parameters. */
export function pairKey(
  exact: string,
  exactParams: Parameters,
  approximation: string,
  params: Parameters,
): string {
  return `${exact}${JSON.stringify(exactParams)} → ${approximation}${JSON.stringify(params)}`;
}

function revive(value: number | string): number {
  return typeof value === "number" ? value : Number(value);
}

/** Stores a measurement as JSON (∞ and NaN as strings). */
export function storable(measured: Measured): Stored {
  const keep = (value: number) => (Number.isFinite(value) ? value : String(value));
  return {
    ...measured,
    maxAbsError: keep(measured.maxAbsError),
    maxAbsErrorFloat32: keep(measured.maxAbsErrorFloat32),
    meanAbsErrorNormal: keep(measured.meanAbsErrorNormal),
    argMaxAbsError: keep(measured.argMaxAbsError),
  };
}

/**
 * Measures a catalog entry for a site (the kernels' error engine: max |error|
 * over ℝ, float32 evaluation, mean under N(0, 1)). Pairs at the parameters
 * exporters use most are read from measured-catalog.json, which
 * scripts/measure-catalog.ts writes with this same engine (a test keeps it
 * fresh); others are measured on first use and kept for the process.
 */
export function measureApproximation(
  entry: ApproximationDefinition,
  exactParams: Parameters,
  resolvedParams: Parameters,
): Measured {
  const key = pairKey(entry.exact, exactParams, entry.approximation, resolvedParams);
  const known = memo.get(key);
  if (known) return known;
  const saved = useSnapshot ? stored[key] : undefined;
  let measured: Measured;
  if (saved) {
    measured = {
      label: saved.label,
      params: saved.params,
      maxAbsError: revive(saved.maxAbsError),
      maxAbsErrorFloat32: revive(saved.maxAbsErrorFloat32),
      meanAbsErrorNormal: revive(saved.meanAbsErrorNormal),
      argMaxAbsError: revive(saved.argMaxAbsError),
    };
  } else {
    const row = catalogRow(entry);
    measured = {
      label: row.approximation,
      params: row.params,
      maxAbsError: row.maxAbsErrorUnbounded ? Number.POSITIVE_INFINITY : row.maxAbsError,
      maxAbsErrorFloat32: Number.isNaN(row.maxAbsErrorFloat32)
        ? row.maxAbsError
        : row.maxAbsErrorFloat32,
      meanAbsErrorNormal: row.meanAbsErrorNormal,
      argMaxAbsError: row.argMaxAbsError,
    };
  }
  memo.set(key, measured);
  return measured;
}

/**
 * How far an exact activation's own expression evaluated in float32 is from
 * its float64 f (on [−32, 32]): snapshot first, else measured by `compute`.
 */
export function measureExactExpression(
  name: string,
  params: Parameters,
  compute: () => number,
): number {
  const key = `${name}${JSON.stringify(params)} (exact expression)`;
  const known = memo.get(key);
  if (known) return known.maxAbsErrorFloat32;
  const saved = useSnapshot ? stored[key] : undefined;
  const value = saved ? revive(saved.maxAbsErrorFloat32) : compute();
  memo.set(key, {
    label: `${name} (exact expression)`,
    params,
    maxAbsError: 0,
    maxAbsErrorFloat32: value,
    meanAbsErrorNormal: 0,
    argMaxAbsError: Number.NaN,
  });
  return value;
}

/** Measures everything anew from here on (the snapshot writer and its freshness test). */
export function ignoreMeasuredSnapshot(): void {
  useSnapshot = false;
  memo.clear();
}

/** Every pair measured so far in this process, keyed as in the snapshot. */
export function measuredPairs(): Record<string, Stored> {
  return Object.fromEntries(
    [...memo]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([key, value]) => [key, storable(value)]),
  );
}
