import { BroadcastError, broadcastShapes } from "../dims.js";
import { isIntegerType } from "../known-values.js";
import type { RuleContext, RuleTable, ShapeRule } from "../rule-context.js";
import type { KnownValue } from "../types.js";
import { elementFolds, foldElementwise } from "./fold-elementwise.js";
import { elementTypes, sameAsInput, setTensor } from "./helpers.js";

/** Folds the op over known integer inputs (shape arithmetic). */
function fold(context: RuleContext, inputs: number, resultType: number): KnownValue | undefined {
  const folder = elementFolds[context.node.opType];
  // Folds take a fixed number of operands; variadic Max/Min with three or more inputs are not folded.
  if (!folder || inputs !== foldArity(context.node.opType) || !isIntegerType(resultType))
    return undefined;
  const operands: KnownValue[] = [];
  for (let index = 0; index < inputs; index++) {
    const known = context.known(index);
    if (!known || !isIntegerType(context.elementType(index))) return undefined;
    operands.push(known);
  }
  return foldElementwise(operands, folder, context.maxKnownElements);
}

function foldArity(opType: string): number {
  if (opType === "Where") return 3;
  return opType === "Neg" || opType === "Abs" || opType === "Not" ? 1 : 2;
}

/** Output shape of a broadcasting op over `inputs` (legacy opsets broadcast B to A only). */
function broadcastOutput(context: RuleContext, inputs: number[]) {
  if (context.opset < 7 && context.attributes.has("broadcast")) return context.shape(inputs[0]!);
  const shape = broadcastShapes(inputs.map((index) => context.shape(index)));
  if (shape instanceof BroadcastError) {
    context.conflict(`inputs cannot be broadcast together: ${shape.message}`);
    return undefined;
  }
  return shape;
}

/** Binary (or variadic) broadcasting op whose output element type is `resultType(context)`. */
function broadcasting(resultType: (context: RuleContext) => number, firstTyped = 0): ShapeRule {
  return (context) => {
    const inputs = Array.from({ length: context.inputCount }, (_, index) => index);
    if (inputs.length === 0 || inputs.some((index) => !context.hasInput(index))) return;
    const shape = broadcastOutput(context, inputs);
    const elementType = resultType(context) || context.elementType(firstTyped);
    setTensor(context, 0, elementType, shape, fold(context, inputs.length, elementType));
  };
}

const firstInputType = (context: RuleContext) => {
  for (let index = 0; index < context.inputCount; index++) {
    const type = context.elementType(index);
    if (type !== 0) return type;
  }
  return 0;
};
const inputZeroType = (context: RuleContext) => context.elementType(0);
const boolType = () => elementTypes.bool;

/** Unary ops keeping type and shape, folding integer ones when known. */
const unary: ShapeRule = (context) => {
  const type = context.tensor(0);
  if (!type) return;
  setTensor(context, 0, type.elementType, type.shape, fold(context, 1, type.elementType));
};

const boolOfSameShape: ShapeRule = (context) => {
  setTensor(context, 0, elementTypes.bool, context.shape(0));
};

const unaryNames = [
  "Abs",
  "Neg",
  "Relu",
  "Sigmoid",
  "Tanh",
  "Exp",
  "Log",
  "Sqrt",
  "Reciprocal",
  "Floor",
  "Ceil",
  "Round",
  "Sign",
  "Erf",
  "Sin",
  "Cos",
  "Tan",
  "Asin",
  "Acos",
  "Atan",
  "Sinh",
  "Cosh",
  "Asinh",
  "Acosh",
  "Atanh",
  "Softplus",
  "Softsign",
  "Elu",
  "Selu",
  "LeakyRelu",
  "ThresholdedRelu",
  "HardSigmoid",
  "HardSwish",
  "Mish",
  "Gelu",
  "Celu",
  "Shrink",
  "Not",
  "BitwiseNot",
  "Clip",
  "LpNormalization",
  "MeanVarianceNormalization",
  "LRN",
  "Softmax",
  "LogSoftmax",
  "Hardmax",
  "CumSum",
  "Trilu",
  "ReverseSequence",
  "Scatter",
  "ScatterElements",
  "ScatterND",
  "RotaryEmbedding",
];

/** Elementwise, broadcasting and same-shape ops. */
export const elementwiseRules: RuleTable = {
  ...Object.fromEntries(unaryNames.map((name) => [name, unary])),
  IsNaN: boolOfSameShape,
  IsInf: boolOfSameShape,
  Add: broadcasting(firstInputType),
  Sub: broadcasting(firstInputType),
  Mul: broadcasting(firstInputType),
  Div: broadcasting(firstInputType),
  Mod: broadcasting(firstInputType),
  Pow: broadcasting(inputZeroType),
  // The slope broadcasts to X (one way), so the output is X's type in every opset.
  PRelu: sameAsInput,
  BitShift: broadcasting(firstInputType),
  BitwiseAnd: broadcasting(firstInputType),
  BitwiseOr: broadcasting(firstInputType),
  BitwiseXor: broadcasting(firstInputType),
  Max: broadcasting(firstInputType),
  Min: broadcasting(firstInputType),
  Sum: broadcasting(firstInputType),
  Mean: broadcasting(firstInputType),
  And: broadcasting(boolType),
  Or: broadcasting(boolType),
  Xor: broadcasting(boolType),
  Equal: broadcasting(boolType),
  Less: broadcasting(boolType),
  Greater: broadcasting(boolType),
  LessOrEqual: broadcasting(boolType),
  GreaterOrEqual: broadcasting(boolType),
  Where: (context) => {
    if (![0, 1, 2].every((index) => context.hasInput(index))) return;
    const shape = broadcastOutput(context, [0, 1, 2]);
    const elementType = context.elementType(1) || context.elementType(2);
    setTensor(context, 0, elementType, shape, fold(context, 3, elementType));
  },
  RegexFullMatch: boolOfSameShape,
  StringConcat: broadcasting(() => 8),
  Dropout: (context) => {
    sameAsInput(context);
    const maskType = context.opset >= 10 ? elementTypes.bool : context.elementType(0);
    setTensor(context, 1, maskType, context.shape(0));
  },
};
