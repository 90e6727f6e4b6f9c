import type { ActivationDefinition } from "../activation/activation.js";
import { KernelsError } from "../errors/kernels-error.js";
import { algebraicForms } from "./algebraic-forms.js";
import { celu, elu, eluMax, selu } from "./elu-family.js";
import { erf } from "./erf.js";
import { gelu, geluSigmoid, geluTanh } from "./gelu.js";
import { hardMish, hardSigmoid, hardSwish, heaviside } from "./hard.js";
import { exp, log, sigmoid, softsign, tanh } from "./logistic.js";
import { mish } from "./mish.js";
import { logSumExpPwl, lutForms, pwlForms, softmaxPwl } from "./pwl-forms.js";
import { relu } from "./relu.js";
import { leakyRelu, prelu, relu6, shiftedRelu } from "./relu-variants.js";
import { silu } from "./silu.js";
import { softplus } from "./softplus.js";
import { softplusExpRatio } from "./softplus-exp-ratio.js";
import { squareplus } from "./squareplus.js";
import { logSumExp, logSumExpZero, softmax } from "./vector.js";

export {
  celu,
  elu,
  eluMax,
  erf,
  exp,
  gelu,
  geluSigmoid,
  geluTanh,
  hardMish,
  hardSigmoid,
  hardSwish,
  heaviside,
  leakyRelu,
  log,
  logSumExp,
  logSumExpZero,
  mish,
  prelu,
  relu,
  relu6,
  selu,
  shiftedRelu,
  sigmoid,
  silu,
  softmax,
  softplus,
  softplusExpRatio,
  softsign,
  squareplus,
  tanh,
};

/** The exact activations (each is what an ONNX op or a published formula computes). */
export const exactActivations: readonly ActivationDefinition[] = [
  relu,
  leakyRelu,
  prelu,
  relu6,
  shiftedRelu,
  gelu,
  geluTanh,
  geluSigmoid,
  silu,
  softplus,
  softplusExpRatio,
  squareplus,
  elu,
  selu,
  celu,
  mish,
  sigmoid,
  tanh,
  erf,
  softsign,
  heaviside,
  hardSigmoid,
  hardSwish,
  hardMish,
  exp,
  log,
  logSumExp,
  logSumExpZero,
  softmax,
];

/** Every registered activation; the catalog tests check each generically. */
export const activations: readonly ActivationDefinition[] = [
  ...exactActivations,
  ...algebraicForms,
  // Cheaper forms of an exact activation that still need its transcendental op.
  eluMax,
  // Piecewise-linear stand-ins (`<name>-pwl`), fitted to an error bound.
  ...pwlForms,
  // The same as lookup tables on a uniform grid (`<name>-lut`).
  ...lutForms,
  softmaxPwl,
  logSumExpPwl,
];

const byName = new Map(activations.map((definition) => [definition.name, definition]));
if (byName.size !== activations.length) throw new Error("two activations share a name");

/** The activation definition named `name`; UNKNOWN_ACTIVATION lists the known names otherwise. */
export function getActivation(name: string): ActivationDefinition {
  const definition = byName.get(name);
  if (!definition)
    throw new KernelsError(
      "UNKNOWN_ACTIVATION",
      `no activation named "${name}"; known: ${[...byName.keys()].sort().join(", ")}`,
    );
  return definition;
}
