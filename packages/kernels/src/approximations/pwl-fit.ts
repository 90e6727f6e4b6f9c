import { KernelsError } from "../errors/kernels-error.js";

/**
 * A continuous piecewise-linear function: straight lines through
 * (knots[i], values[i]) between the knots, and outside them the two lines
 * `left` and `right` (the function's asymptotes, so that the error stays
 * bounded over ℝ). `left` passes through the first knot and `right` through
 * the last.
 */
export interface PiecewiseLinear {
  readonly knots: Float64Array;
  readonly values: Float64Array;
  /** The line for x ≤ knots[0]: y = slope·x + intercept. */
  readonly left: Line;
  /** The line for x ≥ knots[K − 1]. */
  readonly right: Line;
}

export interface Line {
  readonly slope: number;
  readonly intercept: number;
}

/** Segments between the knots plus the two outer lines (K knots make K + 1 pieces). */
export function segmentCount(pwl: PiecewiseLinear): number {
  return pwl.knots.length + 1;
}

/** The piecewise-linear function's value at x (binary search over the knots). */
export function evaluatePwl(pwl: PiecewiseLinear, x: number): number {
  const { knots, values } = pwl;
  const last = knots.length - 1;
  if (Number.isNaN(x)) return x;
  if (x <= knots[0]!) return lineAt(pwl.left, x);
  if (x >= knots[last]!) return lineAt(pwl.right, x);
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (knots[mid]! <= x) lo = mid;
    else hi = mid;
  }
  const t = (x - knots[lo]!) / (knots[hi]! - knots[lo]!);
  return values[lo]! + t * (values[hi]! - values[lo]!);
}

/** The slope at x (the right-hand one at a knot). */
export function slopePwl(pwl: PiecewiseLinear, x: number): number {
  const { knots, values } = pwl;
  const last = knots.length - 1;
  if (Number.isNaN(x)) return x;
  if (x < knots[0]!) return pwl.left.slope;
  if (x >= knots[last]!) return pwl.right.slope;
  let i = 0;
  while (i < last - 1 && knots[i + 1]! <= x) i++;
  return (values[i + 1]! - values[i]!) / (knots[i + 1]! - knots[i]!);
}

const lineAt = (line: Line, x: number) => line.slope * x + line.intercept;

/** How a fit treats ℝ. */
export interface PwlFitOptions {
  /** Max |error| to meet everywhere on the domain (ℝ unless `domain`). */
  readonly maxError: number;
  /**
   * Fit only on this interval: outside it the pieces continue to the
   * asymptotes with whatever error that leaves (a distribution-aware fit puts
   * its knots where a model's inputs lie). Default: ℝ.
   */
  readonly range?: readonly [number, number];
  /**
   * The function's own domain when it is not ℝ (exp on (−∞, 0]): the fit ends
   * at its edge with a knot, and the line past it continues the last piece.
   */
  readonly domain?: readonly [number, number];
  /**
   * The lines f approaches at −∞ and +∞ and how far out they hold to 1e-9,
   * for functions that approach them too slowly for the fit to read them off
   * f (softsign: ±1, within e only from |x| ≈ 1/e). Default: read at ±64, ±256, ….
   */
  readonly asymptotes?: { readonly left: Line; readonly right: Line; readonly far: number };
  /**
   * The error allowed at x, when it varies (at most maxError anywhere): a
   * relative bound ε·|f(x)| plus a floor makes exp's pieces good relative to
   * exp itself, which a softmax's sum needs. Pass `density` to match.
   */
  readonly band?: (x: number) => number;
  /** f never decreases: neither may the fit (no piece slopes down). */
  readonly nondecreasing?: boolean;
  /**
   * Points per unit length at which the band is checked. Default: enough that
   * between two of them a function curving by up to 1 (|f″| ≤ 1, as every
   * activation here) strays at most 0.2% of maxError from the line.
   */
  readonly density?: number;
}

/**
 * Fits f with the fewest continuous pieces a greedy walk finds: from the
 * point where f meets its left asymptote to within `maxError`, each piece
 * goes as far as a straight line from the previous knot can stay within
 * ±maxError of f (the cone of feasible slopes, narrowed point by point, is
 * still open), and the walk ends on the right asymptote. In a convex or
 * concave stretch each piece is then the chord shifted by the error bound,
 * the classic minimum for a given max error, and the pieces still join.
 * f must approach straight lines at ±∞ exponentially fast (every smooth
 * rectifier and squashing function does; the asymptote is read off f at
 * ±64). One pass over the fitted range, at the grid step the error bound needs.
 */
export function fitPwl(f: (x: number) => number, options: PwlFitOptions): PiecewiseLinear {
  const { epsilon, band, step, start, finish, left, right, startsOnAsymptote, endsOnAsymptote } =
    fitInterval(f, options);
  const knots: number[] = [start];
  const values: number[] = [startsOnAsymptote ? lineAt(left!, start) : f(start)];
  for (let guard = 0; guard < 1_000_000; guard++) {
    const t = knots[knots.length - 1]!;
    const y = values[values.length - 1]!;
    let low = options.nondecreasing ? 0 : Number.NEGATIVE_INFINITY;
    let high = Number.POSITIVE_INFINITY;
    let reach: { x: number; low: number; high: number } | undefined;
    let ended = false;
    for (let x = Math.min(t + step, finish); ; x = Math.min(x + step, finish)) {
      const fx = f(x);
      const allowed = band(x);
      const nextLow = Math.max(low, (fx - allowed - y) / (x - t));
      const nextHigh = Math.min(high, (fx + allowed - y) / (x - t));
      if (nextLow > nextHigh) break;
      if (x >= finish) {
        // The last piece: onto the asymptote, or to f at the range's end, if the cone allows it;
        // else this piece ends one step short and the next one lands from closer. From one step
        // away it always lands (both ends are within epsilon of f).
        const target = endsOnAsymptote ? lineAt(right!, x) : fx;
        const slope = (target - y) / (x - t);
        if ((slope >= nextLow && slope <= nextHigh) || !reach) {
          knots.push(x);
          values.push(target);
          ended = true;
        }
        break;
      }
      low = nextLow;
      high = nextHigh;
      reach = { x, low, high };
    }
    if (ended) break;
    if (!reach)
      throw new KernelsError(
        "FIT_FAILED",
        `the piecewise-linear fit is stuck at x = ${t} (max error ${epsilon})`,
      );
    // Of the slopes still open, the one that leaves the next piece most room: below f where f
    // curves up (a chord shifted down), above it where f curves down.
    const fx = f(reach.x);
    const curvature = f(reach.x + 1e-3) - 2 * fx + f(reach.x - 1e-3);
    const wanted =
      (fx + (curvature > 0 ? -1 : curvature < 0 ? 1 : 0) * band(reach.x) - y) / (reach.x - t);
    const slope = Math.min(reach.high, Math.max(reach.low, wanted));
    knots.push(reach.x);
    values.push(y + slope * (reach.x - t));
  }
  const k = Float64Array.from(knots);
  const v = Float64Array.from(values);
  const slopeAt = (i: number) => (v[i + 1]! - v[i]!) / (k[i + 1]! - k[i]!);
  const last = k.length - 1;
  return {
    knots: k,
    values: v,
    left: outerLine(left, startsOnAsymptote, k[0]!, v[0]!, slopeAt(0)),
    right: outerLine(right, endsOnAsymptote, k[last]!, v[last]!, slopeAt(last - 1)),
  };
}

/**
 * Outside the knots: the asymptote when the fit starts (ends) on it; after a
 * fit to a narrower range, the line of the asymptote's slope through the end
 * knot (the error there stays bounded); on a finite domain's side, the end
 * piece continued.
 */
function outerLine(
  line: Line | undefined,
  onIt: boolean,
  x: number,
  y: number,
  slope: number,
): Line {
  if (onIt) return line!;
  const s = line?.slope ?? slope;
  return { slope: s, intercept: y - s * x };
}

/**
 * Fits f with a table on a uniform grid, interpolated linearly: the fewest
 * cells between the tails (where f meets its asymptotes to within maxError)
 * for which the interpolation stays within maxError, checked at 16 points per
 * cell. The table holds f at the grid points (the asymptotes' values at the
 * two ends when the fit runs to them); outside, the lines as in fitPwl. The
 * result's knots are the grid: `lookupTable` gives it as (x₀, h, values).
 */
export function fitLut(f: (x: number) => number, options: PwlFitOptions): PiecewiseLinear {
  const { epsilon, start, finish, left, right, startsOnAsymptote, endsOnAsymptote } = fitInterval(
    f,
    options,
  );
  const valuesFor = (cells: number) => {
    const h = (finish - start) / cells;
    return Float64Array.from({ length: cells + 1 }, (_, i) => {
      const x = i === cells ? finish : start + i * h;
      if (i === 0 && startsOnAsymptote) return lineAt(left!, x);
      if (i === cells && endsOnAsymptote) return lineAt(right!, x);
      return f(x);
    });
  };
  const fits = (cells: number) => {
    const values = valuesFor(cells);
    const h = (finish - start) / cells;
    for (let i = 0; i < cells; i++) {
      for (let j = 1; j < 16; j++) {
        const t = j / 16;
        const x = start + (i + t) * h;
        if (Math.abs(values[i]! + t * (values[i + 1]! - values[i]!) - f(x)) > epsilon) return false;
      }
    }
    return true;
  };
  let high = 1;
  while (!fits(high)) {
    high *= 2;
    if (high > 1 << 20)
      throw new KernelsError("FIT_FAILED", `no table of up to 2^20 cells fits within ${epsilon}`);
  }
  let low = high / 2;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (fits(mid)) high = mid;
    else low = mid;
  }
  const values = valuesFor(high);
  const h = (finish - start) / high;
  const knots = Float64Array.from({ length: high + 1 }, (_, i) =>
    i === high ? finish : start + i * h,
  );
  const slopeAt = (i: number) => (values[i + 1]! - values[i]!) / h;
  return {
    knots,
    values,
    left: outerLine(left, startsOnAsymptote, start, values[0]!, slopeAt(0)),
    right: outerLine(right, endsOnAsymptote, finish, values[high]!, slopeAt(high - 1)),
  };
}

/** Where a fit must hold and what lies outside: the tails' asymptotes and the interval between them. */
function fitInterval(f: (x: number) => number, options: PwlFitOptions) {
  const epsilon = options.maxError;
  if (!(epsilon > 0) || !Number.isFinite(epsilon))
    throw new KernelsError("PARAM_INVALID", `maxError must be a positive number, got ${epsilon}`);
  // Between grid points a line and f part by at most |f″|·h²/8: h = √(8 · 0.002 · maxError).
  const step = options.density ? 1 / options.density : Math.min(1 / 64, Math.sqrt(0.016 * epsilon));
  const domain = options.domain ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  const range = options.range ?? domain;
  const from = Math.max(range[0], domain[0]);
  const to = Math.min(range[1], domain[1]);
  if (!(from < to))
    throw new KernelsError("PARAM_INVALID", `the fit's range [${from}, ${to}] is empty`);
  const given = options.asymptotes;
  const leftTailLine = Number.isFinite(domain[0])
    ? undefined
    : given
      ? { line: given.left, far: given.far }
      : asymptote(f, -1);
  const rightTailLine = Number.isFinite(domain[1])
    ? undefined
    : given
      ? { line: given.right, far: given.far }
      : asymptote(f, 1);
  const left = leftTailLine?.line;
  const right = rightTailLine?.line;
  // Between the tails the fit must hold: from where the left asymptote is within epsilon from
  // there on down (or the range's start) to where the right one is (or the range's end).
  const band = options.band ? (x: number) => Math.min(epsilon, options.band!(x)) : () => epsilon;
  const leftTail = leftTailLine ? tailEnd(f, leftTailLine, band, -1) : Number.NEGATIVE_INFINITY;
  const rightTail = rightTailLine ? tailEnd(f, rightTailLine, band, 1) : Number.POSITIVE_INFINITY;
  let start = Math.max(from, leftTail);
  let finish = Math.min(to, rightTail);
  if (!(start < finish)) {
    // f is within epsilon of one asymptote or the other everywhere (a steep, scaled activation
    // at a loose bound): the pieces only have to cross from one to the other.
    start = Math.min(leftTail, rightTail);
    finish = Math.max(leftTail, rightTail);
    if (!(start < finish)) finish = start + Math.sqrt(epsilon);
  }
  // A walk of more than 2·10⁷ grid points (softsign below 1e−4: its tail starts at 1/e) would
  // take minutes: refused, so that a planner asking for it moves on.
  if ((finish - start) / step > 2e7)
    throw new KernelsError(
      "FIT_FAILED",
      `a piecewise-linear fit within ${epsilon} would walk ${((finish - start) / step).toExponential(1)} grid points over [${start.toPrecision(4)}, ${finish.toPrecision(4)}]`,
    );
  // The walk ends on the right asymptote when the fit runs to its tail, else at `finish` on f.
  const endsOnAsymptote = right !== undefined && finish === rightTail;
  return {
    epsilon,
    band,
    step,
    start,
    finish,
    left,
    right,
    startsOnAsymptote: left !== undefined && start === leftTail,
    endsOnAsymptote,
  };
}
/**
 * The line f approaches towards −∞ (side −1) or +∞ (side 1), and how far out
 * it holds: read from f at d and 2d, checked at 4d, for d = 64, 256, … until
 * the three agree (a scaled activation, softplus with k = 0.1, gets there
 * later).
 */
function asymptote(f: (x: number) => number, side: -1 | 1): { line: Line; far: number } {
  // Values a rounding away from 0 (sigmoid(−64) ≈ 1.6e−28) are 0: the tail is flat there.
  const snap = (value: number) => (Math.abs(value) < 1e-12 ? 0 : value);
  for (let far = 64; far <= 2 ** 20; far *= 4) {
    const at = side * far;
    const a = f(at);
    const b = f(2 * at);
    const slope = snap((b - a) / at);
    const intercept = snap(a - slope * at);
    const check = f(4 * at);
    if (
      Number.isFinite(a) &&
      Math.abs(slope * 4 * at + intercept - check) <= 1e-9 * Math.max(1, Math.abs(check))
    )
      return { line: { slope, intercept }, far };
  }
  throw new KernelsError(
    "FIT_FAILED",
    `the function has no straight asymptote towards ${side < 0 ? "−∞" : "+∞"} (a piecewise-linear fit over ℝ needs one)`,
  );
}

/** The innermost x (scanning from ±far towards 0) from which on f stays within the band of the line. */
function tailEnd(
  f: (x: number) => number,
  { line, far }: { line: Line; far: number },
  band: (x: number) => number,
  side: -1 | 1,
): number {
  const off = (x: number) => Math.abs(f(x) - lineAt(line, x)) > band(x);
  const steps = 4096;
  let inside = side * far;
  let outside = 0;
  for (let i = 1; i <= steps; i++) {
    const x = side * far * (1 - i / steps);
    if (off(x)) {
      outside = x;
      break;
    }
    inside = x;
  }
  for (let i = 0; i < 50; i++) {
    const mid = (inside + outside) / 2;
    if (off(mid)) outside = mid;
    else inside = mid;
  }
  return inside;
}
