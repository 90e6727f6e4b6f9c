import { getActivation, instantiate, type Parameters } from "@rectify/kernels";
import { DataType, type ModelBuilder, type Value } from "@rectify/onnx";

/** The activation families of the generated zoo, each written as real exporters write it. */
export const activationFamilies = [
  "relu",
  "leaky-relu",
  "prelu",
  "elu",
  "gelu",
  "gelu-tanh",
  "silu",
  "hardswish",
  "softplus",
  "mish",
] as const;

export type ActivationFamily = (typeof activationFamilies)[number];

/** How each family reads in a model's description. */
export const familyDescriptions: Readonly<Record<ActivationFamily, string>> = {
  relu: "ReLU (the control: nothing to rewrite on onnxruntime)",
  "leaky-relu": "LeakyRelu α = 0.1",
  prelu: "PRelu with per-channel slopes",
  elu: "Elu",
  gelu: "erf-GELU as torch exports it",
  "gelu-tanh": "tanh-GELU as torch exports approximate='tanh'",
  silu: "SiLU as x·Sigmoid(x)",
  hardswish: "the HardSwish op",
  softplus: "the Softplus op",
  mish: "Mish as x·Tanh(Softplus(x))",
};

/** The @rectify/kernels activation (and parameters) each family computes: what the rewriter names its sites. */
export const familyActivations: Readonly<
  Record<ActivationFamily, { readonly name: string; readonly params: Partial<Parameters> }>
> = {
  relu: { name: "relu", params: {} },
  "leaky-relu": { name: "leaky-relu", params: { alpha: 0.1 } },
  // The slopes are drawn around 0.2 (see preluSlopes); the gain uses their middle.
  prelu: { name: "prelu", params: { a: 0.2 } },
  elu: { name: "elu", params: { alpha: 1 } },
  gelu: { name: "gelu", params: {} },
  "gelu-tanh": { name: "gelu-tanh", params: {} },
  silu: { name: "silu", params: {} },
  hardswish: { name: "hard-swish", params: {} },
  softplus: { name: "softplus", params: {} },
  mish: { name: "mish", params: {} },
};

/** PRelu slopes, one per channel, drawn from U(0.1, 0.3). */
const preluSlopes: [number, number] = [0.1, 0.3];

/**
 * The weight gain that keeps the next layer's pre-activations near unit
 * standard deviation: 1/√E[f(z)²] for z ~ N(0, 1), because a layer with
 * weights of deviation gain/√fan-in gives its outputs the variance
 * gain²·E[f(z)²]. Without it, saturating or halving activations (ReLU keeps
 * half the variance) shrink the inputs of later layers towards 0, where
 * every approximation looks perfect.
 */
export function activationGain(family: ActivationFamily): number {
  const { name, params } = familyActivations[family];
  const activation = instantiate(getActivation(name), params);
  // Midpoint rule over [−8, 8]: the normal density outside is below 1e-14.
  const steps = 4000;
  const width = 16 / steps;
  let secondMoment = 0;
  for (let i = 0; i < steps; i++) {
    const z = -8 + (i + 0.5) * width;
    const value = activation.f(z);
    secondMoment += value * value * Math.exp(-0.5 * z * z) * width;
  }
  return 1 / Math.sqrt(secondMoment / Math.sqrt(2 * Math.PI));
}

/** Where an activation goes: its node names' prefix and the shape of PRelu's slope tensor. */
export interface ActivationPlace {
  /** Prefix of the node and initializer names, e.g. "layer2/act". */
  readonly name: string;
  /** Shape of PRelu's per-channel slopes, broadcast against the input ([C, 1, 1] for NCHW). */
  readonly slopeShape: readonly number[];
}

/** Emits `family` applied to `x` into the builder, in the form exporters write, and returns its output. */
export function emitActivation(
  builder: ModelBuilder,
  family: ActivationFamily,
  x: Value,
  place: ActivationPlace,
): Value {
  const { name } = place;
  const scalar = (value: number, suffix: string) =>
    builder.scalar(value, DataType.FLOAT, `${name}/${suffix}`);
  const op = (opType: string, inputs: Value[], suffix: string, attributes = {}) =>
    builder.op(opType, inputs, attributes, { name: `${name}/${suffix}` });
  switch (family) {
    case "relu":
      return op("Relu", [x], "Relu");
    case "leaky-relu":
      return op("LeakyRelu", [x], "LeakyRelu", { alpha: 0.1 });
    case "prelu": {
      const slope = builder.randomInitializer(`${name}/slope`, place.slopeShape, {
        uniform: preluSlopes,
      });
      return op("PRelu", [x, slope], "PRelu");
    }
    case "elu":
      return op("Elu", [x], "Elu", { alpha: 1 });
    case "gelu": {
      // torch.onnx: Mul(Mul(x, Add(Erf(Div(x, √2)), 1)), 0.5)
      const erf = op("Erf", [op("Div", [x, scalar(1.4142135381698608, "sqrt2")], "Div")], "Erf");
      const gate = op("Add", [erf, scalar(1, "one")], "Add");
      return op("Mul", [op("Mul", [x, gate], "Mul"), scalar(0.5, "half")], "Mul_1");
    }
    case "gelu-tanh": {
      // torch.onnx with approximate="tanh" (opset < 20):
      // Mul(0.5, Mul(x, Add(1, Tanh(Mul(√(2/π), Add(x, Mul(0.044715, Pow(x, 3))))))))
      const cube = op("Pow", [x, scalar(3, "three")], "Pow");
      const cubic = op("Mul", [scalar(0.044715, "kappa"), cube], "Mul");
      const inner = op("Add", [x, cubic], "Add");
      const scaled = op("Mul", [scalar(0.7978845608028654, "beta"), inner], "Mul_1");
      const gate = op("Add", [scalar(1, "one"), op("Tanh", [scaled], "Tanh")], "Add_1");
      return op("Mul", [scalar(0.5, "half"), op("Mul", [x, gate], "Mul_2")], "Mul_3");
    }
    case "silu":
      return op("Mul", [x, op("Sigmoid", [x], "Sigmoid")], "Mul");
    case "hardswish":
      return op("HardSwish", [x], "HardSwish");
    case "softplus":
      return op("Softplus", [x], "Softplus");
    case "mish":
      return op("Mul", [x, op("Tanh", [op("Softplus", [x], "Softplus")], "Tanh")], "Mul");
  }
}
