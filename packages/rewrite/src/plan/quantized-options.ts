import {
  type Activation,
  calibratedGrid,
  compileExpression,
  deviceErrors,
  type Expr,
  evaluatePwl,
  fitQuantizedTable,
  getActivation,
  instantiate,
  KernelsError,
  outputGrid,
  piecesOf,
  pwlExpression,
  type QuantizationGrid,
  quantizedTableExpression,
  snapPwlToGrid,
} from "@rectify/kernels";
import type { Site } from "../sites/site.js";
import type { Quantization } from "../targets/profile.js";
import type { SiteOption } from "./site-options.js";

/**
 * Stand-ins on an integer device (a profile with `quantization`): the
 * site's input is quantized per tensor over the range it takes (min/max
 * calibration on the inputs optimize ran), so a smooth activation becomes a
 * table on that grid, and every stand-in's error is what it adds to the
 * device's own output rounding, computed input integer by input integer.
 */

/** How a stand-in's error on the device was found. */
export type DeviceMethod =
  /** A table on the device's grid, simulated for every input integer as the device interpolates and rounds. */
  | "table"
  /** The stand-in computed exactly and rounded once, for every input integer. */
  | "every input"
  /** Bounded: its float error plus half an output step (rounding it moves it half a step at most). */
  | "float error + half a step";

/** What a site's stand-in does on the integer device. */
export interface DeviceError {
  readonly bits: 8 | 16;
  /** The calibration range of the site's input (widened to hold 0 by the grid). */
  readonly range: readonly [number, number];
  readonly input: QuantizationGrid;
  readonly output: QuantizationGrid;
  /** Cells of the table (table stand-ins). */
  readonly tableCells?: number;
  /** How far it raises the device's worst |error| against the activation above rounding the activation itself to the output grid, over the input integers: what the budget checks. */
  readonly addedError: number;
  /** With the output's own rounding (tables, and int8 stand-ins): max |device − f| over the input integers. */
  readonly totalError?: number;
  readonly method: DeviceMethod;
}

function exactActivation(site: Pick<Site, "activation" | "params">): Activation | undefined {
  try {
    const exact = instantiate(getActivation(site.activation), site.params);
    return exact.reduces ? undefined : exact;
  } catch {
    return undefined;
  }
}

function inputGrid(quantization: Quantization, range: readonly [number, number]) {
  return calibratedGrid(range, quantization.bits, quantization.symmetric);
}

const tableCache = new Map<string, SiteOption | string | undefined>();

/**
 * The device's table for the site's activation over `range`: one entry per
 * input integer (int8) or the profile's cells interpolated (int16), entries
 * rounded to the output grid. Its float form is a Lookup that gives the
 * device's values at every input of the grid; its float error (what a float
 * run of the model sees between grid inputs) is measured at 8,193 points of
 * the range. Undefined for activations over vectors or without a definition.
 */
export function quantizedTableOption(
  site: Pick<Site, "activation" | "params">,
  quantization: Quantization,
  range: readonly [number, number],
): SiteOption | string | undefined {
  const key = `${site.activation}${JSON.stringify(site.params)}|${JSON.stringify(quantization)}|${range[0]},${range[1]}`;
  if (tableCache.has(key)) return tableCache.get(key);
  const exact = exactActivation(site);
  let option: SiteOption | string | undefined;
  const table = exact ? tableFor(exact, quantization, range) : undefined;
  if (typeof table === "string") option = table;
  else if (exact && table) {
    const input = table.input;
    const expression = quantizedTableExpression(table);
    const { float64, float32 } = floatErrorOn(expression, exact, range);
    // One entry per input integer, or the cells' edges (the float Lookup keeps one more, past the last input).
    const entries = table.cells === 2 ** quantization.bits ? table.cells : table.cells + 1;
    option = {
      kind: "approximation",
      label: `${shortId(site)} int${quantization.bits} table (${entries} entries${table.cells < 2 ** quantization.bits ? ", interpolated" : ""}) on [${formatEnd(range[0])}, ${formatEnd(range[1])}]`,
      expression,
      maxAbsError: float64,
      maxAbsErrorFloat32: Math.max(float64, float32),
      meanAbsErrorNormal: Number.NaN,
      argMaxAbsError: Number.NaN,
      device: {
        bits: quantization.bits,
        range,
        input,
        output: table.output,
        tableCells: table.cells,
        addedError: table.addedError,
        totalError: table.totalError,
        method: "table",
      },
    };
  }
  tableCache.set(key, option);
  return option;
}

/** The device's table, or why there is none (the activation is not finite on the whole grid: log at 0). */
function tableFor(
  exact: Activation,
  quantization: Quantization,
  range: readonly [number, number],
): ReturnType<typeof fitQuantizedTable> | string {
  try {
    return fitQuantizedTable(exact.f, inputGrid(quantization, range), {
      cells: quantization.tableCells,
      symmetric: quantization.symmetric,
    });
  } catch (error) {
    if (error instanceof KernelsError) return error.message;
    throw error;
  }
}

/** max |error| of an expression against the activation at 8,193 points of the range, in float64 and float32. */
function floatErrorOn(expression: Expr, exact: Activation, range: readonly [number, number]) {
  const compiled = compileExpression(expression);
  let float64 = 0;
  let float32 = 0;
  for (let i = 0; i <= 8192; i++) {
    const x = range[0] + ((range[1] - range[0]) * i) / 8192;
    float64 = Math.max(float64, Math.abs(compiled.evaluate(x) - exact.f(x)));
    const x32 = Math.fround(x);
    float32 = Math.max(float32, Math.abs(compiled.evaluate32(x32) - exact.f(x32)));
  }
  return { float64, float32 };
}

const gridCache = new Map<string, SiteOption | undefined>();

/**
 * A piecewise-linear fit with its knots moved onto the device's input grid
 * (kernels' snapPwlToGrid: relu(q − q_t) is then exact in integers), measured
 * on the device like any other stand-in and in float on the range.
 * Undefined for options that are not piecewise-linear fits.
 */
export function gridKnotOption(
  option: SiteOption,
  site: Pick<Site, "activation" | "params">,
  quantization: Quantization,
  range: readonly [number, number],
): SiteOption | undefined {
  const fitted = option.activation;
  if (option.kind !== "approximation" || !fitted || !fitted.definition.name.endsWith("-pwl"))
    return undefined;
  const key = `${option.label}|${site.activation}${JSON.stringify(site.params)}|${JSON.stringify(quantization)}|${range[0]},${range[1]}`;
  if (gridCache.has(key)) return gridCache.get(key);
  const pieces = piecesOf(fitted.definition, fitted.params);
  const exact = exactActivation(site);
  let gridded: SiteOption | undefined;
  if (pieces && exact) {
    const input = inputGrid(quantization, range);
    const snapped = snapPwlToGrid(pieces, input);
    const expression = pwlExpression(snapped);
    const { float64, float32 } = floatErrorOn(expression, exact, range);
    const withFloat: SiteOption = {
      ...option,
      label: `${option.label}, knots on the int${quantization.bits} grid`,
      expression,
      maxAbsError: float64,
      maxAbsErrorFloat32: Math.max(float64, float32),
      meanAbsErrorNormal: Number.NaN,
      argMaxAbsError: Number.NaN,
    };
    const device = deviceErrorOf(withFloat, site, quantization, range, (x) =>
      evaluatePwl(snapped, x),
    );
    gridded = device ? { ...withFloat, device } : withFloat;
  }
  gridCache.set(key, gridded);
  return gridded;
}

/**
 * What another stand-in adds on the device: int8, computed for all 256
 * input integers with one rounding of its output; int16, its float error
 * plus half an output step. Undefined for activations over vectors.
 */
export function deviceErrorOf(
  option: SiteOption,
  site: Pick<Site, "activation" | "params">,
  quantization: Quantization,
  range: readonly [number, number],
  computes: (x: number) => number = (x) => option.activation!.f(x),
): DeviceError | undefined {
  const exact = exactActivation(site);
  if (!exact) return undefined;
  if (option.kind !== "approximation" || !option.activation || option.activation.reduces)
    return undefined;
  const input = inputGrid(quantization, range);
  let output: QuantizationGrid;
  try {
    output = outputGrid(exact.f, input, quantization.symmetric);
  } catch (error) {
    if (error instanceof KernelsError) return undefined; // not finite on the grid: no device figure
    throw error;
  }
  const common = { bits: quantization.bits, range, input, output } as const;
  if (quantization.bits === 8) {
    const { addedError, totalError } = deviceErrors(exact.f, computes, input, output);
    return {
      ...common,
      addedError,
      totalError,
      method: "every input",
    };
  }
  return {
    ...common,
    addedError: Math.max(option.maxAbsError, option.maxAbsErrorFloat32) + output.scale / 2,
    method: "float error + half a step",
  };
}

/** The activation with its parameters at 6 significant digits (`selu{alpha=1.67326,gamma=1.0507}`). */
function shortId(site: Pick<Site, "activation" | "params">): string {
  const params = Object.entries(site.params).map(
    ([name, value]) => `${name}=${Number(value.toPrecision(6))}`,
  );
  return params.length > 0 ? `${site.activation}{${params.join(",")}}` : site.activation;
}

function formatEnd(value: number): string {
  return String(Number(value.toPrecision(3)));
}
