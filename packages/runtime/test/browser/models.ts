// Models the browser suite runs, built with @rectify/onnx's ModelBuilder from
// fixed seeds, so the page (wasm, webgpu) and onnxruntime-node see the same
// bytes and weights on every run.
import { DataType, type Model, ModelBuilder } from "@rectify/onnx";

/** x [batch, 16] → four dense layers with Softplus, Gelu, Tanh and Sigmoid → y [batch, 8]; opset 20 for the Gelu op. */
export function mlpModel(): Model {
  const builder = new ModelBuilder({ opset: 20, seed: 11 });
  const x = builder.input("x", DataType.FLOAT, ["batch", 16]);
  const dense = (input: ReturnType<typeof builder.input>, name: string, from: number, to: number) =>
    builder.op("Add", [
      builder.op("MatMul", [input, builder.randomInitializer(`${name}.weight`, [from, to])]),
      builder.randomInitializer(`${name}.bias`, [to], { normal: [0, 0.5] }),
    ]);
  const h1 = builder.op("Softplus", [dense(x, "dense1", 16, 32)], {}, { name: "softplus" });
  const h2 = builder.op("Gelu", [dense(h1, "dense2", 32, 32)], {}, { name: "gelu" });
  const h3 = builder.op("Tanh", [dense(h2, "dense3", 32, 16)], {}, { name: "tanh" });
  const y = builder.op("Sigmoid", [dense(h3, "dense4", 16, 8)], {}, { name: "sigmoid" });
  builder.output(y, DataType.FLOAT, ["batch", 8], "y");
  return builder.build();
}

/** x [1, 3, 16, 16] → Conv, Relu, strided Conv, Elu, global average pool, Gemm, Softmax → y [1, 10]. */
export function convModel(): Model {
  const builder = new ModelBuilder({ opset: 17, seed: 23 });
  const x = builder.input("x", DataType.FLOAT, [1, 3, 16, 16]);
  const conv = (
    input: ReturnType<typeof builder.input>,
    name: string,
    channels: [number, number],
    stride: number,
  ) =>
    builder.op(
      "Conv",
      [
        input,
        builder.randomInitializer(`${name}.weight`, [channels[1], channels[0], 3, 3], {
          normal: [0, 1 / Math.sqrt(9 * channels[0])],
        }),
        builder.randomInitializer(`${name}.bias`, [channels[1]], { normal: [0, 0.1] }),
      ],
      { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [stride, stride], dilations: [1, 1] },
      { name },
    );
  const h1 = builder.op("Relu", [conv(x, "conv1", [3, 8], 1)]);
  const h2 = builder.op("Elu", [conv(h1, "conv2", [8, 16], 2)], { alpha: 1 });
  const pooled = builder.op("Flatten", [builder.op("GlobalAveragePool", [h2])], { axis: 1 });
  const logits = builder.op("Gemm", [
    pooled,
    builder.randomInitializer("head.weight", [16, 10]),
    builder.randomInitializer("head.bias", [10], { normal: [0, 0.1] }),
  ]);
  builder.output(builder.op("Softmax", [logits], { axis: 1 }), DataType.FLOAT, [1, 10], "y");
  return builder.build();
}

/** x [batch, 16] → MatMul, Add, Softplus → y [batch, 16]: its one Softplus node is what JSEP lacks. */
export function softplusDenseModel(): Model {
  const builder = new ModelBuilder({ opset: 17, seed: 5 });
  const x = builder.input("x", DataType.FLOAT, ["batch", 16]);
  const z = builder.op("Add", [
    builder.op("MatMul", [
      x,
      builder.randomInitializer("dense.weight", [16, 16], { normal: [0, 1] }),
    ]),
    builder.randomInitializer("dense.bias", [16], { normal: [0, 1] }),
  ]);
  builder.output(
    builder.op("Softplus", [z], {}, { name: "softplus" }),
    DataType.FLOAT,
    ["batch", 16],
    "y",
  );
  return builder.build();
}

/** x [1, 8] → Shape → ConstantOfShape (zeros) → Add x → Max 0 → y: onnxruntime folds the static Shape and ConstantOfShape; Max is what JSEP lacks. */
export function shapeFillModel(): Model {
  const builder = new ModelBuilder({ opset: 17, seed: 3 });
  const x = builder.input("x", DataType.FLOAT, [1, 8]);
  const zeros = builder.op("ConstantOfShape", [builder.op("Shape", [x])], {}, { name: "fill" });
  const sum = builder.op("Add", [x, zeros]);
  builder.output(
    builder.op("Max", [sum, builder.scalar(0, DataType.FLOAT, "zero")], {}, { name: "max" }),
    DataType.FLOAT,
    [1, 8],
    "y",
  );
  return builder.build();
}

/** x [batch, 8] → Relu → Identity → Sigmoid → y: onnxruntime removes the inner Identity, which JSEP has no kernel for. */
export function identityChainModel(): Model {
  const builder = new ModelBuilder({ opset: 17, seed: 4 });
  const x = builder.input("x", DataType.FLOAT, ["batch", 8]);
  const inner = builder.op("Identity", [builder.op("Relu", [x])], {}, { name: "identity" });
  builder.output(builder.op("Sigmoid", [inner]), DataType.FLOAT, ["batch", 8], "y");
  return builder.build();
}
