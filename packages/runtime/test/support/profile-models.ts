// Small models whose decomposed activations onnxruntime fuses at level all,
// for the profiler's tests (seeded weights, tensors of a few KB: fast runs).
import { DataType, encodeModel, ModelBuilder, SeededRandom } from "@rectify/onnx";
import { tensor } from "../../src/index.node.js";

const F = DataType.FLOAT;

/** A model, its feeds, and the names of the tensors a fusion should read and write. */
export interface ProfileModel {
  readonly bytes: Uint8Array;
  readonly feeds: { readonly x: ReturnType<typeof tensor> };
  /** Tensor names of the original model around the fused activation. */
  readonly activationInputs: readonly string[];
  readonly activationOutput: string;
}

/** x·0.5·(1 + Erf(x/√2)) of `h`, written as PyTorch exports it. */
function erfGelu(builder: ModelBuilder, h: ReturnType<ModelBuilder["input"]>) {
  const scaled = builder.op(
    "Div",
    [h, builder.scalar(Math.SQRT2, F, "sqrt2")],
    {},
    { name: "div" },
  );
  const erf = builder.op("Erf", [scaled], {}, { name: "erf" });
  const onePlus = builder.op("Add", [erf, builder.scalar(1, F, "one")], {}, { name: "add_one" });
  const product = builder.op("Mul", [h, onePlus], {}, { name: "mul" });
  return builder.op("Mul", [product, builder.scalar(0.5, F, "half")], {}, { name: "mul_half" });
}

/**
 * x [1, 4, 16] + bias → erf-GELU → MatMul [16, 8] → y: onnxruntime's CPU
 * provider fuses the Add and the GELU into one com.microsoft BiasGelu reading
 * x and bias. (After a MatMul, the bias Add would go into a Gemm instead, and
 * the GELU alone into com.microsoft Gelu.)
 */
export function biasGeluModel(): ProfileModel {
  const builder = new ModelBuilder({ opset: 17 });
  const x = builder.input("x", F, [1, 4, 16]);
  const bias = builder.constant(F, [16], new SeededRandom(2).float32(16), "bias");
  const h = builder.op("Add", [x, bias], {}, { name: "add_bias" });
  const gelu = erfGelu(builder, h);
  const weights = builder.constant(F, [16, 8], new SeededRandom(1).float32(128), "weights");
  builder.output(builder.op("MatMul", [gelu, weights], {}, { name: "matmul" }), F, [1, 4, 8], "y");
  return {
    bytes: encodeModel(builder.build()),
    feeds: { x: tensor(new SeededRandom(3).float32(64), [1, 4, 16]) },
    activationInputs: ["x", "bias"],
    activationOutput: gelu.name,
  };
}

/** Conv [8 → 16, 3×3] on x [1, 8, 16, 16], then x·Sigmoid(x) → y: the CPU provider fuses the latter into com.microsoft QuickGelu. */
export function convSiluModel(): ProfileModel {
  const builder = new ModelBuilder({ opset: 17 });
  const x = builder.input("x", F, [1, 8, 16, 16]);
  const weights = builder.constant(F, [16, 8, 3, 3], new SeededRandom(1).float32(1152), "weights");
  const bias = builder.constant(F, [16], new SeededRandom(2).float32(16), "bias");
  const conv = builder.op("Conv", [x, weights, bias], { pads: [1, 1, 1, 1] }, { name: "conv" });
  const sigmoid = builder.op("Sigmoid", [conv], {}, { name: "sigmoid" });
  builder.output(
    builder.op("Mul", [conv, sigmoid], {}, { name: "swish" }),
    F,
    [1, 16, 16, 16],
    "y",
  );
  return {
    bytes: encodeModel(builder.build()),
    feeds: { x: tensor(new SeededRandom(3).float32(2048), [1, 8, 16, 16]) },
    activationInputs: [conv.name],
    activationOutput: "y",
  };
}
