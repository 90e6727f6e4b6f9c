// Generic conformance of the WASM SIMD kernels with the float64 reference,
// over every registered activation (adding one to src/activations/index.ts
// is enough for it to be checked here), through both the fused kernels and
// the block interpreter.
//
// Tolerance. For finite inputs the reference is activation.f(x) (fVector for
// reducing activations); a float32 result passes when
//   |got − ref| ≤ 2^-16·|ref| + 2^-20·scale
// where `scale` is the largest finite magnitude among the float64
// expression's intermediate values (x and constants included): float32
// arithmetic cannot do better than a few ulps of the largest value it
// handles when a later step cancels (squareplus at x ≪ 0, gelu's 1 + erf).
// Where a float64 intermediate lies outside the float32 range (x² at 3.4e38),
// the float32-rounded evaluation (compiled.evaluate32) is accepted as well
// when it is ±Infinity or NaN. Results within the same bound of evaluate32
// also pass: forms that amplify rounding, like (1 + x/2^n)^(2^n) by n
// squarings, cannot do better in float32. For ±Infinity and NaN inputs the reference is
// the float64 expression itself: NaN must give NaN, ±Infinity must match.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Activation,
  type ActivationDefinition,
  defineActivation,
  instantiate,
  type Parameters,
} from "../activation/activation.js";
import { activations } from "../activations/index.js";
import { KernelsError } from "../errors/kernels-error.js";
import { applyOp } from "../expression/evaluate.js";
import {
  Expr,
  expressionNodes,
  opsUsed,
  type PrimitiveOp,
  primitiveOps,
  reductionOps,
} from "../expression/expression.js";
import { seededRandom } from "../test-support/seeded-random.js";
import { planExpression } from "./expression-plan.js";
import { loadWasmKernels, type WasmKernels } from "./wasm-kernels.js";

const float32Max = 3.4028234663852886e38;
const edges = [
  0, -0, 1e-45, -1e-45, 1.1754942e-38, -1.1754942e-38, 1, -1, 88, -88, 89, -89, 100, -100, 1e4,
  -1e4, 3.4e38, -3.4e38,
];
const specials = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN];

/** The float64 expression over a row (or one value), with its largest finite intermediate magnitude. */
function reference(expression: Expr, row: Float64Array) {
  let scale = 0;
  const track = (v: number) => {
    if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  };
  const values = new Map<Expr, number | Float64Array>();
  for (const node of expressionNodes(expression)) {
    let value: number | Float64Array;
    if (node.op === "Input") value = row;
    else if (node.op === "Constant") value = node.value;
    else {
      const operands = node.inputs.map((input) => values.get(input)!);
      if (reductionOps.has(node.op)) {
        const v = operands[0]!;
        if (typeof v === "number") value = v;
        else if (node.op === "ReduceSum") value = v.reduce((sum, e) => sum + e, 0);
        else
          value = v.reduce(
            (m, e) => (Number.isNaN(m) || Number.isNaN(e) ? Number.NaN : Math.max(e, m)),
            Number.NEGATIVE_INFINITY,
          );
      } else if (operands.every((v) => typeof v === "number")) {
        value = applyOp(node.op, 0, 0, 0, operands as number[]);
      } else {
        const out = new Float64Array(row.length);
        const at = (v: number | Float64Array | undefined, i: number) =>
          v === undefined ? 0 : typeof v === "number" ? v : v[i]!;
        for (let i = 0; i < row.length; i++)
          out[i] = applyOp(
            node.op,
            0,
            0,
            0,
            operands.map((operand) => at(operand, i)),
          );
        value = out;
      }
    }
    if (typeof value === "number") track(value);
    else for (const v of value) track(v);
    values.set(node, value);
  }
  const value = values.get(expression)!;
  return { value, scale, outOfFloat32: scale > float32Max };
}

/** The float64 expression at one point. */
function referenceAt(expression: Expr, x: number) {
  const { value, scale, outOfFloat32 } = reference(expression, new Float64Array([x]));
  return { value: typeof value === "number" ? value : value[0]!, scale, outOfFloat32 };
}

const isSpecial = (v: number) => !Number.isFinite(v);

/** Why `got` is not acceptable for `expected`, or undefined when it is. */
function mismatch(
  got: number,
  expected: number,
  scale: number,
  float32Fallback: number | undefined,
): string | undefined {
  if (Number.isNaN(expected)) return Number.isNaN(got) ? undefined : "expected NaN";
  if (float32Fallback !== undefined && isSpecial(float32Fallback)) {
    if (Object.is(got, float32Fallback) || (Number.isNaN(got) && Number.isNaN(float32Fallback)))
      return undefined;
  }
  if (!Number.isFinite(expected)) return got === expected ? undefined : `expected ${expected}`;
  // 2^-149: the smallest float32 subnormal (a float64 result below it rounds to 0).
  const bound = 2 ** -16 * Math.abs(expected) + 2 ** -20 * scale + 2 ** -149;
  return Math.abs(got - expected) <= bound ? undefined : `|error| > ${bound.toExponential(2)}`;
}

function inputsFor(activation: Activation, seed: number): Float32Array {
  const next = seededRandom(seed);
  const [lo, hi] = activation.definition.properties.domain ?? [-Infinity, Infinity];
  const values: number[] = [...edges, ...specials];
  for (let i = 0; i < 1003; i++) {
    const kind = next();
    const sign = next() < 0.5 ? -1 : 1;
    if (kind < 0.5) values.push((next() * 2 - 1) * 10);
    else values.push(sign * 10 ** (next() * 12 - 6));
  }
  const inDomain = values
    .map(Math.fround)
    .filter((x) => Number.isNaN(x) || (x >= lo && x <= hi) || !Number.isFinite(x));
  return new Float32Array(inDomain);
}

/** Checks an elementwise activation's WASM output against the reference, returning the failures. */
function elementwiseFailures(activation: Activation, input: Float32Array, got: Float32Array) {
  const [lo, hi] = activation.definition.properties.domain ?? [-Infinity, Infinity];
  const failures: string[] = [];
  for (let i = 0; i < input.length; i++) {
    const x = input[i]!;
    const { value: expressionValue, scale, outOfFloat32 } = referenceAt(activation.expression, x);
    const finite = Number.isFinite(x);
    if (finite && (x < lo || x > hi)) continue;
    if (!finite && (x < lo || x > hi) && !Number.isNaN(x)) continue;
    const expected = finite ? activation.f(x) : activation.compiled.evaluate(x);
    const float32 = activation.compiled.evaluate32(x);
    const fallback = outOfFloat32 ? float32 : undefined;
    // Pass when the result matches f, or the float64 expression (they may
    // differ where f is a limit the expression does not reach, e.g. x·0 at
    // x = ∞), or the expression evaluated in float32 arithmetic (forms that
    // amplify rounding, like (1 + x/2^n)^(2^n) by n squarings, can do no better).
    const problem = mismatch(got[i]!, expected, scale, fallback);
    if (
      problem &&
      mismatch(got[i]!, expressionValue, scale, fallback) &&
      mismatch(got[i]!, float32, scale, fallback)
    )
      failures.push(`x=${x}: got ${got[i]}, expected ${expected} (${problem})`);
  }
  return failures;
}

function rowsFor(seed: number, rowLength: number, rows: number): Float32Array {
  const next = seededRandom(seed);
  const out = new Float32Array(rowLength * rows);
  for (let i = 0; i < out.length; i++) out[i] = (next() * 2 - 1) * 20;
  // Sprinkle edge values into some rows (one per row at most, so most rows stay finite).
  const extra = [...edges, ...specials];
  for (let r = 0; r < rows; r += 2) out[r * rowLength + (r % rowLength)] = extra[r % extra.length]!;
  return out;
}

function rowFailures(
  activation: Activation,
  input: Float32Array,
  got: Float32Array,
  rowLength: number,
) {
  const failures: string[] = [];
  const rows = input.length / rowLength;
  for (let r = 0; r < rows; r++) {
    const row = Float64Array.from(input.subarray(r * rowLength, (r + 1) * rowLength));
    const { value, scale, outOfFloat32 } = reference(activation.expression, row);
    const finite = row.every(Number.isFinite);
    const expected = finite ? activation.fVector(row) : value;
    const expectedValues = typeof expected === "number" ? [expected] : [...expected];
    const expressionValues = typeof value === "number" ? [value] : [...value];
    const width = expectedValues.length;
    for (let i = 0; i < width; i++) {
      const g = got[r * width + i]!;
      const fallback = outOfFloat32 ? Number.NaN : undefined;
      const problem = mismatch(g, expectedValues[i]!, scale, fallback);
      if (problem && mismatch(g, expressionValues[i]!, scale, fallback))
        failures.push(
          `row ${r} [${[...row].join(", ")}] element ${i}: got ${g}, expected ${expectedValues[i]} (${problem})`,
        );
    }
  }
  return failures;
}

/** A few valid parameter sets besides the defaults (within `typical`, else the constraints). */
function parameterSets(definition: ActivationDefinition, seed: number): Parameters[] {
  const next = seededRandom(seed);
  const sets: Parameters[] = [];
  for (let k = 0; k < 3 && definition.parameters.length > 0; k++) {
    const params: Record<string, number> = {};
    for (const spec of definition.parameters) {
      const [lo, hi] = spec.typical ?? [
        spec.min ?? -10,
        spec.max ?? Math.max((spec.min ?? 0) + 10, spec.default * 4),
      ];
      let value = lo + (hi - lo) * (0.05 + 0.9 * next());
      if (spec.integer) value = Math.round(value);
      params[spec.name] = value;
    }
    sets.push(params);
  }
  return sets;
}

let wasm: WasmKernels;
beforeAll(async () => {
  wasm = await loadWasmKernels();
});

describe.each(activations.map((definition) => [definition.name, definition] as const))(
  "WASM kernel of %s",
  (name, definition) => {
    const instances = () => [
      instantiate(definition),
      ...parameterSets(definition, name.length * 7919).flatMap((params) => {
        try {
          return [instantiate(definition, params)];
        } catch {
          return []; // parameters rejected by a cross-parameter constraint
        }
      }),
    ];

    for (const fused of [true, false]) {
      it(`matches the float64 reference (${fused ? "fused when prebuilt" : "interpreter"})`, () => {
        for (const activation of instances()) {
          const kernel = wasm.kernel(activation, { fused });
          if (!fused) expect(kernel.fused).toBe(false);
          if (!activation.reduces) {
            const input = inputsFor(activation, 12345);
            const got = kernel(input);
            expect(got.length).toBe(input.length);
            expect(elementwiseFailures(activation, input, got).slice(0, 5), activation.id).toEqual(
              [],
            );
          } else {
            for (const rowLength of [1, 3, 8, 13, 64]) {
              const input = rowsFor(rowLength, rowLength, 24);
              const got = kernel(input, undefined, rowLength);
              expect(got.length).toBe(activation.reducesToScalar ? 24 : input.length);
              expect(
                rowFailures(activation, input, got, rowLength).slice(0, 5),
                `${activation.id} rows of ${rowLength}`,
              ).toEqual([]);
            }
          }
        }
      });
    }

    it("is fused at its default parameters (tables and long reducing ramp sums run on the interpreter)", () => {
      const activation = instantiate(definition);
      // As scripts/build-wasm.ts decides: tables, and reducing forms with over 64 knots, are not fused.
      const table = opsUsed(activation.expression).includes("Lookup");
      const plan = planExpression(activation.expression);
      const longRampSum =
        plan.reduces &&
        plan.nodes.some((node) => node.op === "ReluSum" && node.inputs.length >> 1 > 64);
      expect(wasm.kernel(activation).fused).toBe(!table && !longRampSum);
    });
  },
);

/** An ad-hoc activation over one op (f is unused: the tests compare with the expression). */
function opActivation(name: string, expression: () => Expr): Activation {
  return instantiate(
    defineActivation({
      name,
      title: name,
      formula: name,
      parameters: [],
      f: () => Number.NaN,
      df: () => Number.NaN,
      expression,
      properties: {},
    }),
  );
}

describe("every primitive op follows applyOp", () => {
  // Constants as float32 values: kernels round constants to float32.
  const operands = [...edges, ...specials, 0.5, -0.5, 2, -2, 3, -3, 2.5, -2.5, 0.3, 7].map(
    Math.fround,
  );
  const elementwise = (Object.keys(primitiveOps) as PrimitiveOp[]).filter(
    (op) => !reductionOps.has(op),
  );
  it.each(elementwise)("%s", (op) => {
    const arity = primitiveOps[op];
    const forms: { label: string; build: () => Expr }[] = [];
    if (arity === "knots") {
      // Knots and coefficients, including ones that meet the edge values.
      for (const [knots, coefficients] of [
        [
          [-1, 0.5, 2],
          [0.25, -1, 3],
        ],
        [[0], [1]],
        [
          [-88, 88],
          [1e-3, -2.5],
        ],
      ] as const)
        forms.push({
          label: `${op}(x; ${knots.join(", ")})`,
          build: () => Expr.input().reluSum(knots, coefficients),
        });
    } else if (arity === "table") {
      forms.push({
        label: `${op}(x; −2, 0.5, …)`,
        build: () => Expr.input().lookup(-2, 0.5, [0.1, -0.3, 2, 7, 7.5, -1, 0]),
      });
    } else if (arity === 1)
      forms.push({ label: `${op}(x)`, build: () => Expr.apply(op, Expr.input()) });
    else
      for (const c of operands) {
        const rest = Array(arity - 1).fill(c) as number[];
        forms.push({
          label: `${op}(x, ${c}…)`,
          build: () => Expr.apply(op, Expr.input(), ...rest),
        });
        forms.push({
          label: `${op}(${c}, x…)`,
          build: () => {
            const x = Expr.input();
            return Expr.apply(op, c, x, ...(arity === 3 ? [x] : []));
          },
        });
      }
    const input = new Float32Array(operands.map(Math.fround));
    for (const { label, build } of forms) {
      const activation = opActivation(`op-${op}`, build);
      for (const fused of [false, true]) {
        const got = wasm.kernel(activation, { fused })(input);
        const failures: string[] = [];
        for (let i = 0; i < input.length; i++) {
          const { value, scale, outOfFloat32 } = referenceAt(activation.expression, input[i]!);
          const fallback = outOfFloat32 ? activation.compiled.evaluate32(input[i]!) : undefined;
          const problem = mismatch(got[i]!, value, scale, fallback);
          if (problem) failures.push(`${label} at x=${input[i]}: got ${got[i]}, want ${value}`);
        }
        expect(failures.slice(0, 5)).toEqual([]);
      }
    }
  });

  it("exp, log, erf, tanh and sigmoid are accurate to a few float32 ulps", () => {
    const next = seededRandom(99);
    const cases: [PrimitiveOp, number, number][] = [
      ["Exp", -103, 88.7],
      ["Log", 1e-44, 3e38],
      ["Erf", -5, 5],
      ["Tanh", -10, 10],
      ["Sigmoid", -100, 30],
    ];
    for (const [op, lo, hi] of cases) {
      const activation = opActivation(`op-${op}`, () => Expr.apply(op, Expr.input()));
      const input = new Float32Array(4000).map(() =>
        op === "Log"
          ? 10 ** (Math.log10(lo) + next() * (Math.log10(hi) - Math.log10(lo)))
          : lo + (hi - lo) * next(),
      );
      const got = wasm.kernel(activation)(input);
      let worst = 0;
      for (let i = 0; i < input.length; i++) {
        const ref = activation.compiled.evaluate(input[i]!);
        if (ref === 0) continue;
        const ulp = 2 ** (Math.max(Math.floor(Math.log2(Math.abs(ref))), -126) - 23);
        worst = Math.max(worst, Math.abs(got[i]! - ref) / ulp);
      }
      expect(worst, op).toBeLessThanOrEqual(4);
    }
  });
});

describe("WasmKernels memory", () => {
  it("runs in place (output === input), for JS arrays and allocate()d views", () => {
    const activation = instantiate(activations.find((d) => d.name === "softplus")!);
    const kernel = wasm.kernel(activation);
    const values = [-3, -0.5, 0, 0.5, 3, 20, -20];
    const js = new Float32Array(values);
    expect(kernel(js, js)).toBe(js);
    const view = wasm.allocate(values.length);
    view.set(values);
    expect(kernel(view, view)).toBe(view);
    for (let i = 0; i < values.length; i++) {
      const expected = activation.f(values[i]!);
      expect(Math.abs(js[i]! - expected)).toBeLessThanOrEqual(1e-6 * Math.max(1, expected));
      expect(view[i]).toBe(js[i]);
    }
    wasm.release(view);
  });

  it("uses allocate()d views with no copy, and stages other arrays in chunks", () => {
    const activation = instantiate(activations.find((d) => d.name === "squareplus")!);
    const kernel = wasm.kernel(activation);
    const n = 200_003; // several staging chunks and a tail
    let input = wasm.allocate(n);
    const output = wasm.allocate(n);
    input = wasm.refresh(input); // allocating `output` may have grown the memory
    for (let i = 0; i < n; i++) input[i] = (i % 2001) / 100 - 10;
    const memoryBefore = wasm.memory.buffer;
    expect(kernel(input, output)).toBe(output);
    expect(output.buffer).toBe(wasm.memory.buffer);
    expect(wasm.memory.buffer).toBe(memoryBefore);
    const js = kernel(new Float32Array(input));
    for (let i = 0; i < n; i += 997) {
      expect(js[i]).toBe(output[i]);
      expect(Math.abs(output[i]! - activation.f(input[i]!))).toBeLessThanOrEqual(1e-5);
    }
    const copied = wasm.allocate(n);
    const live = wasm.refresh(output);
    wasm.copy(live, copied);
    expect(copied[n - 1]).toBe(live[n - 1]);
    wasm.release(copied);
    wasm.release(wasm.refresh(input));
    wasm.release(live);
  });

  it("detects views detached by memory growth and refreshes them", () => {
    const activation = instantiate(activations.find((d) => d.name === "relu")!);
    const kernel = wasm.kernel(activation);
    const view = wasm.allocate(8);
    view.set([-1, 2, -3, 4, -5, 6, -7, 8]);
    const big = wasm.allocate(wasm.memory.buffer.byteLength / 4); // forces growth
    expect(() => kernel(view)).toThrow(/detached/);
    const fresh = wasm.refresh(view);
    expect([...kernel(fresh, fresh)]).toEqual([0, 2, 0, 4, 0, 6, 0, 8]);
    wasm.release(wasm.refresh(big));
    wasm.release(fresh);
  });

  it("rejects bad input with INPUT_INVALID naming the problem", () => {
    const activation = instantiate(activations.find((d) => d.name === "relu")!);
    const kernel = wasm.kernel(activation);
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(KernelsError);
        return `${(error as KernelsError).code}: ${(error as Error).message}`;
      }
      return "no error";
    };
    expect(code(() => kernel([1, 2] as unknown as Float32Array))).toMatch(
      /INPUT_INVALID: .*input must be a Float32Array, got Array/,
    );
    expect(code(() => kernel(new Float32Array(4), new Float32Array(3)))).toMatch(
      /INPUT_INVALID: .*output must be a Float32Array of length 4, got length 3/,
    );
    expect(code(() => kernel(new Float32Array(4), new Float64Array(4) as never))).toMatch(
      /INPUT_INVALID: .*output must be a Float32Array/,
    );
    const shared = new Float32Array(10);
    expect(code(() => kernel(shared.subarray(0, 6), shared.subarray(2, 8)))).toMatch(
      /INPUT_INVALID: .*overlaps/,
    );
    const softmax = activations.find((d) => d.name === "softmax");
    if (softmax)
      expect(
        code(() => wasm.kernel(instantiate(softmax))(new Float32Array(10), undefined, 3)),
      ).toMatch(
        /INPUT_INVALID: .*rowLength must be a positive integer dividing the input length 10, got 3/,
      );
    expect(code(() => wasm.allocate(-1))).toMatch(/INPUT_INVALID: allocate/);
    expect(code(() => wasm.kernel({} as Activation))).toMatch(/INPUT_INVALID: kernel/);
  });
});
