import { DataType, type Model, ModelBuilder } from "@rectify/onnx";

/** A single-op activation test case: op, attributes and opset. */
export interface SingleOpCase {
  readonly opType: string;
  readonly attributes?: Readonly<Record<string, number | string>>;
  readonly domain?: string;
  readonly opset?: number;
  /** Extra inputs after x (e.g. PRelu's slope), as constant arrays with dims. */
  readonly extraInputs?: readonly { dims: number[]; values: number[] }[];
}

/** Every single-op activation the rewriter recognises, at an opset that has it. */
export const singleOpCases: readonly SingleOpCase[] = [
  { opType: "Relu" },
  { opType: "LeakyRelu", attributes: { alpha: 0.2 } },
  { opType: "PRelu", extraInputs: [{ dims: [1], values: [0.3] }] },
  {
    opType: "PRelu",
    extraInputs: [{ dims: [8], values: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8] }],
  },
  { opType: "Elu", attributes: { alpha: 0.7 } },
  { opType: "Selu" },
  { opType: "Celu", attributes: { alpha: 1.5 } },
  { opType: "Softplus" },
  { opType: "Softsign" },
  { opType: "Sigmoid" },
  { opType: "HardSigmoid", attributes: { alpha: 0.25, beta: 0.4 } },
  { opType: "HardSwish" },
  { opType: "Tanh" },
  { opType: "Gelu", opset: 20 },
  { opType: "Gelu", attributes: { approximate: "tanh" }, opset: 20 },
  { opType: "Mish", opset: 18 },
  { opType: "ThresholdedRelu", attributes: { alpha: 0.5 } },
  {
    opType: "Clip",
    extraInputs: [
      { dims: [], values: [0] },
      { dims: [], values: [6] },
    ],
  },
  { opType: "Clip", attributes: { min: 0, max: 6 }, opset: 10 },
  { opType: "Softmax", attributes: { axis: -1 } },
  { opType: "LogSoftmax", attributes: { axis: -1 } },
];

/** x [4, 8] → op → y, with the case's opset (default 17). */
export function singleOpModel(test: SingleOpCase): Model {
  const builder = new ModelBuilder({ opset: test.opset ?? 17, seed: 3 });
  const x = builder.input("x", DataType.FLOAT, [4, 8]);
  const extras = (test.extraInputs ?? []).map((input, index) =>
    builder.constant(DataType.FLOAT, input.dims, input.values, `extra${index}`),
  );
  const y = builder.op(test.opType, [x, ...extras], test.attributes ?? {}, {
    name: `the_${test.opType}`,
    ...(test.domain ? { domain: test.domain } : {}),
  });
  builder.output(y, DataType.FLOAT, [4, 8], "y");
  return builder.build();
}
