import { KernelsError } from "../errors/kernels-error.js";
import { Expr } from "../expression/expression.js";
import { evaluatePwl, type PiecewiseLinear } from "./pwl-fit.js";

/**
 * Integer devices (int8 and int16 NPUs and DSPs) hold a tensor as integers q
 * in [qmin, qmax] standing for x = scale·(q − zeroPoint), one scale and zero
 * point per tensor (per-tensor affine quantization, as post-training min/max
 * calibration sets it). An activation there is a table indexed by q: int8
 * devices keep one entry per input (256), int16 devices a table of 2ᵏ + 1
 * entries interpolated in integer arithmetic (65,536 entries would not fit).
 * This file builds those tables and computes, input by input, what the
 * device returns.
 */

/** How a device quantizes one tensor. */
export interface QuantizationGrid {
  readonly bits: 8 | 16;
  /** The real value of one integer step. */
  readonly scale: number;
  /** The integer that stands for 0. */
  readonly zeroPoint: number;
}

/** The smallest and largest integer of a signed `bits`-bit tensor. */
export function integerRange(bits: 8 | 16): [number, number] {
  return [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1];
}

/** The real value of integer q. */
export function dequantize(grid: QuantizationGrid, q: number): number {
  return grid.scale * (q - grid.zeroPoint);
}

/** The nearest integer of the grid to x (ties away from zero), saturated to its range. */
export function quantize(grid: QuantizationGrid, x: number): number {
  const [qmin, qmax] = integerRange(grid.bits);
  const q = roundHalfAway(x / grid.scale) + grid.zeroPoint;
  return Math.min(qmax, Math.max(qmin, q));
}

function roundHalfAway(v: number): number {
  return Math.sign(v) * Math.round(Math.abs(v));
}

/**
 * The grid min/max calibration gives a tensor whose values span [lo, hi]:
 * the range is widened to hold 0 (so that 0 is exact, as zero padding
 * needs). Asymmetric grids map [lo, hi] onto all 2ᵇ integers with a zero
 * point; symmetric ones (the usual int16 scheme) keep zero point 0 and
 * scale by the larger of |lo| and |hi|.
 */
export function calibratedGrid(
  range: readonly [number, number],
  bits: 8 | 16,
  symmetric: boolean,
): QuantizationGrid {
  const [lo, hi] = range;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi))
    throw new KernelsError(
      "PARAM_INVALID",
      `a quantization range must be finite with lo ≤ hi, got [${lo}, ${hi}]`,
    );
  const low = Math.min(lo, 0);
  const high = Math.max(hi, 0);
  const [qmin, qmax] = integerRange(bits);
  if (symmetric) {
    const bound = Math.max(-low, high);
    return { bits, scale: bound > 0 ? bound / qmax : 1, zeroPoint: 0 };
  }
  if (high === low) return { bits, scale: 1, zeroPoint: 0 };
  const scale = (high - low) / (qmax - qmin);
  const zeroPoint = Math.min(qmax, Math.max(qmin, Math.round(qmin - low / scale)));
  return { bits, scale, zeroPoint };
}

/** A device's activation table. */
export interface QuantizedTable {
  readonly input: QuantizationGrid;
  readonly output: QuantizationGrid;
  /** Cells of the table (2ᵏ): the entries sit every 2ᵇ / cells input integers, from qmin. */
  readonly cells: number;
  /** cells + 1 output integers (the last one a step past qmax, so no index needs a clamp). */
  readonly entries: Int32Array;
  /** totalError − floorError: how far the table raises the device's worst error above rounding f itself (0 for one entry per input). */
  readonly addedError: number;
  /** max |device(q) − f(x_q)| over every input integer, in real units: the table and the output rounding together. */
  readonly totalError: number;
  /** max |round(f(x_q)) − f(x_q)| over every input integer: the least any table can do on this output grid (about half a step). */
  readonly floorError: number;
}

/**
 * What the device returns for input integer q: the entry of q's cell plus
 * the difference to the next entry times q's offset in the cell, divided by
 * the cell width with the rounding an arithmetic shift by one bit less gives
 * (half up), saturated to the output's range.
 */
export function deviceTableValue(table: QuantizedTable, q: number): number {
  const [qmin] = integerRange(table.input.bits);
  return interpolated(
    table.entries,
    2 ** table.input.bits / table.cells,
    q - qmin,
    table.output.bits,
  );
}

/** The device's value at `offset` input integers past qmin (see deviceTableValue). */
function interpolated(entries: Int32Array, width: number, offset: number, bits: 8 | 16): number {
  const cell = Math.floor(offset / width);
  const within = offset - cell * width;
  const a = entries[cell]!;
  const value = a + Math.floor(((entries[cell + 1]! - a) * within + width / 2) / width);
  const [outMin, outMax] = integerRange(bits);
  return Math.min(outMax, Math.max(outMin, value));
}

/** f at every input integer and one past the last (a table's last entry sits there). */
function onGrid(f: (x: number) => number, input: QuantizationGrid): Float64Array {
  const [qmin] = integerRange(input.bits);
  const size = 2 ** input.bits;
  const values = new Float64Array(size + 1);
  for (let i = 0; i <= size; i++) {
    const x = dequantize(input, qmin + i);
    const y = f(x);
    if (!Number.isFinite(y))
      throw new KernelsError(
        "FIT_FAILED",
        `f is not finite at ${x}, an input of the quantization grid`,
      );
    values[i] = y;
  }
  return values;
}

/** The output grid calibration gives f's values over every input integer (the range holds 0). */
export function outputGrid(
  f: (x: number) => number,
  input: QuantizationGrid,
  symmetric: boolean,
): QuantizationGrid {
  return outputGridOf(onGrid(f, input), input.bits, symmetric);
}

function outputGridOf(values: Float64Array, bits: 8 | 16, symmetric: boolean): QuantizationGrid {
  let low = 0;
  let high = 0;
  for (let i = 0; i < values.length - 1; i++) {
    if (values[i]! < low) low = values[i]!;
    if (values[i]! > high) high = values[i]!;
  }
  return calibratedGrid([low, high], bits, symmetric);
}

/**
 * The table for f on a device whose input grid is `input`: output grid from
 * f's range over every input integer (calibrated like the input), entries f
 * at the cell edges rounded to it, then (interpolated tables) each entry
 * moved by one step while that lowers the worst error of its two cells.
 * Errors are computed input by input, as the device computes them.
 */
export function fitQuantizedTable(
  f: (x: number) => number,
  input: QuantizationGrid,
  options: { readonly cells?: number; readonly symmetric?: boolean } = {},
): QuantizedTable {
  const size = 2 ** input.bits;
  const cells = options.cells ?? size;
  if (!(Number.isInteger(Math.log2(cells)) && cells >= 2 && cells <= size))
    throw new KernelsError(
      "PARAM_INVALID",
      `a table's cells must be a power of two from 2 to ${size}, got ${cells}`,
    );
  const width = size / cells;
  const exact = onGrid(f, input);
  const output = outputGridOf(exact, input.bits, options.symmetric ?? false);
  const ideal = Int32Array.from(exact, (y) => quantize(output, y));
  const entries = Int32Array.from({ length: cells + 1 }, (_, i) => ideal[i * width]!);
  const worstIn = (cell: number) => {
    let worst = 0;
    for (let i = cell * width; i < (cell + 1) * width; i++) {
      const value = interpolated(entries, width, i, output.bits);
      const error = Math.abs(dequantize(output, value) - exact[i]!);
      if (error > worst) worst = error;
    }
    return worst;
  };
  if (width > 1) {
    for (let pass = 0; pass < 4; pass++) {
      let moved = false;
      for (let k = 0; k <= cells; k++) {
        const around = () => Math.max(k > 0 ? worstIn(k - 1) : 0, k < cells ? worstIn(k) : 0);
        const before = around();
        const kept = entries[k]!;
        for (const step of [-1, 1]) {
          entries[k] = kept + step;
          if (around() < before) {
            moved = true;
            break;
          }
          entries[k] = kept;
        }
      }
      if (!moved) break;
    }
  }
  let floor = 0;
  let total = 0;
  for (let i = 0; i < size; i++) {
    const q = interpolated(entries, width, i, output.bits);
    floor = Math.max(floor, Math.abs(dequantize(output, ideal[i]!) - exact[i]!));
    total = Math.max(total, Math.abs(dequantize(output, q) - exact[i]!));
  }
  return {
    input,
    output,
    cells,
    entries,
    addedError: Math.max(0, total - floor),
    totalError: total,
    floorError: floor,
  };
}

/**
 * The table as a float expression that gives the device's values at every
 * input of its grid: one Lookup over the cell edges (dequantized), clipped
 * to the grid's range as the device saturates. Between grid inputs it
 * interpolates, which a float run of the model sees and the device never.
 */
export function quantizedTableExpression(table: QuantizedTable, x: Expr = Expr.input()): Expr {
  const [qmin] = integerRange(table.input.bits);
  const width = 2 ** table.input.bits / table.cells;
  const values = Array.from(table.entries, (q) => dequantize(table.output, q));
  return x.lookup(dequantize(table.input, qmin), table.input.scale * width, values);
}

/**
 * How far a stand-in g raises the device's worst error against f above what
 * rounding f itself to `output` gives: max |round(g(x_q)) − f(x_q)| minus
 * max |round(f(x_q)) − f(x_q)| over every input integer q, in real units, on
 * a device that computes g exactly and rounds its output once (the
 * assumption for forms that are not tables; a device that rounds between ops
 * does worse). Any g within d of f raises it by at most d; the function itself
 * by 0. (Counting the inputs where round(g) and round(f) differ instead would
 * charge a whole step for any g ≠ f, however close.)
 */
export function deviceErrors(
  f: (x: number) => number,
  g: (x: number) => number,
  input: QuantizationGrid,
  output: QuantizationGrid,
): DeviceErrors {
  const [qmin, qmax] = integerRange(input.bits);
  let total = 0;
  let floor = 0;
  for (let q = qmin; q <= qmax; q++) {
    const x = dequantize(input, q);
    const gx = g(x);
    if (!Number.isFinite(gx))
      return {
        addedError: Number.POSITIVE_INFINITY,
        totalError: Number.POSITIVE_INFINITY,
        floorError: floor,
      };
    const fx = f(x);
    total = Math.max(total, Math.abs(dequantize(output, quantize(output, gx)) - fx));
    floor = Math.max(floor, Math.abs(dequantize(output, quantize(output, fx)) - fx));
  }
  return { addedError: Math.max(0, total - floor), totalError: total, floorError: floor };
}

/** A stand-in's errors on a device (see QuantizedTable's fields of the same names). */
export interface DeviceErrors {
  readonly addedError: number;
  readonly totalError: number;
  readonly floorError: number;
}

/**
 * Piecewise-linear pieces with every knot moved to the nearest input of the
 * device's grid (so relu(q − q_t) is exact in integers), knots beyond the
 * grid's ends dropped (the device never sees those inputs), and the values at
 * the new knots read off the old pieces: the result interpolates them, so it
 * departs from them by at most the change of slope at a knot times half a
 * grid step. Outside the new ends, lines with the old outer slopes.
 */
export function snapPwlToGrid(pwl: PiecewiseLinear, grid: QuantizationGrid): PiecewiseLinear {
  const [qmin, qmax] = integerRange(grid.bits);
  const snapped = new Set<number>();
  for (const t of pwl.knots) {
    const q = Math.round(t / grid.scale) + grid.zeroPoint;
    if (q >= qmin && q <= qmax) snapped.add(q);
  }
  // Two knots at least: the grid's ends when every knot lay beyond one of them.
  if (snapped.size < 2) {
    snapped.add(qmin);
    snapped.add(qmax);
  }
  const knots = Float64Array.from(
    [...snapped].sort((a, b) => a - b),
    (q) => dequantize(grid, q),
  );
  const values = Float64Array.from(knots, (t) => evaluatePwl(pwl, t));
  const last = knots.length - 1;
  const line = (slope: number, at: number) => ({
    slope,
    intercept: values[at]! - slope * knots[at]!,
  });
  return { knots, values, left: line(pwl.left.slope, 0), right: line(pwl.right.slope, last) };
}
