import { DataType, type Model, ModelBuilder, type Value } from "@rectify/onnx";

/** Width of the example's hidden layers. */
const width = 64;

/**
 * The built-in example (what `pnpm demo` rewrites): a 7-layer MLP classifier
 * whose layers use the activations rectify is about, both as single ops and
 * as the decomposed subgraphs PyTorch exports (erf-GELU, x·σ(x), Mish,
 * log(1 + eˣ)), ending in a Softmax over 10 classes. Weights are seeded, so
 * the model is the same on every machine.
 */
export function buildExampleModel(): Model {
  const builder = new ModelBuilder({
    opset: 17,
    seed: 2026,
    graphName: "rectify_example_mlp",
    producerName: "rectify example",
  });
  const scalar = (value: number, name: string) => builder.scalar(value, DataType.FLOAT, name);
  const x = builder.input("features", DataType.FLOAT, ["batch", 32]);
  let layer = 0;
  const dense = (input: Value, inputs: number, outputs: number) => {
    layer++;
    const weight = builder.randomInitializer(`dense${layer}.weight`, [inputs, outputs], {
      normal: [0, 1.6 / Math.sqrt(inputs)],
    });
    const bias = builder.randomInitializer(`dense${layer}.bias`, [outputs], { normal: [0, 0.2] });
    return builder.op(
      "Add",
      [builder.op("MatMul", [input, weight], {}, { name: `dense${layer}/MatMul` }), bias],
      {},
      { name: `dense${layer}/Add` },
    );
  };
  // erf-GELU as torch.onnx exports it: Mul(Mul(x, Add(Erf(Div(x, √2)), 1)), 0.5)
  let h = dense(x, 32, width);
  const erf = builder.op(
    "Erf",
    [builder.op("Div", [h, scalar(1.4142135381698608, "sqrt2")])],
    {},
    { name: "gelu/Erf" },
  );
  h = builder.op(
    "Mul",
    [builder.op("Mul", [h, builder.op("Add", [erf, scalar(1, "one")])]), scalar(0.5, "half")],
    {},
    { name: "gelu/Mul_1" },
  );
  // SiLU as x · Sigmoid(x)
  h = dense(h, width, width);
  h = builder.op(
    "Mul",
    [h, builder.op("Sigmoid", [h], {}, { name: "silu/Sigmoid" })],
    {},
    { name: "silu/Mul" },
  );
  // Softplus, the op
  h = builder.op("Softplus", [dense(h, width, width)], {}, { name: "softplus" });
  // Mish as x · Tanh(Softplus(x))
  h = dense(h, width, width);
  h = builder.op(
    "Mul",
    [
      h,
      builder.op(
        "Tanh",
        [builder.op("Softplus", [h], {}, { name: "mish/Softplus" })],
        {},
        { name: "mish/Tanh" },
      ),
    ],
    {},
    { name: "mish/Mul" },
  );
  // ELU and LeakyReLU, the ops
  h = builder.op("Elu", [dense(h, width, width)], { alpha: 1 }, { name: "elu" });
  h = builder.op("LeakyRelu", [dense(h, width, width)], { alpha: 0.1 }, { name: "leaky_relu" });
  const logits = dense(h, width, 10);
  const probabilities = builder.op(
    "Softmax",
    [logits],
    { axis: -1 },
    { name: "softmax", output: "probabilities" },
  );
  builder.output(probabilities, DataType.FLOAT, ["batch", 10]);
  return builder.build();
}
