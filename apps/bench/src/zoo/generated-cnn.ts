import { DataType, type Model, ModelBuilder, type Value } from "@rectify/onnx";
import { type ActivationFamily, activationGain, emitActivation } from "./activation-forms.js";

/** The convolutions: output channels and stride (3×3 kernels, pads 1). */
const convolutions: readonly { readonly channels: number; readonly stride: number }[] = [
  { channels: 32, stride: 1 },
  { channels: 32, stride: 2 },
  { channels: 64, stride: 2 },
  { channels: 64, stride: 1 },
];

/** Number of activation layers of the CNN. */
export const cnnActivationLayers = convolutions.length;

/** Classes of the CNN's Gemm head. */
const classes = 10;

/**
 * Small image classifier: [batch, 3, 32, 32] → 4 Conv 3×3 (32, 32/2, 64/2,
 * 64 channels) each followed by the activation → GlobalAveragePool →
 * Flatten → Gemm to 10 logits. Weights N(0, gain²/fan-in), fan-in = C·3·3.
 */
export function buildCnn(family: ActivationFamily, seed: number): Model {
  const builder = new ModelBuilder({
    opset: 17,
    seed,
    graphName: `cnn_${family.replace(/-/g, "_")}`,
    producerName: "rectify bench zoo",
  });
  const gain = activationGain(family);
  let h: Value = builder.input("image", DataType.FLOAT, ["batch", 3, 32, 32]);
  let channels = 3;
  for (const [index, { channels: outputs, stride }] of convolutions.entries()) {
    const name = `conv${index + 1}`;
    const fanIn = channels * 9;
    const weight = builder.randomInitializer(`${name}.weight`, [outputs, channels, 3, 3], {
      normal: [0, (index === 0 ? 1 : gain) / Math.sqrt(fanIn)],
    });
    const bias = builder.randomInitializer(`${name}.bias`, [outputs], { normal: [0, 0.1] });
    h = builder.op(
      "Conv",
      [h, weight, bias],
      { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [stride, stride] },
      { name: `${name}/Conv` },
    );
    h = emitActivation(builder, family, h, { name: `${name}/act`, slopeShape: [outputs, 1, 1] });
    channels = outputs;
  }
  const pooled = builder.op("GlobalAveragePool", [h], {}, { name: "pool" });
  const flat = builder.op("Flatten", [pooled], { axis: 1 }, { name: "flatten" });
  // The pooled means vary far less than the activations; a larger head keeps the logits apart.
  const weight = builder.randomInitializer("head.weight", [channels, classes], {
    normal: [0, (4 * gain) / Math.sqrt(channels)],
  });
  const bias = builder.randomInitializer("head.bias", [classes], { normal: [0, 0.1] });
  const logits = builder.op(
    "Gemm",
    [flat, weight, bias],
    {},
    { name: "head/Gemm", output: "logits" },
  );
  builder.output(logits, DataType.FLOAT, ["batch", classes]);
  return builder.build();
}
