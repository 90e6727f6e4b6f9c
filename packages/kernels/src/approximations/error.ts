import { type Activation, instantiate, type Parameters } from "../activation/activation.js";
import { getActivation } from "../activations/index.js";
import { normalCdf, normalPdf } from "../math/special.js";
import type { ApproximationDefinition } from "./approximation.js";
import { measureVector } from "./vector-error.js";

/**
 * The error engine: how far an approximation is from the activation it
 * stands in for, measured (never typed in) in float64 with `activation.f`.
 *
 * - Absolute error |g(x) − f(x)| (f exact, g the approximation), maximised
 *   over the domain (ℝ unless restricted): a dense grid (step 1/512 on
 *   [−16, 16], 1/128 out to ±32), a geometric grid out to ±2¹⁰⁰ ≈ ±1.27e30
 *   (16 points per octave), then golden-section refinement around the best
 *   grid maxima so that the argument is accurate.
 * - Unbounded: an error still growing at the edge of the geometric grid (its
 *   maximum over |x| ∈ (2⁷⁰, 2¹⁰⁰] exceeds 1.25× that over [2⁴⁰, 2⁷⁰], is
 *   above float64 rounding, and is the largest anywhere) is reported as
 *   Infinity with `unbounded` naming the side; a NaN or ±∞ from g where f is
 *   finite is an infinite error at that point (`unbounded: "point"`). A
 *   bounded error whose supremum is approached only in a tail (a limit, not
 *   attained) has its argument reported as ±Infinity. Where f itself
 *   overflows (eˣ beyond x ≈ 709.8) and g does not, the error is infinite.
 * - Relative error |g − f|/|f| at the points where |f| ≥ `relativeFloor`
 *   (default 1e-6); points below the floor are left to the absolute error
 *   (where f = 0 the relative error of any g ≠ 0 would be infinite).
 * - Mean absolute error under N(0, 1): ∫|g − f|φ over [−12, 12] ∩ domain by
 *   8-point Gauss–Legendre on panels ≤ 1/16 wide, split at the declared kinks
 *   and at the sign changes of g − f so that each panel integrates a smooth
 *   function; divided by P(X ∈ domain) for a restricted domain (the mean
 *   conditional on the domain).
 * - Multivariable activations (softmax, LogSumExp) are measured on a fixed,
 *   seeded set of rows instead (see `vectorRows`); errors are per output value,
 *   the argument is a summary of the worst row.
 */

/** Where an error grows without bound: towards −∞, +∞, both, or at a finite point (NaN or ±∞ from the approximation). */
export type Unbounded = "-inf" | "+inf" | "both" | "point";

/** A summary of a row of a multivariable activation's input (where its worst error occurred). */
export interface VectorSummary {
  readonly length: number;
  /** How the row was built: uniform, normal, ramp, one-high, one-low, two-level, offset. */
  readonly pattern: string;
  /** Half-width of the row's values (0 is a constant row). */
  readonly spread: number;
  readonly min: number;
  readonly max: number;
  /** Index of the worst output value (0 for a scalar output). */
  readonly index: number;
}

/** Options of measureError; the defaults are what the catalog uses. */
export interface ErrorOptions {
  /** Measure on this interval only (ℝ when omitted). */
  readonly domain?: readonly [number, number];
  /** |f| below which relative error is not measured. */
  readonly relativeFloor?: number;
  /** Skip relative and mean errors (what a fit needs), for speed. */
  readonly maxAbsOnly?: boolean;
  /** Step of the dense grid (default 1/512; the grid out to ±32 is 4× coarser). Fits search with 1/64. */
  readonly gridStep?: number;
}

/** Measured errors of an approximation g against an exact activation f. */
export interface ErrorMeasurement {
  readonly domain: readonly [number, number];
  /** sup |g − f| over the domain; Infinity when unbounded. */
  readonly maxAbsError: number;
  /** Where it is attained: ±Infinity for a limit in a tail or an unbounded tail; NaN for multivariable activations. */
  readonly argMaxAbsError: number;
  /** g − f at argMaxAbsError (the sign says whether g overshoots); NaN when unbounded. */
  readonly signedErrorAtMax: number;
  readonly maxAbsErrorUnbounded?: Unbounded;
  /** max |g − f|/|f| where |f| ≥ relativeFloor; Infinity when unbounded; NaN when no point qualifies. */
  readonly maxRelError: number;
  readonly argMaxRelError: number;
  readonly maxRelErrorUnbounded?: Unbounded;
  readonly relativeFloor: number;
  /** E|g(X) − f(X)|, X ~ N(0, 1) (conditional on the domain when restricted); NaN when the domain has no mass within ±12. */
  readonly meanAbsErrorNormal: number;
  /** Multivariable activations: the row where the max abs / rel error occurred. */
  readonly worstVector?: VectorSummary;
  readonly worstRelVector?: VectorSummary;
  /** Calls of g (the approximation). */
  readonly evaluations: number;
}

const defaultFloor = 1e-6;
const denseHalfWidth = 16;
const denseStep = 1 / 512;
const nearTailEnd = 32;
const tailEnd = 2 ** 100;
const tailPerOctave = 16;
const normalLimit = 12;

/** Instantiates both sides of a catalog entry, with optional overrides of the approximation's parameters. */
export function instantiateEntry(
  entry: ApproximationDefinition,
  approximationParams: Partial<Parameters> = {},
): { exact: Activation; approximation: Activation; domain: readonly [number, number] } {
  const exact = instantiate(getActivation(entry.exact), entry.exactParams);
  const derived = typeof entry.params === "function" ? entry.params(exact.params) : entry.params;
  const approximation = instantiate(getActivation(entry.approximation), {
    ...derived,
    ...approximationParams,
  });
  const domain = entry.domain ??
    approximation.definition.properties.domain ??
    exact.definition.properties.domain ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  return { exact, approximation, domain };
}

/** Measures a catalog entry on its domain (see measureError). */
export function measureEntry(
  entry: ApproximationDefinition,
  options: ErrorOptions = {},
  approximationParams: Partial<Parameters> = {},
): ErrorMeasurement {
  const { exact, approximation, domain } = instantiateEntry(entry, approximationParams);
  return measureError(exact, approximation, { domain, ...options });
}

/** Measures how far `approximation` is from `exact`: max abs and rel error with their arguments, mean abs error under N(0, 1). */
export function measureError(
  exact: Activation,
  approximation: Activation,
  options: ErrorOptions = {},
): ErrorMeasurement {
  if (exact.reduces || approximation.reduces)
    return measureVector(exact, approximation, options, defaultFloor);
  const domain = options.domain ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  const floor = options.relativeFloor ?? defaultFloor;
  let evaluations = 0;
  const g = (x: number) => {
    evaluations++;
    return approximation.f(x);
  };
  const absAt = (x: number) => {
    const f = exact.f(x);
    return Number.isNaN(f) ? -1 : difference(f, g(x));
  };
  const relAt = (x: number) => {
    const f = exact.f(x);
    return Number.isFinite(f) && Math.abs(f) >= floor ? difference(f, g(x)) / Math.abs(f) : -1;
  };
  const points = errorGrid(domain, options.gridStep);
  const abs = new Float64Array(points.length);
  const rel = new Float64Array(points.length);
  const signed = new Float64Array(points.length);
  const scale = new Float64Array(points.length);
  for (let i = 0; i < points.length; i++) {
    const x = points[i]!;
    const f = exact.f(x);
    if (Number.isNaN(f)) {
      abs[i] = rel[i] = -1;
      continue;
    }
    const y = g(x);
    abs[i] = difference(f, y);
    signed[i] = abs[i] === 0 || !Number.isFinite(f) ? 0 : y - f;
    rel[i] = Math.abs(f) < floor || !Number.isFinite(f) ? -1 : abs[i]! / Math.abs(f);
    scale[i] = Math.max(Math.abs(f), Number.isFinite(y) ? Math.abs(y) : 0);
  }
  const absMax = locateMax(points, abs, scale, absAt, domain);
  const signedErrorAtMax = Number.isFinite(absMax.arg)
    ? approximation.f(absMax.arg) - exact.f(absMax.arg)
    : Number.isFinite(absMax.value)
      ? signedTail(points, abs, absMax.arg, exact, approximation)
      : Number.NaN;
  const absolute = {
    domain,
    maxAbsError: absMax.value,
    argMaxAbsError: absMax.arg,
    signedErrorAtMax,
    ...(absMax.unbounded ? { maxAbsErrorUnbounded: absMax.unbounded } : {}),
  };
  if (options.maxAbsOnly)
    return {
      ...absolute,
      maxRelError: Number.NaN,
      argMaxRelError: Number.NaN,
      relativeFloor: floor,
      meanAbsErrorNormal: Number.NaN,
      evaluations,
    };
  const relMax = locateMax(points, rel, scale, relAt, domain, true);
  const kinks = [
    ...(exact.definition.properties.kinks?.(exact.params) ?? []),
    ...(approximation.definition.properties.kinks?.(approximation.params) ?? []),
  ];
  const mean = meanUnderNormal(absAt, points, signed, kinks, domain, (x) => {
    const f = exact.f(x);
    return Number.isFinite(f) ? g(x) - f : 0;
  });
  return {
    ...absolute,
    maxRelError: relMax.value,
    argMaxRelError: relMax.arg,
    ...(relMax.unbounded ? { maxRelErrorUnbounded: relMax.unbounded } : {}),
    relativeFloor: floor,
    meanAbsErrorNormal: mean,
    evaluations,
  };
}

/**
 * |g − f|, NaN or an infinite g counted as ∞, and differences within 8 ulps of
 * the larger value counted as 0: that is float64 rounding of either side (e.g.
 * (ln 2·x)/ln 2 ≠ x at x = 10³⁰), not approximation error.
 */
function difference(f: number, g: number): number {
  if (!Number.isFinite(f) || !Number.isFinite(g)) return f === g ? 0 : Number.POSITIVE_INFINITY;
  const d = Math.abs(g - f);
  return d <= 1.8e-15 * Math.max(Math.abs(f), Math.abs(g)) ? 0 : d;
}

/** g − f at the outermost grid point on the side of a tail limit. */
function signedTail(
  points: Float64Array,
  values: Float64Array,
  arg: number,
  exact: Activation,
  approximation: Activation,
): number {
  const i = arg < 0 ? 0 : points.length - 1;
  const x = points[i]!;
  return values[i]! < 0 ? Number.NaN : approximation.f(x) - exact.f(x);
}

export { seededUniform, type VectorRow, vectorRows } from "./vector-error.js";

/** The sorted measurement points within `domain` (see the file comment). */
export function errorGrid(domain: readonly [number, number], step = denseStep): Float64Array {
  const nearStep = 4 * step;
  const [lo, hi] = domain;
  const points: number[] = [];
  const push = (x: number) => {
    if (x >= lo && x <= hi) points.push(x);
  };
  // Negative tail (geometric), then the near tail, the dense core, and mirrored.
  const tail: number[] = [];
  const ratio = 2 ** (1 / tailPerOctave);
  for (let x = tailEnd; x > nearTailEnd * 1.0000001; x /= ratio) tail.push(x);
  tail.reverse(); // ascending, from just above 32 to 2¹⁰⁰
  for (let i = tail.length - 1; i >= 0; i--) push(-tail[i]!);
  const near = Math.round((nearTailEnd - denseHalfWidth) / nearStep);
  for (let i = 0; i < near; i++) push(-nearTailEnd + i * nearStep);
  const dense = Math.round((2 * denseHalfWidth) / step);
  for (let i = 0; i <= dense; i++) push(-denseHalfWidth + i * step);
  for (let i = near - 1; i >= 0; i--) push(nearTailEnd - i * nearStep);
  for (const x of tail) push(x);
  // Finite domain ends are measured too, and a domain narrower than the grid spacing still gets points.
  if (Number.isFinite(lo)) points.push(lo);
  if (Number.isFinite(hi)) points.push(hi);
  if (Number.isFinite(lo) && Number.isFinite(hi))
    for (let i = 1; i < 64; i++) points.push(lo + ((hi - lo) * i) / 64);
  const sorted = Float64Array.from(new Set(points)).sort();
  return sorted;
}

interface Located {
  value: number;
  arg: number;
  unbounded?: Unbounded;
}

/**
 * The maximum of `values` (−1 marks points that do not count) over the grid,
 * refined around the best local maxima by golden section on `at`, with the
 * tail-growth test for unbounded errors.
 */
function locateMax(
  points: Float64Array,
  values: Float64Array,
  scale: Float64Array,
  at: (x: number) => number,
  domain: readonly [number, number],
  relative = false,
): Located {
  const n = points.length;
  for (let i = 0; i < n; i++) {
    if (values[i] !== Number.POSITIVE_INFINITY) continue;
    const x = points[i]!;
    const side = x <= -nearTailEnd ? "-inf" : x >= nearTailEnd ? "+inf" : "point";
    const arg =
      side === "point" ? x : side === "-inf" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    return { value: Number.POSITIVE_INFINITY, arg, unbounded: side };
  }
  let best = -1;
  for (let i = 0; i < n; i++) if (values[i]! > (best < 0 ? -1 : values[best]!)) best = i;
  if (best < 0) return { value: Number.NaN, arg: Number.NaN };
  const finiteMax = values[best]!;
  // Tail growth on each infinite side.
  const growing: ("-inf" | "+inf")[] = [];
  for (const sign of [-1, 1] as const) {
    if (sign < 0 ? domain[0] !== Number.NEGATIVE_INFINITY : domain[1] !== Number.POSITIVE_INFINITY)
      continue;
    let inner = 0;
    let outer = 0;
    let outerScale = 0;
    for (let i = 0; i < n; i++) {
      const a = Math.abs(points[i]!);
      if (Math.sign(points[i]!) !== sign || a < 2 ** 40 || values[i]! < 0) continue;
      if (a <= 2 ** 70) inner = Math.max(inner, values[i]!);
      else if (values[i]! > outer) {
        outer = values[i]!;
        outerScale = scale[i]!;
      }
    }
    const aboveRounding = relative ? outer > 1e-9 : outer > 1e-9 * outerScale;
    if (outer > 1.25 * inner && aboveRounding && outer >= finiteMax)
      growing.push(sign < 0 ? "-inf" : "+inf");
  }
  if (growing.length > 0) {
    const unbounded = growing.length === 2 ? "both" : growing[0]!;
    const arg = growing[0] === "-inf" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    return { value: Number.POSITIVE_INFINITY, arg, unbounded };
  }
  // Refine the four largest local maxima: a neighbour's refined peak can beat the best grid point.
  const candidates: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v < 0) continue;
    if ((i > 0 && values[i - 1]! > v) || (i < n - 1 && values[i + 1]! > v)) continue;
    candidates.push(i);
  }
  candidates.sort((a, b) => values[b]! - values[a]! || a - b);
  let value = finiteMax;
  let arg = points[best]!;
  if (value === 0) return { value, arg: Number.NaN };
  for (const i of candidates.slice(0, 4)) {
    if (i === 0 || i === n - 1) continue;
    const refined = goldenMax(at, points[i - 1]!, points[i + 1]!, points[i]!, values[i]!);
    // A gain within rounding is a flat top: keep the grid point (often the exact argument, e.g. 0).
    if (refined.value > value * (1 + 1e-13)) {
      value = refined.value;
      arg = refined.arg;
    }
  }
  // A supremum approached in an infinite tail is a limit, not attained.
  if (arg === points[0] && domain[0] === Number.NEGATIVE_INFINITY) arg = Number.NEGATIVE_INFINITY;
  if (arg === points[n - 1] && domain[1] === Number.POSITIVE_INFINITY)
    arg = Number.POSITIVE_INFINITY;
  return { value, arg };
}

/** Golden-section search for the maximum of h on [a, b], never worse than the known point (x0, h0). */
function goldenMax(
  h: (x: number) => number,
  a: number,
  b: number,
  x0: number,
  h0: number,
): { value: number; arg: number } {
  const inverse = (Math.sqrt(5) - 1) / 2;
  let bestX = x0;
  let bestH = h0;
  let c = b - inverse * (b - a);
  let d = a + inverse * (b - a);
  let hc = h(c);
  let hd = h(d);
  for (let iteration = 0; iteration < 80; iteration++) {
    if (hc > bestH) [bestX, bestH] = [c, hc];
    if (hd > bestH) [bestX, bestH] = [d, hd];
    if (b - a <= 1e-13 * Math.max(1, Math.abs(a))) break;
    if (hc >= hd) {
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
  return { value: bestH, arg: bestX };
}

/** Nodes and weights of n-point Gauss–Legendre on [−1, 1] (Newton on Legendre P_n). */
function gaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let derivative = 0;
    for (let iteration = 0; iteration < 100; iteration++) {
      let previous = 1;
      let current = x;
      for (let k = 2; k <= n; k++) {
        const next = ((2 * k - 1) * x * current - (k - 1) * previous) / k;
        previous = current;
        current = next;
      }
      derivative = (n * (x * current - previous)) / (x * x - 1);
      const step = current / derivative;
      x -= step;
      if (Math.abs(step) < 1e-16) break;
    }
    nodes[i] = x;
    weights[i] = 2 / ((1 - x * x) * derivative * derivative);
  }
  return { nodes, weights };
}

const rule = gaussLegendre(8);

/**
 * ∫|e|φ over [−12, 12] ∩ domain, on panels split at kinks and at sign changes of
 * the signed error e (found on the dense grid, then bisected), divided by the
 * domain's normal mass when the domain is restricted.
 */
function meanUnderNormal(
  absAt: (x: number) => number,
  points: Float64Array,
  signed: Float64Array,
  kinks: readonly number[],
  domain: readonly [number, number],
  signedAt: (x: number) => number,
): number {
  const lo = Math.max(domain[0], -normalLimit);
  const hi = Math.min(domain[1], normalLimit);
  if (!(hi > lo)) return Number.NaN;
  const breaks = new Set<number>([lo, hi, 0, ...kinks]);
  // Sign changes of e between neighbouring grid points: |e| has a kink at each root.
  const roots: number[] = [];
  let previousX = Number.NaN;
  let previousE = 0;
  for (let i = 0; i < points.length && roots.length <= 256; i++) {
    const x = points[i]!;
    if (x < lo || x > hi) continue;
    const e = signed[i]!;
    if (previousE !== 0 && e !== 0 && Math.sign(e) !== Math.sign(previousE))
      roots.push(bisectRoot(signedAt, previousX, x, previousE));
    previousX = x;
    previousE = e;
  }
  // Hundreds of sign changes mean rounding noise, where the kinks do not matter.
  if (roots.length <= 256) for (const r of roots) breaks.add(r);
  const sorted = [...breaks].filter((x) => x >= lo && x <= hi).sort((a, b) => a - b);
  let sum = 0;
  for (let s = 0; s + 1 < sorted.length; s++) {
    const a = sorted[s]!;
    const b = sorted[s + 1]!;
    const panels = Math.max(1, Math.ceil((b - a) * 16));
    const width = (b - a) / panels;
    for (let p = 0; p < panels; p++) {
      const mid = a + (p + 0.5) * width;
      for (let k = 0; k < rule.nodes.length; k++) {
        const x = mid + 0.5 * width * rule.nodes[k]!;
        const e = absAt(x);
        if (e > 0) sum += 0.5 * width * rule.weights[k]! * e * normalPdf(x);
      }
    }
  }
  const mass =
    domain[0] === Number.NEGATIVE_INFINITY && domain[1] === Number.POSITIVE_INFINITY
      ? 1
      : normalCdf(Math.min(domain[1], 40)) - normalCdf(Math.max(domain[0], -40));
  return sum / mass;
}

/** A root of e in [a, b] where e(a) = ea and e(b) have opposite signs (bisection to float precision). */
function bisectRoot(e: (x: number) => number, a: number, b: number, ea: number): number {
  for (let i = 0; i < 60; i++) {
    const m = 0.5 * (a + b);
    if (m === a || m === b) break;
    const em = e(m);
    if (em === 0) return m;
    if (Math.sign(em) === Math.sign(ea)) {
      a = m;
      ea = em;
    } else b = m;
  }
  return 0.5 * (a + b);
}
