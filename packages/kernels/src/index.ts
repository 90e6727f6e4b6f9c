export {
  type Activation,
  type ActivationDefinition,
  type ActivationProperties,
  activationId,
  defineActivation,
  instantiate,
  type ParameterSpec,
  type Parameters,
  resolveParameters,
} from "./activation/activation.js";
export {
  defineExpressionActivation,
  type ExpressionActivationSpec,
} from "./activation/expression-activation.js";
export { algebraicForms } from "./activations/algebraic-forms.js";
export { expBySquaring, logByRoots } from "./activations/algebraic-exp-log.js";
export { activations, exactActivations, getActivation } from "./activations/index.js";
export {
  type ApproximationDefinition,
  approximations,
  approximationsFor,
} from "./approximations/index.js";
export { KernelsError, type KernelsErrorCode } from "./errors/kernels-error.js";
export { applyOp, type CompiledExpression, compileExpression } from "./expression/evaluate.js";
export {
  Expr,
  expressionNodes,
  formatExpression,
  type Operand,
  opCounts,
  opsUsed,
  type PrimitiveOp,
  primitiveOps,
  reductionOps,
  toExpr,
  transcendentalOps,
  where,
} from "./expression/expression.js";
export { erf, erfc, normalCdf, normalPdf, sigmoid, softplus } from "./math/special.js";
