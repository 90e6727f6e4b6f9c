import type { Activation, ParameterSpec, Parameters } from "../activation/activation.js";
import { instantiate } from "../activation/activation.js";
import { KernelsError } from "../errors/kernels-error.js";
import type { ApproximationDefinition } from "./approximation.js";
import { instantiateEntry, measureError } from "./error.js";

/**
 * Parameter fitting for catalog entries: the `fittable` parameters are tuned
 * within their `typical` range (else their constraints, else ±10), never
 * outside the constraints, so a fit never produces PARAM_INVALID. One
 * parameter: a coarse scan of 25 points (log-spaced when the range is
 * positive and wide), then golden section between the best point's
 * neighbours. Several: Nelder–Mead in the unit cube of the ranges, started
 * from the best of the entry's parameters and per-coordinate scans.
 */

/** What a fit minimised. */
export type FitObjective = "minimax" | "max" | "mean" | "rms";

/** The outcome of a fit. */
export interface FitResult {
  /** Every parameter of the approximation, fitted ones included. */
  readonly params: Parameters;
  /** The fitted parameters alone. */
  readonly fitted: Parameters;
  /** The objective at the fitted parameters (max |err| over the domain for minimax). */
  readonly error: number;
  /** The objective at the entry's own parameters. */
  readonly initialError: number;
  readonly objective: FitObjective;
  /** Objective evaluations (each one measures the error anew). */
  readonly evaluations: number;
}

/** Options shared by both fits. */
export interface FitOptions {
  /** Cap on objective evaluations before FIT_FAILED (default 400). */
  readonly maxEvaluations?: number;
}

/** Options of fitToSample. */
export interface SampleFitOptions extends FitOptions {
  /** max, mean or rms of |err| over the sample (default "max"). */
  readonly objective?: "max" | "mean" | "rms";
  /** Larger samples are reduced to this many quantiles of the sorted sample, extremes included (default 65536). */
  readonly maxSamples?: number;
}

interface Dimension {
  readonly name: string;
  readonly lo: number;
  readonly hi: number;
  readonly log: boolean;
  readonly integer: boolean;
}

/** The parameters of `entry` that minimise max |error| over ℝ (or the entry's domain). */
export function fitMinimax(entry: ApproximationDefinition, options: FitOptions = {}): FitResult {
  const { exact, approximation, domain } = instantiateEntry(entry);
  const dimensions = fitDimensions(entry, approximation);
  const measure = (params: Parameters, gridStep?: number) =>
    measureError(exact, instantiate(approximation.definition, params), {
      domain,
      maxAbsOnly: true,
      ...(gridStep ? { gridStep } : {}),
    }).maxAbsError;
  // The search measures on a coarser grid (the refinement around peaks makes it exact for smooth
  // errors); the reported errors come from the catalog's grid.
  const result = minimise(entry, approximation, dimensions, (p) => measure(p, 1 / 64), options);
  return {
    ...result,
    error: measure(result.params),
    initialError: measure(approximation.params),
    objective: "minimax",
  };
}

/** The parameters of `entry` that minimise the max, mean or rms |error| over observed inputs (e.g. a model's activation inputs). */
export function fitToSample(
  entry: ApproximationDefinition,
  samples: ArrayLike<number>,
  options: SampleFitOptions = {},
): FitResult {
  const { exact, approximation, domain } = instantiateEntry(entry);
  const name = `${entry.exact} → ${entry.approximation}`;
  if (exact.reduces || approximation.reduces)
    throw new KernelsError(
      "FIT_FAILED",
      `${name}: multivariable activations act on rows and cannot be fitted to scalar samples`,
    );
  if (!samples || samples.length === 0)
    throw new KernelsError("FIT_FAILED", `${name}: the sample is empty; pass observed inputs`);
  for (let i = 0; i < samples.length; i++) {
    const x = samples[i]!;
    if (typeof x !== "number" || !Number.isFinite(x))
      throw new KernelsError(
        "FIT_FAILED",
        `${name}: sample[${i}] is ${String(x)}; remove non-finite inputs before fitting`,
      );
    if (x < domain[0] || x > domain[1])
      throw new KernelsError(
        "FIT_FAILED",
        `${name}: sample[${i}] = ${x} lies outside the entry's domain [${domain[0]}, ${domain[1]}]`,
      );
  }
  const dimensions = fitDimensions(entry, approximation);
  const points = reduceSample(samples, options.maxSamples ?? 65536);
  const exactValues = points.map((x) => exact.f(x));
  const objective = options.objective ?? "max";
  const measure = (params: Parameters) => {
    const g = instantiate(approximation.definition, params);
    let max = 0;
    let sum = 0;
    let sumSquares = 0;
    for (let i = 0; i < points.length; i++) {
      const d = Math.abs(g.f(points[i]!) - exactValues[i]!);
      if (Number.isNaN(d)) return Number.POSITIVE_INFINITY;
      if (d > max) max = d;
      sum += d;
      sumSquares += d * d;
    }
    if (objective === "max") return max;
    if (objective === "mean") return sum / points.length;
    return Math.sqrt(sumSquares / points.length);
  };
  const result = minimise(entry, approximation, dimensions, measure, options);
  return { ...result, initialError: measure(approximation.params), objective };
}

/** The sample itself, or `limit` evenly spaced quantiles of it (min and max included). */
function reduceSample(samples: ArrayLike<number>, limit: number): Float64Array {
  const all = Float64Array.from(samples);
  if (all.length <= limit) return all;
  all.sort();
  const reduced = new Float64Array(limit);
  for (let i = 0; i < limit; i++)
    reduced[i] = all[Math.round((i * (all.length - 1)) / (limit - 1))]!;
  return reduced;
}

/** The search range of each fittable parameter: typical ∩ constraints, exclusive bounds nudged inside. */
function fitDimensions(entry: ApproximationDefinition, approximation: Activation): Dimension[] {
  const fittable = entry.fittable ?? [];
  if (fittable.length === 0)
    throw new KernelsError(
      "FIT_FAILED",
      `${entry.exact} → ${entry.approximation} has no fittable parameters (its catalog entry lists none)`,
    );
  return fittable.map((name) => {
    const spec = approximation.definition.parameters.find((s) => s.name === name);
    if (!spec)
      throw new KernelsError(
        "FIT_FAILED",
        `${entry.approximation} has no parameter "${name}" to fit (the catalog entry names it as fittable)`,
      );
    return dimension(spec);
  });
}

function dimension(spec: ParameterSpec): Dimension {
  let [lo, hi] = spec.typical ?? [spec.min ?? -10, spec.max ?? 10];
  if (spec.min !== undefined) lo = Math.max(lo, spec.min);
  if (spec.max !== undefined) hi = Math.min(hi, spec.max);
  const nudge = (x: number) => Math.max(Math.abs(x) * 1e-9, 1e-12);
  if (spec.minExclusive && spec.min !== undefined && lo <= spec.min)
    lo = spec.min + nudge(spec.min);
  if (spec.maxExclusive && spec.max !== undefined && hi >= spec.max)
    hi = spec.max - nudge(spec.max);
  if (spec.integer) {
    lo = Math.ceil(lo);
    hi = Math.floor(hi);
  }
  return {
    name: spec.name,
    lo,
    hi,
    log: !spec.integer && lo > 0 && hi / lo >= 20,
    integer: spec.integer === true,
  };
}

function fromUnit(d: Dimension, u: number): number {
  const t = Math.min(1, Math.max(0, u));
  const value = d.log ? d.lo * (d.hi / d.lo) ** t : d.lo + (d.hi - d.lo) * t;
  return d.integer ? Math.round(value) : Math.min(d.hi, Math.max(d.lo, value));
}

function toUnit(d: Dimension, value: number): number {
  if (d.hi === d.lo) return 0;
  const clamped = Math.min(d.hi, Math.max(d.lo, value));
  return d.log
    ? Math.log(clamped / d.lo) / Math.log(d.hi / d.lo)
    : (clamped - d.lo) / (d.hi - d.lo);
}

/** Minimises `objective` over the dimensions (see the file comment); FIT_FAILED when nothing finite is found or it does not converge. */
function minimise(
  entry: ApproximationDefinition,
  approximation: Activation,
  dimensions: readonly Dimension[],
  objective: (params: Parameters) => number,
  options: FitOptions,
): { params: Parameters; fitted: Parameters; error: number; evaluations: number } {
  const limit = options.maxEvaluations ?? 400;
  const name = `${entry.exact} → ${entry.approximation}`;
  let evaluations = 0;
  const paramsAt = (u: readonly number[]): Parameters => {
    const params: Record<string, number> = { ...approximation.params };
    dimensions.forEach((d, i) => {
      params[d.name] = fromUnit(d, u[i]!);
    });
    return params;
  };
  const cost = (u: readonly number[]) => {
    evaluations++;
    const value = objective(paramsAt(u));
    return Number.isNaN(value) ? Number.POSITIVE_INFINITY : value;
  };
  let best = dimensions.map((d) => toUnit(d, approximation.params[d.name]!));
  let bestCost = cost(best);
  // Coarse scans along each coordinate, from the best point so far.
  const gridIndex: number[] = [];
  for (let k = 0; k < dimensions.length; k++) {
    const d = dimensions[k]!;
    const steps = d.integer ? Math.min(d.hi - d.lo, 64) : 24;
    gridIndex[k] = -1;
    for (let i = 0; i <= steps; i++) {
      const trial = [...best];
      trial[k] = steps === 0 ? 0 : i / steps;
      const c = cost(trial);
      if (c < bestCost) {
        best = trial;
        bestCost = c;
        gridIndex[k] = i;
      }
    }
  }
  if (!Number.isFinite(bestCost))
    throw new KernelsError(
      "FIT_FAILED",
      `${name}: the error is unbounded for every tried value of ${dimensions.map((d) => d.name).join(", ")} in range`,
    );
  const continuous = dimensions.some((d) => !d.integer);
  if (continuous && dimensions.length === 1) {
    const steps = 24;
    const u = best[0]!;
    const refined = goldenMin(
      (t) => cost([t]),
      Math.max(0, u - 1 / steps),
      Math.min(1, u + 1 / steps),
      1e-9,
    );
    if (refined.value <= bestCost) {
      best = [refined.arg];
      bestCost = refined.value;
    }
  } else if (continuous) {
    const result = nelderMead(cost, best, bestCost, limit - evaluations);
    if (!result.converged)
      throw new KernelsError(
        "FIT_FAILED",
        `${name}: no convergence within ${limit} evaluations (best error ${result.value}); raise maxEvaluations`,
      );
    if (result.value <= bestCost) {
      best = result.arg;
      bestCost = result.value;
    }
  }
  const params = paramsAt(best);
  const fitted: Record<string, number> = {};
  for (const d of dimensions) fitted[d.name] = params[d.name]!;
  return { params, fitted, error: bestCost, evaluations };
}

/** Golden-section minimum of h on [a, b] to width `tolerance`. */
function goldenMin(
  h: (x: number) => number,
  a: number,
  b: number,
  tolerance: number,
): { value: number; arg: number } {
  const inverse = (Math.sqrt(5) - 1) / 2;
  let c = b - inverse * (b - a);
  let d = a + inverse * (b - a);
  let hc = h(c);
  let hd = h(d);
  while (b - a > tolerance) {
    if (hc <= hd) {
      b = d;
      d = c;
      hd = hc;
      c = b - inverse * (b - a);
      hc = h(c);
    } else {
      a = c;
      c = d;
      hc = hd;
      d = a + inverse * (b - a);
      hd = h(d);
    }
  }
  return hc <= hd ? { value: hc, arg: c } : { value: hd, arg: d };
}

/** Nelder–Mead in the unit cube (points clamped into it), from `start`. */
function nelderMead(
  h: (u: readonly number[]) => number,
  start: readonly number[],
  startValue: number,
  budget: number,
): { arg: number[]; value: number; converged: boolean } {
  const n = start.length;
  const clamp = (u: number[]) => u.map((v) => Math.min(1, Math.max(0, v)));
  let simplex: { u: number[]; value: number }[] = [{ u: [...start], value: startValue }];
  for (let i = 0; i < n; i++) {
    const u = [...start];
    u[i] = u[i]! + (u[i]! > 0.5 ? -0.05 : 0.05);
    simplex.push({ u, value: h(u) });
  }
  let used = n;
  while (used < budget) {
    simplex.sort((a, b) => a.value - b.value);
    const bestPoint = simplex[0]!;
    const worst = simplex[n]!;
    const size = Math.max(
      ...simplex.map((p) => Math.max(...p.u.map((v, i) => Math.abs(v - bestPoint.u[i]!)))),
    );
    const spread = worst.value - bestPoint.value;
    if (
      size < 1e-7 ||
      (size < 1e-4 && spread <= 1e-12 * Math.max(1e-300, Math.abs(bestPoint.value)))
    )
      return { arg: bestPoint.u, value: bestPoint.value, converged: true };
    const centroid = new Array<number>(n).fill(0);
    for (const p of simplex.slice(0, n)) for (let i = 0; i < n; i++) centroid[i]! += p.u[i]! / n;
    const along = (t: number) => clamp(centroid.map((c, i) => c + t * (worst.u[i]! - c)));
    const reflected = along(-1);
    const reflectedValue = h(reflected);
    used++;
    if (reflectedValue < bestPoint.value) {
      const expanded = along(-2);
      const expandedValue = h(expanded);
      used++;
      simplex[n] =
        expandedValue < reflectedValue
          ? { u: expanded, value: expandedValue }
          : { u: reflected, value: reflectedValue };
    } else if (reflectedValue < simplex[n - 1]!.value) {
      simplex[n] = { u: reflected, value: reflectedValue };
    } else {
      const contracted = along(reflectedValue < worst.value ? -0.5 : 0.5);
      const contractedValue = h(contracted);
      used++;
      if (contractedValue < Math.min(worst.value, reflectedValue))
        simplex[n] = { u: contracted, value: contractedValue };
      else {
        simplex = simplex.map((p, k) => {
          if (k === 0) return p;
          const u = p.u.map((v, i) => bestPoint.u[i]! + 0.5 * (v - bestPoint.u[i]!));
          used++;
          return { u, value: h(u) };
        });
      }
    }
  }
  simplex.sort((a, b) => a.value - b.value);
  return { arg: simplex[0]!.u, value: simplex[0]!.value, converged: false };
}
