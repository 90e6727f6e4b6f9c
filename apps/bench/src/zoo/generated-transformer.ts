import { DataType, type Model, ModelBuilder, type Value } from "@rectify/onnx";
import { type ActivationFamily, activationGain, emitActivation } from "./activation-forms.js";
import { denseLayer } from "./generated-mlp.js";

/** Sequence length, model width, attention heads, MLP width and number of blocks. */
export const transformerShape = {
  sequence: 64,
  width: 128,
  heads: 4,
  hidden: 512,
  blocks: 2,
} as const;

/** LayerNormalization over the last axis with seeded scale ≈ 1 and bias ≈ 0. */
function layerNorm(builder: ModelBuilder, name: string, x: Value): Value {
  const { width } = transformerShape;
  const scale = builder.randomInitializer(`${name}.weight`, [width], { normal: [1, 0.05] });
  const bias = builder.randomInitializer(`${name}.bias`, [width], { normal: [0, 0.05] });
  return builder.op(
    "LayerNormalization",
    [x, scale, bias],
    { axis: -1, epsilon: 1e-5 },
    { name: `${name}/LayerNormalization` },
  );
}

/** Multi-head self-attention as torch exports it: projections, Reshape/Transpose to heads, scaled scores, Softmax. */
function selfAttention(builder: ModelBuilder, name: string, x: Value): Value {
  const { width, heads } = transformerShape;
  const headWidth = width / heads;
  const op = (opType: string, inputs: Value[], suffix: string, attributes = {}) =>
    builder.op(opType, inputs, attributes, { name: `${name}/${suffix}` });
  const toHeads = builder.int64s([0, 0, heads, headWidth], `${name}/heads_shape`);
  const split = (projection: string, perm: number[]) =>
    op(
      "Transpose",
      [
        op(
          "Reshape",
          [denseLayer(builder, `${name}.${projection}`, x, width, width), toHeads],
          `${projection}/Reshape`,
        ),
      ],
      `${projection}/Transpose`,
      { perm },
    );
  const query = split("query", [0, 2, 1, 3]); // [batch, heads, seq, headWidth]
  const keyT = split("key", [0, 2, 3, 1]); // [batch, heads, headWidth, seq]
  const value = split("value", [0, 2, 1, 3]);
  const scores = op(
    "Div",
    [
      op("MatMul", [query, keyT], "scores/MatMul"),
      builder.scalar(Math.sqrt(headWidth), DataType.FLOAT, `${name}/scale`),
    ],
    "scores/Div",
  );
  const weights = op("Softmax", [scores], "Softmax", { axis: -1 });
  const context = op("MatMul", [weights, value], "context/MatMul");
  const merged = op(
    "Reshape",
    [
      op("Transpose", [context], "context/Transpose", { perm: [0, 2, 1, 3] }),
      builder.int64s([0, 0, width], `${name}/merge_shape`),
    ],
    "context/Reshape",
  );
  return denseLayer(builder, `${name}.output`, merged, width, width);
}

/**
 * Two pre-LayerNorm transformer blocks on [batch, 64, 128]: x + Attention(LN(x)),
 * then x + MLP(LN(x)) with MLP 128 → 512 → activation → 128. LayerNorm keeps
 * the MLP's activation inputs near unit deviation whatever the residual stream does.
 */
export function buildTransformer(family: ActivationFamily, seed: number): Model {
  const { sequence, width, hidden, blocks } = transformerShape;
  const builder = new ModelBuilder({
    opset: 17,
    seed,
    graphName: `transformer_${family.replace(/-/g, "_")}`,
    producerName: "rectify bench zoo",
  });
  const gain = activationGain(family);
  let x = builder.input("tokens", DataType.FLOAT, ["batch", sequence, width]);
  for (let block = 1; block <= blocks; block++) {
    const name = `block${block}`;
    const attention = selfAttention(
      builder,
      `${name}.attention`,
      layerNorm(builder, `${name}.ln1`, x),
    );
    x = builder.op("Add", [x, attention], {}, { name: `${name}/attention/residual` });
    const up = denseLayer(
      builder,
      `${name}.mlp.up`,
      layerNorm(builder, `${name}.ln2`, x),
      width,
      hidden,
    );
    const activated = emitActivation(builder, family, up, {
      name: `${name}/mlp/act`,
      slopeShape: [hidden],
    });
    const down = denseLayer(builder, `${name}.mlp.down`, activated, hidden, width, gain);
    x = builder.op("Add", [x, down], {}, { name: `${name}/mlp/residual` });
  }
  builder.output(x, DataType.FLOAT, ["batch", sequence, width], "hidden");
  return builder.build();
}
