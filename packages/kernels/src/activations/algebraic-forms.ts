import type { ActivationDefinition } from "../activation/activation.js";

/**
 * Approximating forms that are activations in their own right (hard-sigmoid,
 * the algebraic sigmoid, squarings-based exp, …); index.ts registers them
 * with the exact activations.
 */
export const algebraicForms: readonly ActivationDefinition[] = [];
