import type { PatternCases, SpoilableBuild } from "../support/pattern-cases.js";
import { innerValueCases, unspoiled } from "../support/pattern-cases.js";

/** √2 rounded to float32 (1.4142135), as exporters write it. */
const sqrt2 = Math.fround(Math.SQRT2);

/** PyTorch's Mul(Mul(x, Add(Erf(Div(x, root)), one)), half), marking Erf's output and the product. */
export function pytorchErfGelu(half = 0.5, root = sqrt2, one = 1): SpoilableBuild {
  return (g, x, k, inner = unspoiled) => {
    const erf = inner(g.op("Erf", [g.op("Div", [x, k(root)])]));
    const product = inner(g.op("Mul", [x, g.op("Add", [erf, k(one)])]));
    return g.op("Mul", [product, k(half)]);
  };
}

export const erfGeluCases: PatternCases = {
  rule: "erf-gelu",
  activation: "gelu",
  canonical: pytorchErfGelu(),
  variants: [
    {
      name: "PyTorch: Mul(Mul(x, 1 + Erf(x / 1.4142135)), 0.5)",
      nodeCount: 5,
      build: pytorchErfGelu(),
    },
    {
      name: "TensorFlow: Mul(Mul(0.5, x), Add(1, Erf(Mul(x, 0.70710677)))), [1]-shaped constants",
      style: "vector",
      nodeCount: 5,
      build: (g, x, k) => {
        const gate = g.op("Add", [k(1), g.op("Erf", [g.op("Mul", [x, k(0.70710677)])])]);
        return g.op("Mul", [g.op("Mul", [k(0.5), x]), gate]);
      },
    },
    {
      name: "Paddle: Mul(x, Mul(0.5, Erf(0.70710677 · x) + 1)), Constant nodes",
      style: "node",
      nodeCount: 5,
      build: (g, x, k) => {
        const gate = g.op("Add", [g.op("Erf", [g.op("Mul", [k(0.70710677), x])]), k(1)]);
        return g.op("Mul", [x, g.op("Mul", [k(0.5), gate])]);
      },
    },
    {
      name: "½ as a Div by 2 and √2 written to 5 digits (1.41421): Div(Mul(gate, x), 2)",
      nodeCount: 5,
      build: (g, x, k) => {
        const gate = g.op("Add", [
          k(1),
          g.op("Erf", [g.op("Div", [x, k(Number(Math.SQRT2.toFixed(5)))])]),
        ]);
        return g.op("Div", [g.op("Mul", [gate, x]), k(2)]);
      },
    },
  ],
  nearMisses: [
    {
      name: "a half that is 0.6",
      reason: /constant factor is 0\.6.*expected 0\.5/,
      build: pytorchErfGelu(0.6),
    },
    {
      name: "a √2 that is 2",
      reason: /Erf's argument .* is 0\.5, expected 0\.70710678/,
      build: pytorchErfGelu(0.5, 2),
    },
    {
      name: "a 1 added to Erf that is 2",
      reason: /constant added to Erf is 2, expected 1/,
      build: pytorchErfGelu(0.5, sqrt2, 2),
    },
    ...innerValueCases(pytorchErfGelu()),
    {
      name: "Erf reading another tensor",
      silent: true,
      build: (g, x, k) => {
        const other = g.op("Neg", [x]);
        const gate = g.op("Add", [g.op("Erf", [g.op("Div", [other, k(sqrt2)])]), k(1)]);
        return g.op("Mul", [g.op("Mul", [x, gate]), k(0.5)]);
      },
    },
    {
      name: "the product with another factor (Sin(x) for the ½)",
      build: (g, x, k) => {
        const gate = g.op("Add", [g.op("Erf", [g.op("Div", [x, k(sqrt2)])]), k(1)]);
        return g.op("Mul", [g.op("Mul", [x, gate]), g.op("Sin", [x])]);
      },
    },
    {
      name: "a Mul with a missing input around an Erf (without throwing)",
      silent: true,
      build: (g, x, k) => {
        const erf = g.op("Erf", [x]);
        const half = g.op("Mul", [erf, k(0.5)]);
        half.producer!.setInputs([half.producer!.inputs[0]!, null]);
        return g.op("Mul", [g.op("Add", [half, k(1)]), x]);
      },
    },
  ],
};
