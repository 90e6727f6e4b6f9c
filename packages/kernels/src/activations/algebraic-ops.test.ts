// The rewriter's `algebraic` target substitutes activations with these ops
// alone, so every approximating form has to keep to them: a comparison or a
// Where slipped into a shared helper (the squarings exp) would silently take
// a whole family of forms away from that target.
import { describe, expect, it } from "vitest";
import { type ActivationDefinition, instantiate } from "../activation/activation.js";
import { instantiateEntry } from "../approximations/error.js";
import { approximations } from "../approximations/index.js";
import {
  Expr,
  opsUsed,
  type PrimitiveOp,
  transcendentalOps,
  where,
} from "../expression/expression.js";
import { algebraicForms } from "./algebraic-forms.js";

/** Arithmetic, Max/Min/Abs/Relu/Clip, the piecewise-linear ReluSum and Lookup, and the reductions of the multivariable forms (softmax, LogSumExp). */
const algebraicOps: ReadonlySet<PrimitiveOp> = new Set([
  "Add",
  "Sub",
  "Mul",
  "Div",
  "Sqrt",
  "Max",
  "Min",
  "Abs",
  "Relu",
  "ReluSum",
  "Lookup",
  "Clip",
  "Neg",
  "Reciprocal",
  "ReduceMax",
  "ReduceSum",
]);

/**
 * Approximating forms that use a transcendental op on purpose, being cheaper
 * where that op is native: erf-tanh stands in for Erf on devices that have
 * Tanh (WebNN-like). gelu-tanh, gelu-sigmoid and softplus-exp-ratio are
 * published formulas registered as exact activations instead. A form added to
 * algebraicForms with Exp, Tanh, … must be listed here.
 */
const transcendentalOnPurpose: ReadonlySet<string> = new Set<string>(["erf-tanh"]);

/**
 * Catalog approximations that are exact activations in their own right and
 * select with Where: leaky-relu is Where(x < 0, αx, x) as ONNX's LeakyRelu
 * defines it; its algebraic form is max-leaky.
 */
const selectingExactActivations: ReadonlySet<string> = new Set(["leaky-relu"]);

/** The defaults, then each integer parameter over its whole range (the expression's shape depends on those). */
function parameterSettings(definition: ActivationDefinition): Record<string, number>[] {
  const settings: Record<string, number>[] = [{}];
  for (const spec of definition.parameters) {
    if (!spec.integer || spec.min === undefined || spec.max === undefined) continue;
    for (let value = spec.min; value <= spec.max; value++) settings.push({ [spec.name]: value });
  }
  return settings;
}

const outside = (ops: readonly PrimitiveOp[]) => ops.filter((op) => !algebraicOps.has(op));

describe("algebraic op set", () => {
  it.each(
    algebraicForms
      .filter((definition) => !transcendentalOnPurpose.has(definition.name))
      .map((definition) => [definition.name, definition] as const),
  )("%s uses only algebraic ops for every integer parameter setting", (_name, definition) => {
    for (const setting of parameterSettings(definition)) {
      const activation = instantiate(definition, setting);
      expect({ id: activation.id, outside: outside(opsUsed(activation.expression)) }).toEqual({
        id: activation.id,
        outside: [],
      });
    }
  });

  it("lists only registered forms that really need a transcendental op", () => {
    const names = new Set(algebraicForms.map((definition) => definition.name));
    for (const name of transcendentalOnPurpose) {
      expect(names.has(name)).toBe(true);
      const ops = opsUsed(instantiate(algebraicForms.find((d) => d.name === name)!).expression);
      expect(ops.some((op) => transcendentalOps.has(op))).toBe(true);
    }
  });

  it("covers every catalog approximation that claims to be transcendental-free", () => {
    const offenders: string[] = [];
    for (const entry of approximations) {
      const { approximation } = instantiateEntry(entry);
      const ops = opsUsed(approximation.expression);
      if (ops.some((op) => transcendentalOps.has(op))) continue;
      if (selectingExactActivations.has(entry.approximation)) continue;
      const extra = outside(ops);
      if (extra.length > 0) offenders.push(`${approximation.id}: ${extra.join(", ")}`);
    }
    expect(offenders).toEqual([]);
  });

  it("keeps the allow-list of selecting exact activations honest", () => {
    for (const name of selectingExactActivations) {
      const entry = approximations.find((e) => e.approximation === name);
      expect(entry).toBeDefined();
      const ops = opsUsed(instantiateEntry(entry!).approximation.expression);
      expect(ops).toContain("Where");
    }
  });

  it("gives erf algebraic stand-ins for every setting the catalog lists, besides the Tanh one", () => {
    const erfEntries = approximations.filter((entry) => entry.exact === "erf");
    const algebraic = erfEntries.filter(
      (entry) => !transcendentalOnPurpose.has(entry.approximation),
    );
    expect(new Set(algebraic.map((entry) => entry.approximation))).toEqual(
      new Set([
        "erf-squaring",
        "erf-sextic",
        "erf-quartic",
        "algebraic-erf",
        "algebraic-tanh",
        "hard-erf",
        "erf-pwl",
        "erf-lut",
      ]),
    );
    for (const entry of algebraic) {
      const { approximation } = instantiateEntry(entry);
      expect({ id: approximation.id, outside: outside(opsUsed(approximation.expression)) }).toEqual(
        { id: approximation.id, outside: [] },
      );
    }
    // The squarings family over every n and degree, not only the catalog's settings.
    const squaring = algebraicForms.find((definition) => definition.name === "erf-squaring")!;
    for (let n = 0; n <= 24; n++)
      for (let degree = 1; degree <= 4; degree++)
        expect(outside(opsUsed(instantiate(squaring, { n, degree }).expression))).toEqual([]);
  });

  it("rejects a selection by comparison and Where", () => {
    // The squarings exp used to end in Where(t < −1, 0, …): the checks above fail on such a form.
    const t = Expr.input().mul(2 ** -4);
    expect(outside(opsUsed(where(t.less(-1), 0, t.add(1))))).toEqual(["Less", "Where"]);
  });
});
