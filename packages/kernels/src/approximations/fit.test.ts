import { describe, expect, it } from "vitest";
import { KernelsError } from "../errors/kernels-error.js";
import type { ApproximationDefinition } from "./approximation.js";
import { measureEntry, seededUniform } from "./error.js";
import { fitMinimax, fitToSample } from "./fit.js";
import { approximations } from "./index.js";

const squareplus: ApproximationDefinition = {
  exact: "softplus",
  approximation: "squareplus",
  params: { b: 4 },
  fittable: ["b"],
};
const maxErrorAt = (b: number) => measureEntry(squareplus, { maxAbsOnly: true }, { b }).maxAbsError;

/** Seeded N(0, σ²) inputs, like a layer's observed pre-activations. */
function normalSample(count: number, sigma: number, seed: number): Float64Array {
  const random = seededUniform(seed);
  return Float64Array.from({ length: count }, () => {
    const u = 1 - random();
    return sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  });
}

function sampleMaxError(b: number, samples: Float64Array): number {
  let max = 0;
  for (const x of samples) {
    const softplus = Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    max = Math.max(max, Math.abs((x + Math.sqrt(x * x + b)) / 2 - softplus));
  }
  return max;
}

const failure = (run: () => unknown): KernelsError => {
  try {
    run();
  } catch (error) {
    if (error instanceof KernelsError) return error;
    throw error;
  }
  throw new Error("expected a KernelsError");
};

describe("fitMinimax", () => {
  const fit = fitMinimax(squareplus);

  it("fits squareplus's b against softplus: better than b = 4 and a local optimum", () => {
    const b = fit.fitted.b!;
    expect(fit.error).toBeLessThan(maxErrorAt(4));
    expect(fit.initialError).toBeCloseTo(1 - Math.LN2, 12);
    expect(fit.error).toBeCloseTo(maxErrorAt(b), 12);
    for (const factor of [0.99, 1.01, 0.999, 1.001])
      expect(maxErrorAt(b * factor)).toBeGreaterThan(fit.error);
    expect(fit.params.b).toBe(b);
    expect(fit.objective).toBe("minimax");
    expect(fit.evaluations).toBeGreaterThan(25);
  });

  it("fits every fittable entry of the list within its parameter ranges, never above the starting error", () => {
    for (const entry of approximations.filter(
      (e) => e.fittable?.length === 1 && e.approximation !== "squareplus",
    )) {
      const result = fitMinimax(entry);
      expect(result.error).toBeLessThanOrEqual(result.initialError);
      for (const value of Object.values(result.fitted)) expect(value).toBeGreaterThan(0);
    }
  }, 60_000);

  it("fits two parameters at once (Mish's squareplus form: b and c) within their typical ranges", () => {
    const mish = approximations.find((e) => e.approximation === "mish-squareplus")!;
    const result = fitMinimax(mish);
    expect(result.error).toBeLessThan(result.initialError);
    expect(result.fitted.b).toBeGreaterThanOrEqual(0.05);
    expect(result.fitted.c).toBeGreaterThanOrEqual(0.05);
    expect(result.fitted.c).toBeLessThanOrEqual(20);
  }, 60_000);

  it("fails with FIT_FAILED for an entry without fittable parameters or without convergence", () => {
    const relu = failure(() => fitMinimax({ exact: "softplus", approximation: "relu" }));
    expect(relu.code).toBe("FIT_FAILED");
    expect(relu.message).toMatch(/no fittable parameters/);
    const mish = approximations.find((e) => e.approximation === "mish-squareplus")!;
    const capped = failure(() => fitMinimax(mish, { maxEvaluations: 55 }));
    expect(capped.code).toBe("FIT_FAILED");
    expect(capped.message).toMatch(/no convergence within 55 evaluations/);
  }, 60_000);
});

describe("fitToSample", () => {
  const minimaxB = fitMinimax(squareplus).fitted.b!;

  it("fits to a sample concentrated near 0: a different b, with less error on that sample", () => {
    const samples = normalSample(4000, 0.5, 7);
    const fit = fitToSample(squareplus, samples, { objective: "max" });
    expect(Math.abs(fit.fitted.b! - minimaxB)).toBeGreaterThan(0.05);
    expect(fit.error).toBeCloseTo(sampleMaxError(fit.fitted.b!, samples), 12);
    expect(fit.error).toBeLessThan(sampleMaxError(minimaxB, samples));
    expect(fit.error).toBeLessThan(fit.initialError);
    // A local optimum on the sample too.
    for (const factor of [0.98, 1.02])
      expect(sampleMaxError(fit.fitted.b! * factor, samples)).toBeGreaterThan(fit.error);
  });

  it("minimises the mean and rms error when asked, each at most the max fit's on its own objective", () => {
    const samples = normalSample(2000, 2, 11);
    const max = fitToSample(squareplus, samples, { objective: "max" });
    const mean = fitToSample(squareplus, samples, { objective: "mean" });
    const rms = fitToSample(squareplus, samples, { objective: "rms" });
    expect(mean.objective).toBe("mean");
    expect(rms.objective).toBe("rms");
    expect(mean.error).toBeLessThanOrEqual(max.error);
    expect(rms.error).toBeLessThanOrEqual(max.error);
    expect(mean.fitted.b).not.toBeCloseTo(max.fitted.b!, 3);
  });

  it("reduces a large sample to quantiles, keeping its extremes", () => {
    const samples = normalSample(50_000, 1, 3);
    const full = fitToSample(squareplus, samples, { objective: "max" });
    const reduced = fitToSample(squareplus, samples, { objective: "max", maxSamples: 2000 });
    expect(reduced.fitted.b).toBeCloseTo(full.fitted.b!, 2);
  });

  it("fails with FIT_FAILED for empty or non-finite samples, inputs outside the domain, and rows", () => {
    expect(failure(() => fitToSample(squareplus, [])).message).toMatch(/sample is empty/);
    const nan = failure(() => fitToSample(squareplus, [0, 1, Number.NaN]));
    expect(nan.code).toBe("FIT_FAILED");
    expect(nan.message).toMatch(/sample\[2\] is NaN/);
    expect(failure(() => fitToSample(squareplus, [Number.POSITIVE_INFINITY])).code).toBe(
      "FIT_FAILED",
    );
    const log = {
      exact: "log",
      approximation: "log-roots",
      domain: [1, 1024],
      fittable: ["k"],
    } as const;
    expect(failure(() => fitToSample(log, [0.5])).message).toMatch(/outside the entry's domain/);
    const softmax = approximations.find((e) => e.exact === "softmax")!;
    expect(failure(() => fitToSample(softmax, [1, 2])).message).toMatch(/multivariable/);
    expect(failure(() => fitToSample({ exact: "softplus", approximation: "relu" }, [1])).code).toBe(
      "FIT_FAILED",
    );
  });
});
