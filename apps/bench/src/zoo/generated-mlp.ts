import { DataType, type Model, ModelBuilder, type Value } from "@rectify/onnx";
import { type ActivationFamily, activationGain, emitActivation } from "./activation-forms.js";

/** Width of the MLP's input and hidden layers, and its number of hidden layers and classes. */
export const mlpShape = { inputs: 64, width: 256, hiddenLayers: 4, classes: 10 } as const;

/**
 * A dense layer, MatMul then Add as torch exports nn.Linear, with seeded
 * weights of deviation gain/√inputs (so its outputs keep the variance its
 * inputs had, times gain²·E[input²]) and small biases.
 */
export function denseLayer(
  builder: ModelBuilder,
  name: string,
  input: Value,
  inputs: number,
  outputs: number,
  gain = 1,
): Value {
  const weight = builder.randomInitializer(`${name}.weight`, [inputs, outputs], {
    normal: [0, gain / Math.sqrt(inputs)],
  });
  const bias = builder.randomInitializer(`${name}.bias`, [outputs], { normal: [0, 0.1] });
  const product = builder.op("MatMul", [input, weight], {}, { name: `${name}/MatMul` });
  return builder.op("Add", [product, bias], {}, { name: `${name}/Add` });
}

/**
 * MLP classifier: [batch, 64] → 4 dense layers of 256 each followed by the
 * activation → dense to 10 classes → Softmax. Every activation sees inputs
 * of about unit deviation on N(0, 1) features.
 */
export function buildMlp(family: ActivationFamily, seed: number): Model {
  const { inputs, width, hiddenLayers, classes } = mlpShape;
  const builder = new ModelBuilder({
    opset: 17,
    seed,
    graphName: `mlp_${family.replace(/-/g, "_")}`,
    producerName: "rectify bench zoo",
  });
  const gain = activationGain(family);
  let h = builder.input("features", DataType.FLOAT, ["batch", inputs]);
  let fanIn: number = inputs;
  for (let layer = 1; layer <= hiddenLayers; layer++) {
    // The features are N(0, 1) already; later layers read activation outputs.
    h = denseLayer(builder, `dense${layer}`, h, fanIn, width, layer === 1 ? 1 : gain);
    h = emitActivation(builder, family, h, { name: `dense${layer}/act`, slopeShape: [width] });
    fanIn = width;
  }
  const logits = denseLayer(builder, "head", h, width, classes, gain);
  const probabilities = builder.op(
    "Softmax",
    [logits],
    { axis: -1 },
    { name: "head/Softmax", output: "probabilities" },
  );
  builder.output(probabilities, DataType.FLOAT, ["batch", classes]);
  return builder.build();
}
