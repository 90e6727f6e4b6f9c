import type { ActivationDefinition } from "../activation/activation.js";
import { KernelsError } from "../errors/kernels-error.js";
import { algebraicForms } from "./algebraic-forms.js";
import { relu } from "./relu.js";
import { softplus } from "./softplus.js";
import { squareplus } from "./squareplus.js";

export { relu, softplus, squareplus };

/** Every registered elementwise activation; the catalog tests check each generically. */
export const activations: readonly ActivationDefinition[] = [
  relu,
  softplus,
  squareplus,
  ...algebraicForms,
];

const byName = new Map(activations.map((definition) => [definition.name, definition]));

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
