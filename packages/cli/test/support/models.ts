import { DataType, type Model, ModelBuilder } from "@rectify/onnx";

/** y = Softplus(x · w) with a 64×64 weight: an activation every restricted target rewrites, and a weight big enough to store externally. */
export function softplusModel(seed = 1): Model {
  const b = new ModelBuilder({ seed });
  const x = b.input("x", DataType.FLOAT, [1, 64]);
  const w = b.randomInitializer("w", [64, 64]);
  b.output(
    b.op("Softplus", [b.op("MatMul", [x, w], undefined, { name: "matmul" })]),
    DataType.FLOAT,
    [1, 64],
    "y",
  );
  return b.build();
}

/** A [1, 4] classifier-shaped model: y = x · w + bias with seeded weights (different seeds: unrelated models). */
export function linearModel(seed: number): Model {
  const b = new ModelBuilder({ seed });
  const x = b.input("x", DataType.FLOAT, [1, 8]);
  const w = b.randomInitializer("w", [8, 4]);
  const bias = b.randomInitializer("bias", [4]);
  b.output(b.op("Add", [b.op("MatMul", [x, w]), bias]), DataType.FLOAT, [1, 4], "y");
  return b.build();
}

/** y = Log(x · 0) where `zero`, else x · 0: the first gives −Inf where the second gives 0. */
export function logOfZeroModel(log: boolean): Model {
  const b = new ModelBuilder();
  const x = b.input("x", DataType.FLOAT, [1, 4]);
  const zero = b.op("Mul", [x, b.scalar(0)]);
  const y = log ? b.op("Log", [zero]) : zero;
  b.output(y, DataType.FLOAT, [1, 4], "y");
  return b.build();
}

/** A detector-like probability map [1, 1, 8, 8]: Sigmoid(k·x − 24), near zero everywhere. */
export function probabilityMapModel(k: number): Model {
  const b = new ModelBuilder();
  const x = b.input("x", DataType.FLOAT, [1, 1, 8, 8]);
  const logits = b.op("Sub", [
    b.op("Mul", [x, b.scalar(k, DataType.FLOAT, "k")]),
    b.scalar(24, DataType.FLOAT, "offset"),
  ]);
  b.output(b.op("Sigmoid", [logits]), DataType.FLOAT, [1, 1, 8, 8], "probabilities");
  return b.build();
}

/** A structurally broken model: "cycle" (two nodes feed each other), "missing" (an input nobody defines) or "duplicate" (two nodes define one name). */
export function brokenModel(kind: "cycle" | "missing" | "duplicate"): Model {
  const b = new ModelBuilder();
  const x = b.input("x", DataType.FLOAT, [1, 4]);
  const first = b.op("Relu", [x], undefined, { name: "first" });
  const second = b.op("Neg", [first], undefined, { name: "second" });
  b.output(second, DataType.FLOAT, [1, 4], "y");
  const model = b.build();
  const [relu, neg] = model.graph.nodes;
  if (kind === "cycle") relu!.setInput(0, neg!.outputs[0]!);
  if (kind === "missing") neg!.setInput(0, model.graph.createValue("ghost"));
  if (kind === "duplicate") neg!.outputs[0]!.setNameUnchecked(relu!.outputs[0]!.name);
  return model;
}

/** audio [batch, time] → Reshape to [1, 32] (runs only when batch·time = 32) → Softplus; state [2, batch, 4] → Identity. */
export function dynamicAudioModel(): Model {
  const b = new ModelBuilder({ opset: 17 });
  const audio = b.input("audio", DataType.FLOAT, ["batch", "time"]);
  const state = b.input("state", DataType.FLOAT, [2, "batch", 4]);
  const shaped = b.op("Reshape", [audio, b.constant(DataType.INT64, [2], [1n, 32n])]);
  b.output(b.op("Softplus", [shaped]), DataType.FLOAT, [1, 32], "y");
  b.output(b.op("Identity", [state]), DataType.FLOAT, [2, "batch", 4], "state_out");
  return b.build();
}
