import { lutExacts, pwlExacts } from "../activations/pwl-forms.js";
import type { ApproximationDefinition } from "./approximation.js";

export type { ApproximationDefinition } from "./approximation.js";

/** The error bounds the catalog lists piecewise-linear fits at. */
export const pwlErrors = [1e-2, 1e-3, 1e-4] as const;

/** Settings of the squarings exp listed for every tunable form: cheap to accurate. */
const expSettings = [
  { n: 4, degree: 3 },
  { n: 6, degree: 3 },
  { n: 8, degree: 4 },
] as const;

/** The same, with the log's square roots and series terms (softplus, LogSumExp). */
const expLogSettings = [
  { n: 4, degree: 3, k: 1, terms: 2 },
  { n: 6, degree: 3, k: 2, terms: 3 },
  { n: 8, degree: 4, k: 3, terms: 3 },
] as const;

function tunable(
  exact: string,
  approximation: string,
  settings: readonly Record<string, number>[],
  extra: Partial<ApproximationDefinition> = {},
): ApproximationDefinition[] {
  return settings.map((params) => ({ exact, approximation, params, ...extra }));
}

/**
 * The catalog of (exact → approximation) pairs. Every name refers to an
 * activation registered in src/activations/index.ts; the error engine
 * measures each entry, nothing here states an error.
 */
export const approximations: readonly ApproximationDefinition[] = [
  // softplus
  { exact: "softplus", approximation: "squareplus", params: { b: 4 }, fittable: ["b"] },
  { exact: "softplus", approximation: "softplus-exp-ratio", params: { s: Math.LN2 } },
  {
    exact: "softplus",
    exactParams: { k: Math.LN2 },
    approximation: "softplus-exp-ratio",
    params: { s: 1 },
    note: "the log₂ form: log₂(1 + 2ˣ) ≈ x/(1 − e^{−x})",
  },
  { exact: "softplus", approximation: "relu" },
  ...tunable("softplus", "softplus-squaring", expLogSettings),
  // sigmoid and tanh
  { exact: "sigmoid", approximation: "hard-sigmoid", params: { alpha: 0.2, beta: 0.5 } },
  {
    exact: "sigmoid",
    approximation: "hard-sigmoid",
    params: { alpha: 1 / 6, beta: 0.5 },
    note: "PyTorch's hardsigmoid, relu6(x + 3)/6",
  },
  { exact: "sigmoid", approximation: "algebraic-sigmoid", params: { b: 4 }, fittable: ["b"] },
  ...tunable("sigmoid", "sigmoid-squaring", expSettings),
  { exact: "tanh", approximation: "algebraic-tanh", params: { b: 1 }, fittable: ["b"] },
  { exact: "tanh", approximation: "hard-tanh" },
  ...tunable("tanh", "tanh-squaring", expSettings),
  // erf: bounded, so one absolute budget covers ℝ. Fitted parameters are fitMinimax results to
  // 6 digits. Squarings past n = 5 amplify float32 rounding more than they gain (n = 8 reaches
  // A&S 7.1.26's floor in float64 only); n = 6 with degree 3 loses to erf-sextic in both columns.
  ...tunable("erf", "erf-squaring", [
    { n: 4, degree: 3 },
    { n: 4, degree: 4 },
    { n: 5, degree: 4 },
    { n: 8, degree: 4 },
  ]),
  { exact: "erf", approximation: "erf-sextic" },
  { exact: "erf", approximation: "erf-quartic" },
  {
    exact: "erf",
    approximation: "algebraic-erf",
    params: { a: 1.07978, b: 0.52867 },
    fittable: ["a", "b"],
  },
  { exact: "erf", approximation: "algebraic-tanh", params: { b: 0.50501 }, fittable: ["b"] },
  { exact: "erf", approximation: "hard-erf", params: { k: 0.84979 }, fittable: ["k"] },
  {
    exact: "erf",
    approximation: "erf-tanh",
    params: { k: 1.129676, c: 0.0997927 },
    fittable: ["k", "c"],
    note: "for devices with Tanh but no Erf (WebNN-like)",
  },
  {
    exact: "erf",
    approximation: "erf-tanh",
    params: { k: 1.20332, c: 0 },
    fittable: ["k"],
    note: "tanh(k·x), two ops, for devices with Tanh but no Erf",
  },
  // SiLU
  { exact: "silu", approximation: "hard-swish" },
  { exact: "silu", approximation: "algebraic-silu", params: { b: 4 }, fittable: ["b"] },
  { exact: "silu", approximation: "relu" },
  ...tunable("silu", "silu-squaring", expSettings),
  // GELU
  { exact: "gelu", approximation: "gelu-tanh" },
  { exact: "gelu", approximation: "gelu-sigmoid" },
  { exact: "gelu", approximation: "algebraic-silu", params: { b: 1.4 }, fittable: ["b"] },
  { exact: "gelu", approximation: "hard-gelu", params: { alpha: 0.25 }, fittable: ["alpha"] },
  { exact: "gelu", approximation: "hard-swish" },
  ...tunable("gelu", "gelu-squaring", expSettings),
  // Mish
  {
    exact: "mish",
    approximation: "mish-squareplus",
    params: { b: 4, c: 1 },
    fittable: ["b", "c"],
    note: "bounded but poor for x ≪ 0, where it tends to −b/(4√c) instead of 0",
  },
  { exact: "mish", approximation: "hard-mish" },
  ...tunable("mish", "mish-squaring", expSettings),
  // ELU family
  { exact: "elu", approximation: "shifted-relu", params: (elu) => ({ a: elu.alpha! }) },
  // Exact for α ≤ 1 in fewer nodes than ELU's own expression; other α are refused by the form's range.
  { exact: "elu", approximation: "elu-max", params: (elu) => ({ alpha: elu.alpha! }) },
  ...tunable("elu", "elu-squaring", expSettings),
  ...tunable("selu", "selu-squaring", expSettings),
  ...tunable("celu", "celu-squaring", expSettings),
  // ReLU family
  { exact: "prelu", approximation: "max-leaky", params: (prelu) => ({ a: prelu.a! }) },
  { exact: "leaky-relu", approximation: "max-leaky", params: (leaky) => ({ a: leaky.alpha! }) },
  { exact: "relu", approximation: "leaky-relu", params: { alpha: 0.01 } },
  { exact: "relu", approximation: "relu-abs" },
  { exact: "relu", approximation: "relu-max" },
  // exp and log, the building blocks of softmax and LogSumExp
  ...tunable(
    "exp",
    "exp-squaring",
    [
      { n: 8, degree: 1 },
      { n: 12, degree: 1 },
      { n: 4, degree: 3 },
      { n: 6, degree: 3 },
      { n: 8, degree: 4 },
    ],
    { domain: [Number.NEGATIVE_INFINITY, 0] },
  ),
  ...tunable(
    "log",
    "log-roots",
    [
      { k: 8, terms: 0 },
      { k: 2, terms: 3 },
      { k: 3, terms: 4 },
    ],
    { domain: [1, 1024], note: "on [1, 1024]: the range of the sum inside LogSumExp" },
  ),
  // Piecewise linear, for devices that run only Relu/Max/Min/Add/Mul (integer NPUs): fitted to
  // max |error| 1e-2, 1e-3 and 1e-4 over ℝ, the exact activation's parameters carried over.
  ...pwlEntries(),
  // multivariable
  ...tunable("softmax", "softmax-squaring", expSettings),
  ...tunable(
    "softmax",
    "softmax-pwl",
    pwlErrors.map((e) => ({ e })),
  ),
  ...tunable("logsumexp", "logsumexp-squaring", expLogSettings),
  ...tunable(
    "logsumexp",
    "logsumexp-pwl",
    pwlErrors.map((e) => ({ e })),
  ),
];

/** The piecewise-linear and lookup-table rows: every family of src/activations/pwl-forms.ts at three error bounds. */
function pwlEntries(): ApproximationDefinition[] {
  return pwlExacts.flatMap((exact) =>
    (["pwl", "lut"] as const)
      .filter((kind) => kind === "pwl" || lutExacts.includes(exact))
      .flatMap((kind) =>
        pwlErrors.map(
          (e): ApproximationDefinition => ({
            exact: exact.name,
            approximation: `${exact.name}-${kind}`,
            params: (own) => ({ ...own, e }),
            ...(exact.name === "exp"
              ? {
                  domain: [Number.NEGATIVE_INFINITY, 0] as const,
                  note: "on (−∞, 0]: softmax after the max shift",
                }
              : {}),
          }),
        ),
      ),
  );
}

/** The catalog entries that stand in for the activation named `exact`. */
export function approximationsFor(exact: string): ApproximationDefinition[] {
  return approximations.filter((entry) => entry.exact === exact);
}
