import { type CompiledExpression, compileExpression } from "../expression/evaluate.js";
import type { Expr } from "../expression/expression.js";
import {
  type ActivationDefinition,
  type ActivationProperties,
  defineActivation,
  type ParameterSpec,
  type Parameters,
} from "./activation.js";

/** What an activation defined only by its expression supplies. */
export interface ExpressionActivationSpec {
  readonly name: string;
  readonly title: string;
  readonly formula: string;
  readonly parameters: readonly ParameterSpec[];
  expression(p: Parameters): Expr;
  readonly properties: ActivationProperties;
}

/**
 * An approximating form whose definition *is* its expression: f is the
 * expression in float64 and f′ its forward-mode derivative. (Exact
 * activations write f and f′ independently instead, so the catalog tests
 * check one against the other.)
 */
export function defineExpressionActivation(spec: ExpressionActivationSpec): ActivationDefinition {
  // Parameters objects are frozen and reused by instantiate(), so one compile per instance.
  const compiledFor = new WeakMap<Parameters, CompiledExpression>();
  const compiled = (p: Parameters) => {
    let result = compiledFor.get(p);
    if (!result) {
      result = compileExpression(spec.expression(p));
      compiledFor.set(p, result);
    }
    return result;
  };
  return defineActivation({
    ...spec,
    // Every form switches branch at 0 (|x|, max(x, 0), x < 0), where f′ is one-sided.
    properties: {
      ...spec.properties,
      kinks: (p) => [0, ...(spec.properties.kinks?.(p) ?? [])],
    },
    f: (x, p) => compiled(p).evaluate(x),
    df: (x, p) => compiled(p).derivative(x),
    derivativeFromExpression: true,
  });
}
