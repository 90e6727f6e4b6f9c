import { describe, expect, it } from "vitest";
import { instantiate } from "../activation/activation.js";
import { getActivation } from "../activations/index.js";
import { piecesOf } from "../activations/pwl-forms.js";
import { compileExpression } from "../expression/evaluate.js";
import { evaluatePwl } from "./pwl-fit.js";
import {
  calibratedGrid,
  dequantize,
  deviceErrors,
  deviceTableValue,
  fitQuantizedTable,
  integerRange,
  outputGrid,
  quantize,
  quantizedTableExpression,
  snapPwlToGrid,
} from "./quantized.js";

const silu = instantiate(getActivation("silu"));
const sigmoid = instantiate(getActivation("sigmoid"));

describe("quantization grids", () => {
  it("calibrates int8 asymmetrically: the range maps onto all 256 integers and 0 is exact", () => {
    const grid = calibratedGrid([-3, 9], 8, false);
    expect(grid.scale).toBeCloseTo(12 / 255, 12);
    expect(dequantize(grid, quantize(grid, 0))).toBe(0);
    expect(Math.abs(dequantize(grid, -128) - -3)).toBeLessThanOrEqual(grid.scale / 2);
    expect(Math.abs(dequantize(grid, 127) - 9)).toBeLessThanOrEqual(grid.scale / 2);
    // A range that does not hold 0 is widened to it.
    expect(dequantize(calibratedGrid([2, 5], 8, false), -128)).toBe(0);
  });

  it("calibrates int16 symmetrically with zero point 0 and saturates outside", () => {
    const grid = calibratedGrid([-3, 9], 16, true);
    expect(grid).toEqual({ bits: 16, scale: 9 / 32767, zeroPoint: 0 });
    expect(quantize(grid, 1e6)).toBe(32767);
    expect(quantize(grid, -1e6)).toBe(-32768);
  });

  it("refuses a range that is not finite", () => {
    expect(() => calibratedGrid([0, Number.POSITIVE_INFINITY], 8, false)).toThrow(/finite/);
  });
});

describe("device tables", () => {
  it("int8: one entry per input, so the table adds nothing to the output's rounding", () => {
    const input = calibratedGrid([-8, 8], 8, false);
    const table = fitQuantizedTable(silu.f, input);
    expect(table.cells).toBe(256);
    expect(table.addedError).toBe(0);
    expect(table.totalError).toBeLessThanOrEqual(table.output.scale / 2 + 1e-12);
    for (let q = -128; q <= 127; q++)
      expect(deviceTableValue(table, q)).toBe(quantize(table.output, silu.f(dequantize(input, q))));
  });

  it("int16: 512 interpolated cells raise the worst error by less than one output step, input by input", () => {
    const input = calibratedGrid([-8, 8], 16, true);
    const table = fitQuantizedTable(sigmoid.f, input, { cells: 512, symmetric: true });
    expect(table.entries.length).toBe(513);
    // Recomputed here over all 65,536 inputs from the device's arithmetic.
    let total = 0;
    let floor = 0;
    const [qmin, qmax] = integerRange(16);
    for (let q = qmin; q <= qmax; q++) {
      const exact = sigmoid.f(dequantize(input, q));
      total = Math.max(
        total,
        Math.abs(dequantize(table.output, deviceTableValue(table, q)) - exact),
      );
      floor = Math.max(
        floor,
        Math.abs(dequantize(table.output, quantize(table.output, exact)) - exact),
      );
    }
    expect(total).toBeCloseTo(table.totalError, 15);
    expect(floor).toBeCloseTo(table.floorError, 15);
    expect(table.addedError).toBeCloseTo(total - floor, 15);
    // Rounding f itself is off by half a step (1.5e-5 for sigmoid's output); interpolation over 1/32-wide cells
    // (|f″|·h²/8 ≈ 1.2e-5) raises that by less than a step.
    expect(floor).toBeLessThanOrEqual(table.output.scale / 2 + 1e-12);
    expect(table.addedError).toBeGreaterThan(0);
    expect(table.addedError).toBeLessThan(table.output.scale);
  });

  it("fewer cells cost accuracy: 32 cells for sigmoid on [−8, 8] add more than 1e-3", () => {
    const input = calibratedGrid([-8, 8], 16, true);
    const coarse = fitQuantizedTable(sigmoid.f, input, { cells: 32, symmetric: true });
    expect(coarse.addedError).toBeGreaterThan(1e-3);
    expect(coarse.addedError).toBeLessThan(5e-3);
    expect(() => fitQuantizedTable(sigmoid.f, input, { cells: 48 })).toThrow(/power of two/);
  });

  it("the float expression gives the device's values at every input of its grid, and saturates beyond", () => {
    for (const [bits, cells] of [
      [8, 256],
      [16, 1024],
    ] as const) {
      const input = calibratedGrid([-5, 7], bits, bits === 16);
      const table = fitQuantizedTable(silu.f, input, { cells, symmetric: bits === 16 });
      const compiled = compileExpression(quantizedTableExpression(table));
      const [qmin, qmax] = integerRange(bits);
      const stride = bits === 8 ? 1 : 37;
      for (let q = qmin; q <= qmax; q += stride) {
        const device = dequantize(table.output, deviceTableValue(table, q));
        const float = compiled.evaluate(dequantize(input, q));
        // Interpolated cells round once on the device: the float form is within half an output step.
        expect(Math.abs(float - device)).toBeLessThanOrEqual(table.output.scale / 2 + 1e-9);
      }
      const top = dequantize(table.output, deviceTableValue(table, qmax));
      expect(Math.abs(compiled.evaluate(1e4) - top)).toBeLessThanOrEqual(
        table.output.scale * 1.001,
      );
    }
  });

  it("measures a stand-in as the device rounds it: the function itself adds 0, hard-sigmoid its own error", () => {
    const input = calibratedGrid([-6, 6], 8, false);
    const output = outputGrid(sigmoid.f, input, false);
    expect(deviceErrors(sigmoid.f, sigmoid.f, input, output).addedError).toBe(0);
    const hard = instantiate(getActivation("hard-sigmoid"));
    const {
      addedError: added,
      totalError,
      floorError,
    } = deviceErrors(sigmoid.f, hard.f, input, output);
    expect(added).toBeCloseTo(totalError - floorError, 15);
    let float = 0;
    for (let q = -128; q <= 127; q++) {
      const x = dequantize(input, q);
      float = Math.max(float, Math.abs(hard.f(x) - sigmoid.f(x)));
    }
    // Rounding g moves it at most half a step, and rounding f is off by up to half a step: the raise is the
    // float error give or take half a step.
    expect(added).toBeGreaterThan(float - output.scale - 1e-12);
    expect(added).toBeLessThanOrEqual(float + output.scale / 2 + 1e-12);
    expect(added).toBeGreaterThan(0.06);
  });
});

describe("piecewise-linear pieces on a device's grid", () => {
  it("moves every knot to an input integer and stays within a quarter step of the fit (sigmoid's slopes ≤ 1/4)", () => {
    const fit = instantiate(getActivation("sigmoid-pwl"), { e: 1e-3 });
    const pieces = piecesOf(fit.definition, fit.params)!;
    const grid = calibratedGrid([-5, 5], 8, false);
    const snapped = snapPwlToGrid(pieces, grid);
    // Knots beyond the grid's ends are dropped; those inside sit on integers.
    const inside = pieces.knots.filter((t) => t > -5 - grid.scale && t < 5 + grid.scale).length;
    expect(snapped.knots.length).toBeLessThanOrEqual(inside);
    expect(snapped.knots.length).toBeGreaterThan(inside / 2);
    for (const t of snapped.knots) {
      const q = t / grid.scale + grid.zeroPoint;
      expect(Math.abs(q - Math.round(q))).toBeLessThan(1e-9);
    }
    let apart = 0;
    let error = 0;
    for (let q = -128; q <= 127; q++) {
      const x = dequantize(grid, q);
      apart = Math.max(apart, Math.abs(evaluatePwl(snapped, x) - evaluatePwl(pieces, x)));
      error = Math.max(error, Math.abs(evaluatePwl(snapped, x) - sigmoid.f(x)));
    }
    expect(apart).toBeLessThanOrEqual(0.25 * grid.scale);
    expect(error).toBeLessThanOrEqual(1e-3 + 0.25 * grid.scale);
  });
});
