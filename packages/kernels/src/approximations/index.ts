import type { ApproximationDefinition } from "./approximation.js";

export type { ApproximationDefinition } from "./approximation.js";

/**
 * The catalog of (exact → approximation) pairs. Every name refers to an
 * activation registered in src/activations/index.ts; the error engine
 * measures each entry, nothing here states an error.
 */
export const approximations: readonly ApproximationDefinition[] = [
  { exact: "softplus", approximation: "squareplus", params: { b: 4 }, fittable: ["b"] },
  { exact: "softplus", approximation: "relu" },
];

/** The catalog entries that stand in for the activation named `exact`. */
export function approximationsFor(exact: string): ApproximationDefinition[] {
  return approximations.filter((entry) => entry.exact === exact);
}
