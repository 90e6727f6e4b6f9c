// The generated WGSL kernels of every registered activation, run on a real
// WebGPU adapter (SwiftShader in headless Debian Chromium, one browser for
// the whole file), against the float64 reference. Adding an activation to
// src/activations/index.ts is enough for it to be checked here.
//
// Tolerance. For a finite input x (in the activation's domain) the reference
// is activation.f(x) (compiled.evaluateVector(row) for reducing activations),
// and a float32 result passes when
//   |got − ref| ≤ 2⁻¹⁴·|ref| + 4·E(x)
// where E(x) is the running float32 error bound of the expression at x
// (test-support/float32-error-bound.ts): a few ULP of each result where
// nothing cancels, the operands' absolute errors where a − b cancels
// (squareplus at x ≪ 0, GELU's 1 + erf), the full jump where a comparison
// could go either way. Subnormals: WGSL lets an implementation flush them
// (SwiftShader does, inputs and results alike), so a subnormal input may
// also give the result for ±0, and E counts 2⁻¹²⁶ for each subnormal
// intermediate. A reference beyond the float32 range must give ±∞ of its
// sign (or the largest float32). For ±∞ and NaN inputs the reference is the
// float64 expression itself (compiled.evaluate / evaluateVector): NaN must
// give NaN, ±∞ must match exactly, finite values within the bound above.
// WGSL also lets implementations ignore ±∞ and NaN; the kernels test for them
// by their bits, and this test asserts that SwiftShader honours them.
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Activation,
  type ActivationDefinition,
  instantiate,
  type Parameters,
  resolveParameters,
} from "../activation/activation.js";
import { activations } from "../activations/index.js";
import { seededRandom } from "../test-support/seeded-random.js";
import type { DriverPage } from "./test-support/browser-harness.js";
import { openDriverPage } from "./test-support/browser-harness.js";
import { float32ErrorBound, overflowsFloat32 } from "./test-support/float32-error-bound.js";
import type { KernelCase, KernelResult, PageDriver } from "./test-support/page-driver.js";

const float32Max = 3.4028234663852886e38;
const smallestNormal = 2 ** -126;
const relativeTolerance = 2 ** -20;
const boundFactor = 4;
const edges = [
  0, -0, 1e-45, -1e-45, 1.1754942e-38, -1.1754942e-38, 1, -1, 88, -88, 89, -89, 100, -100, 1e4,
  -1e4, 3.4e38, -3.4e38,
];
const specials = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN];
const randomCount = 1024;
/** Row length for reducing activations (softmax, LogSumExp). */
const rowLength = 8;

/** Default parameters, and one set with every parameter moved off its default (when it has any). */
function parameterSets(definition: ActivationDefinition): Parameters[] {
  const sets: Parameters[] = [{}];
  if (definition.parameters.length === 0) return sets;
  const changed: Record<string, number> = {};
  for (const spec of definition.parameters) {
    const [low, high] = spec.typical ?? [spec.min ?? -10, spec.max ?? 10];
    const candidates = spec.integer
      ? [spec.default + 1, spec.default - 1]
      : [
          (spec.default + high) / 2,
          (spec.default + low) / 2,
          high,
          low,
          spec.default * 1.5,
          spec.default + 1,
        ];
    const valid = candidates.find((value) => {
      if (value === spec.default || !Number.isFinite(value)) return false;
      try {
        resolveParameters(definition, { [spec.name]: value });
        return true;
      } catch {
        return false;
      }
    });
    if (valid !== undefined) changed[spec.name] = Math.fround(valid);
  }
  if (Object.keys(changed).length > 0) sets.push(resolveParameters(definition, changed));
  return sets;
}

/** Random finite inputs at several scales, inside the domain, rounded to float32. */
function randomInputs(definition: ActivationDefinition, seed: number, count: number): number[] {
  const next = seededRandom(seed);
  const [low, high] = definition.properties.domain ?? [-Infinity, Infinity];
  const values: number[] = [];
  while (values.length < count) {
    const kind = next();
    const sign = next() < 0.5 ? -1 : 1;
    let x: number;
    if (kind < 0.4) x = (next() - 0.5) * 12;
    else if (kind < 0.7) x = (next() - 0.5) * 200;
    else x = sign * 10 ** (next() * 16 - 8);
    if (x < low || x > high) x = Math.max(low, Math.min(high, -x));
    if (x < low || x > high) continue;
    values.push(Math.fround(x));
  }
  return values;
}

interface Check {
  readonly activation: Activation;
  readonly kernelCase: KernelCase;
}

function buildChecks(): Check[] {
  const checks: Check[] = [];
  activations.forEach((definition, index) => {
    parameterSets(definition).forEach((params, setIndex) => {
      const activation = instantiate(definition, params);
      const [low, high] = definition.properties.domain ?? [-Infinity, Infinity];
      // The kernels see float32 inputs: 3.4e38 is 3.3999999521443642e38 there.
      const special = [...edges, ...specials]
        .map(Math.fround)
        .filter((x) => Number.isNaN(x) || (x >= low && x <= high));
      const seed = 1000 * index + setIndex + 1;
      if (!activation.reduces) {
        const inputs = [...special, ...randomInputs(definition, seed, randomCount)];
        checks.push({ activation, kernelCase: { name: definition.name, params, inputs } });
        return;
      }
      // Rows: random ones, each edge value among random neighbours, and rows of one repeated edge.
      const inputs = randomInputs(definition, seed, randomCount);
      const filler = seededRandom(seed + 7);
      for (const x of special) {
        const row = Array.from({ length: rowLength }, () => Math.fround((filler() - 0.5) * 20));
        row[Math.floor(filler() * rowLength)] = x;
        inputs.push(...row, ...Array.from({ length: rowLength }, () => x));
      }
      inputs.push(...[Infinity, 1, Infinity, -Infinity, 2, 3, 4, 5]);
      checks.push({ activation, kernelCase: { name: definition.name, params, inputs, rowLength } });
    });
  });
  return checks;
}

/** Why `got` is not within the tolerance of `ref`, or undefined when it is. */
function mismatch(got: number, ref: number, bound: number, exact: boolean): string | undefined {
  if (Number.isNaN(ref)) return Number.isNaN(got) ? undefined : "expected NaN";
  if (Number.isNaN(got)) return "got NaN";
  if (!Number.isFinite(ref) || Math.abs(ref) > float32Max) {
    if (exact && !Number.isFinite(ref)) return got === ref ? undefined : `expected ${ref}`;
    // Beyond the float32 range: ±∞ of the same sign, or the largest float32.
    return Math.sign(got) === Math.sign(ref) && Math.abs(got) >= float32Max * (1 - 2 ** -20)
      ? undefined
      : `expected ${ref > 0 ? "+" : "−"}∞ (overflow)`;
  }
  if (!Number.isFinite(got)) return `got ${got}`;
  const tolerance = relativeTolerance * Math.abs(ref) + boundFactor * bound;
  return Math.abs(got - ref) <= tolerance
    ? undefined
    : `|error| ${Math.abs(got - ref)} > ${tolerance}`;
}

function isSubnormal(x: number): boolean {
  return x !== 0 && Math.abs(x) < smallestNormal;
}

/** Inputs whose error bound is infinite (nothing is claimed there), per activation id. */
const unchecked = new Map<string, number[]>();

function noteUnchecked(activation: Activation, bound: number, x: number) {
  if (Number.isFinite(bound)) return;
  const list = unchecked.get(activation.id) ?? [];
  list.push(x);
  unchecked.set(activation.id, list);
}

/** Failures of an elementwise case, each described with input, output and reference. */
function elementFailures(activation: Activation, inputs: readonly number[], outputs: number[]) {
  const failures: string[] = [];
  inputs.forEach((x, i) => {
    const got = outputs[i]!;
    const finite = Number.isFinite(x);
    // A subnormal input may be flushed to ±0, by some instructions and not others.
    const candidates = finite && isSubnormal(x) ? [x, 0, -0] : [x];
    const problems = candidates.map((input) => {
      const ref = finite ? activation.f(input) : activation.compiled.evaluate(input);
      const bound = float32ErrorBound(activation.expression, new Float64Array([input]))[0]!;
      if (input === x) noteUnchecked(activation, bound, x);
      return mismatch(got, ref, bound + (input === x ? 0 : smallestNormal), !finite);
    });
    // ±∞ and NaN inputs: a special value the expression itself gives in float32
    // (an intermediate that underflows to 0, then ∞·0) is what float32 can do.
    const ref32 = activation.compiled.evaluate32(x);
    if (!finite) {
      if (!Number.isFinite(ref32) && Object.is(got, ref32)) return;
      if (Number.isNaN(ref32) && Number.isNaN(got)) return;
    }
    // Where a float64 intermediate is beyond the float32 range (e^{89.4}), the
    // float32 evaluation of the expression is the reference as well.
    if (overflowsFloat32(activation.expression, x)) {
      const bound = float32ErrorBound(activation.expression, new Float64Array([x]))[0]!;
      if (mismatch(got, ref32, bound, true) === undefined) return;
    }
    if (problems.every((problem) => problem !== undefined))
      failures.push(`${activation.id}(${x}) = ${got}: ${problems[0]}`);
  });
  return failures;
}

/** Failures of a reducing case, row by row. */
function rowFailures(activation: Activation, inputs: readonly number[], outputs: number[]) {
  const failures: string[] = [];
  const rows = inputs.length / rowLength;
  for (let r = 0; r < rows; r++) {
    const row = Float64Array.from(inputs.slice(r * rowLength, (r + 1) * rowLength));
    const reference = activation.compiled.evaluateVector(row);
    const bounds = float32ErrorBound(activation.expression, row);
    const exact = row.some((x) => !Number.isFinite(x));
    const refs = typeof reference === "number" ? [reference] : Array.from(reference);
    const got = activation.reducesToScalar
      ? [outputs[r]!]
      : outputs.slice(r * rowLength, (r + 1) * rowLength);
    refs.forEach((ref, i) => {
      const problem = mismatch(got[i]!, ref, bounds[i]!, exact);
      // Rows with subnormals: SwiftShader flushes them; compare with the row with ±0 instead.
      if (problem && row.some(isSubnormal)) {
        const flushed = row.map((x) => (isSubnormal(x) ? Math.sign(x) * 0 : x));
        const flushedReference = activation.compiled.evaluateVector(flushed);
        const flushedRef =
          typeof flushedReference === "number" ? flushedReference : flushedReference[i]!;
        if (!mismatch(got[i]!, flushedRef, bounds[i]!, exact)) return;
      }
      if (problem)
        failures.push(
          `${activation.id}([${Array.from(row).join(", ")}])[${i}] = ${got[i]}: ${problem}`,
        );
    });
  }
  return failures;
}

describe("WGSL kernels on WebGPU (headless Chromium, SwiftShader)", () => {
  let driverPage: DriverPage;
  let checks: Check[];
  let results: KernelResult[];

  const driver = <T>(call: (driver: PageDriver) => Promise<T>): Promise<T> =>
    driverPage.page.evaluate(`(${call.toString()})(globalThis.rectifyWebGpu)`) as Promise<T>;

  beforeAll(async () => {
    driverPage = await openDriverPage();
    const adapter = await driverPage.page
      .evaluate(() =>
        (globalThis as unknown as { rectifyWebGpu: PageDriver }).rectifyWebGpu.adapter(),
      )
      .catch((error: unknown) => {
        throw new Error(
          `no WebGPU adapter in Chromium (needs --enable-unsafe-webgpu and SwiftShader, Debian package "chromium"): ${String(error)}`,
        );
      });
    expect(adapter).toMatch(/\S/);
    checks = buildChecks();
    results = await driverPage.page.evaluate(
      (cases) =>
        (globalThis as unknown as { rectifyWebGpu: PageDriver }).rectifyWebGpu.runCases(cases),
      checks.map((check) => check.kernelCase),
    );
  });

  afterAll(async () => {
    await driverPage?.close();
  });

  it("covers every registered activation, with non-default parameters where it has any", () => {
    const names = new Set(checks.map((check) => check.activation.definition.name));
    expect([...names].sort()).toEqual(activations.map((definition) => definition.name).sort());
    for (const definition of activations.filter((d) => d.parameters.length > 0)) {
      const ids = checks.filter((check) => check.activation.definition === definition);
      expect(ids.length, definition.name).toBeGreaterThanOrEqual(2);
    }
  });

  it("matches the float64 reference within the stated tolerance, edge values included", () => {
    const failures: string[] = [];
    checks.forEach((check, index) => {
      const result = results[index]!;
      if (result.error !== undefined || result.outputs === undefined) {
        failures.push(`${check.activation.id}: ${result.error}`);
        return;
      }
      const { inputs } = check.kernelCase;
      const found = check.activation.reduces
        ? rowFailures(check.activation, inputs, result.outputs)
        : elementFailures(check.activation, inputs, result.outputs);
      failures.push(...found.slice(0, 8));
    });
    // WEBGPU_FAILURES=file writes every failure (and the inputs no bound covers) there, for debugging.
    if (process.env.WEBGPU_FAILURES)
      writeFileSync(
        process.env.WEBGPU_FAILURES,
        [
          ...failures,
          ...[...unchecked].map(([id, xs]) => `unchecked ${id}: ${xs.join(", ")}`),
        ].join("\n"),
      );
    expect(failures).toEqual([]);
  });

  it("surfaces a shader compile error as WEBGPU_UNAVAILABLE with the compiler's message", async () => {
    const broken = await driver((page) => page.compileBroken("fn main() { let x: f32 = ; }"));
    expect(broken?.code).toBe("WEBGPU_UNAVAILABLE");
    expect(broken?.message).toMatch(/failed to compile/);
    expect(broken?.message).toMatch(/line 1:\d+: missing initializer/);
  });

  it("refuses bad input with INPUT_INVALID and keeps working", async () => {
    const reports = await driver((page) => page.badInputs());
    expect(reports.slice(0, 4).map((report) => report?.code)).toEqual([
      "INPUT_INVALID",
      "INPUT_INVALID",
      "INPUT_INVALID",
      "INPUT_INVALID",
    ]);
    expect(reports[4]).toBeUndefined();
  });

  it("covers arrays beyond 65535 workgroups with a 2-D grid", async () => {
    const length = 65535 * 64 + 4097;
    const outcome = await driverPage.page.evaluate(
      (n) => (globalThis as unknown as { rectifyWebGpu: PageDriver }).rectifyWebGpu.largeRelu(n),
      length,
    );
    expect(outcome).toEqual({ mismatches: 0, examples: [] });
  });
});
