// The cases the provider probe runs: every model of the ONNX backend
// conformance data (node tests, with their reference inputs and outputs), and
// tiny single-node models built with @rectify/onnx's ModelBuilder for ops real
// models use at opsets the conformance data (opsets 1-17) does not reach.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  type AttributeInput,
  DataType,
  decodeModel,
  decodeTensor,
  encodeModel,
  float16BitsToNumber,
  type Model,
  ModelBuilder,
  SeededRandom,
  type Tensor,
  tensorTypeInfo,
  type Value,
} from "@rectify/onnx";
import { foldedNodes } from "../src/report/folded-nodes.js";
import { bytesToBase64, type ProbeTensor } from "./probe-run.js";

/** Where Debian's libonnx-testdata puts the single-op conformance models. */
export const conformanceRoot = "/usr/share/libonnx-testdata/data/node";

/** One op a case exercises: its profile key ("Relu", "com.microsoft.Gelu") and the opset its domain is imported at. */
export interface ProbeOp {
  readonly key: string;
  readonly opset: number;
}

/** Reference output values: numbers (float64, NaN allowed) or strings, with dims. */
export interface ReferenceOutput {
  readonly name: string;
  readonly dims: readonly number[];
  readonly values?: readonly number[];
  readonly strings?: readonly string[];
}

/** A model to run, its feeds, the ops it holds and (when known) what it must output. */
export interface ProbeCase {
  /** "node/test_abs" or "built/Relu-17". */
  readonly id: string;
  readonly model: Uint8Array;
  readonly feeds: readonly ProbeTensor[];
  readonly ops: readonly ProbeOp[];
  /** Conformance reference outputs; builder cases are compared with onnxruntime-node's CPU outputs. */
  readonly expected?: readonly ReferenceOutput[];
}

/** A conformance model the probe cannot feed (sequence, optional or bfloat16 inputs), and why. */
export interface SkippedCase {
  readonly id: string;
  readonly reason: string;
}

const ortTypes: Partial<Record<DataType, string>> = {
  [DataType.FLOAT]: "float32",
  [DataType.DOUBLE]: "float64",
  [DataType.FLOAT16]: "float16",
  [DataType.INT8]: "int8",
  [DataType.UINT8]: "uint8",
  [DataType.BOOL]: "bool",
  [DataType.INT16]: "int16",
  [DataType.UINT16]: "uint16",
  [DataType.INT32]: "int32",
  [DataType.UINT32]: "uint32",
  [DataType.INT64]: "int64",
  [DataType.UINT64]: "uint64",
  [DataType.STRING]: "string",
};

/**
 * Ops of every graph of the model (subgraphs included), keyed as profiles key
 * them, with their opsets. Nodes onnxruntime folds away are left out (Constant
 * excepted), since running the model does not exercise their kernels.
 */
export function modelOps(model: Model): ProbeOp[] {
  const local = new Set(model.functions.map((fn) => `${fn.domain}.${fn.name}`));
  const folded = foldedNodes(model.graph);
  const ops = new Map<string, ProbeOp>();
  for (const graph of model.graph.graphs())
    for (const node of graph.nodes) {
      if (folded.has(node) && node.opType !== "Constant") continue;
      const domain = node.domain === "ai.onnx" ? "" : node.domain;
      if (local.has(`${domain}.${node.opType}`)) continue;
      const key = domain ? `${domain}.${node.opType}` : node.opType;
      const opset = model.opsetVersion(domain) ?? model.opsetVersion("ai.onnx") ?? 1;
      ops.set(key, { key, opset });
    }
  return [...ops.values()];
}

function tensorFeed(name: string, tensor: Tensor): ProbeTensor {
  const type = ortTypes[tensor.dataType];
  if (!type)
    throw new Error(`element type ${DataType[tensor.dataType]} has no onnxruntime-web tensor`);
  if (type === "string") {
    const decoder = new TextDecoder();
    const strings = (tensor.toArray() as Uint8Array[]).map((bytes) => decoder.decode(bytes));
    return { name, type, dims: tensor.dims, strings };
  }
  return { name, type, dims: tensor.dims, base64: bytesToBase64(tensor.rawBytes()) };
}

function referenceOutput(name: string, tensor: Tensor): ReferenceOutput {
  if (tensor.dataType === DataType.STRING) {
    const decoder = new TextDecoder();
    return {
      name,
      dims: tensor.dims,
      strings: (tensor.toArray() as Uint8Array[]).map((bytes) => decoder.decode(bytes)),
    };
  }
  return { name, dims: tensor.dims, values: Array.from(tensor.toFloat64Array()) };
}

/** Reads one conformance test folder; a string says why it cannot be probed. */
export function conformanceCase(name: string): ProbeCase | string {
  const directory = join(conformanceRoot, name);
  const bytes = readFileSync(join(directory, "model.onnx"));
  const model = decodeModel(bytes);
  const initialized = new Set(model.graph.initializers.map((value) => value.name));
  const inputs = model.graph.inputs.filter((value) => !initialized.has(value.name));
  for (const value of [...inputs, ...model.graph.outputs]) {
    const info = tensorTypeInfo(value.type);
    if (!info) return `${value.name} is not a tensor (sequence, map or optional)`;
    if (!ortTypes[info.elementType as DataType])
      return `${value.name} is ${DataType[info.elementType]}, which onnxruntime-web tensors cannot hold`;
  }
  const data = join(directory, "test_data_set_0");
  const feeds: ProbeTensor[] = [];
  for (const [index, value] of inputs.entries()) {
    const path = join(data, `input_${index}.pb`);
    if (!existsSync(path)) continue; // An omitted optional input.
    feeds.push(tensorFeed(value.name, decodeTensor(readFileSync(path))));
  }
  const expected: ReferenceOutput[] = [];
  for (const [index, value] of model.graph.outputs.entries()) {
    const path = join(data, `output_${index}.pb`);
    if (existsSync(path))
      expected.push(referenceOutput(value.name, decodeTensor(readFileSync(path))));
  }
  return { id: `node/${name}`, model: bytes, feeds, ops: modelOps(model), expected };
}

/** Every conformance test with a model and a first data set, and the ones the probe cannot feed. */
export function conformanceCases(): { cases: ProbeCase[]; skipped: SkippedCase[] } {
  const cases: ProbeCase[] = [];
  const skipped: SkippedCase[] = [];
  if (!existsSync(conformanceRoot)) return { cases, skipped };
  for (const name of readdirSync(conformanceRoot).sort()) {
    if (!existsSync(join(conformanceRoot, name, "model.onnx"))) continue;
    if (!existsSync(join(conformanceRoot, name, "test_data_set_0"))) continue;
    try {
      const built = conformanceCase(name);
      if (typeof built === "string") skipped.push({ id: `node/${name}`, reason: built });
      else cases.push(built);
    } catch (error) {
      skipped.push({ id: `node/${name}`, reason: (error as Error).message.split("\n")[0]! });
    }
  }
  return { cases, skipped };
}

const F = DataType.FLOAT;
/** Opsets the built cases are stamped with (the conformance data stops at 17). */
export const builtOpsets = [7, 11, 13, 17, 18, 20, 21, 22, 23] as const;

type Build = (builder: ModelBuilder, x: Value, opset: number) => Value;
/** One built op: its node, the opset it first exists at, and its input range. */
interface BuiltOp {
  readonly op: string;
  readonly since: number;
  readonly build: Build;
  /** x > 0 (Log, Sqrt, Reciprocal). */
  readonly positive?: boolean;
  readonly output?: DataType;
  /** Another domain (imported at version 1), built at opset 17 only: contrib ops do not follow ONNX opsets. */
  readonly domain?: string;
  /** x is an image [n, 2, 4, 4] fed as [1, 2, 4, 4] instead of a matrix [n, 4] fed as [2, 4]. */
  readonly image?: boolean;
}

const microsoft = "com.microsoft";

const unary =
  (op: string, attributes?: Record<string, AttributeInput>): Build =>
  (builder, x) =>
    builder.op(op, [x], attributes);
const withScalar =
  (op: string, k: number): Build =>
  (builder, x) =>
    builder.op(op, [x, builder.scalar(k, F, "k")]);
/** Axes as an attribute before opset 13 and as an int64 input from 13 on (Squeeze, Unsqueeze). */
const axesOp =
  (op: string, axes: number[]): Build =>
  (builder, x, opset) =>
    opset >= 13 ? builder.op(op, [x, builder.int64s(axes, "axes")]) : builder.op(op, [x], { axes });

/** Ops substitutes are built from and ops real models use around them; `since` is the ONNX version that introduced the op (or its current input form). */
const builtOps: readonly BuiltOp[] = [
  ...["Relu", "Sigmoid", "Tanh", "Softplus", "Softsign", "Exp", "Abs", "Neg", "Floor", "Ceil"].map(
    (op) => ({ op, since: 1, build: unary(op) }),
  ),
  ...["Elu", "Selu", "LeakyRelu", "HardSigmoid"].map((op) => ({ op, since: 1, build: unary(op) })),
  { op: "Celu", since: 12, build: unary("Celu") },
  { op: "ThresholdedRelu", since: 10, build: unary("ThresholdedRelu") },
  { op: "HardSwish", since: 14, build: unary("HardSwish") },
  { op: "Gelu", since: 20, build: unary("Gelu") },
  { op: "Mish", since: 18, build: unary("Mish") },
  { op: "Erf", since: 9, build: unary("Erf") },
  { op: "Sign", since: 9, build: unary("Sign") },
  { op: "Round", since: 11, build: unary("Round") },
  ...["Sin", "Cos"].map((op) => ({ op, since: 7, build: unary(op) })),
  ...["Log", "Sqrt", "Reciprocal"].map((op) => ({
    op,
    since: 1,
    build: unary(op),
    positive: true,
  })),
  ...["Add", "Sub", "Mul", "Div", "Pow"].map((op) => ({
    op,
    since: 7,
    build: withScalar(op, 0.5),
  })),
  ...["Max", "Min"].map((op) => ({ op, since: 8, build: withScalar(op, 0.25) })),
  ...["Sum", "Mean"].map((op) => ({ op, since: 8, build: withScalar(op, 0.25) })),
  {
    op: "PRelu",
    since: 7,
    build: (builder, x) => builder.op("PRelu", [x, builder.scalar(0.25, F, "slope")]),
  },
  // Equal takes float inputs from opset 11 on.
  ...["Less", "Greater", "Equal"].map((op) => ({
    op,
    since: op === "Equal" ? 11 : 7,
    build: withScalar(op, 0),
    output: DataType.BOOL,
  })),
  ...["LessOrEqual", "GreaterOrEqual"].map((op) => ({
    op,
    since: 12,
    build: withScalar(op, 0),
    output: DataType.BOOL,
  })),
  {
    op: "Where",
    since: 9,
    build: (builder, x) =>
      builder.op("Where", [
        builder.op("Less", [x, builder.scalar(0, F, "zero")]),
        x,
        builder.scalar(0, F, "z"),
      ]),
  },
  {
    op: "Clip",
    since: 1,
    build: (builder, x, opset) =>
      opset >= 11
        ? builder.op("Clip", [x, builder.scalar(-1, F, "lo"), builder.scalar(1, F, "hi")])
        : builder.op("Clip", [x], { min: -1, max: 1 }),
  },
  ...["Softmax", "LogSoftmax"].map((op) => ({ op, since: 1, build: unary(op, { axis: -1 }) })),
  { op: "Identity", since: 1, build: unary("Identity") },
  {
    op: "Constant",
    since: 1,
    build: (builder, x) => builder.op("Add", [x, builder.op("Constant", [], { value_float: 0.5 })]),
  },
  {
    op: "ConstantOfShape",
    since: 9,
    // The shape comes from the input at run time, so onnxruntime cannot fold the node away.
    build: (builder, x) => builder.op("ConstantOfShape", [builder.op("Shape", [x])]),
  },
  { op: "Shape", since: 1, build: unary("Shape"), output: DataType.INT64 },
  {
    op: "Gather",
    since: 1,
    build: (builder, x) =>
      builder.op("Gather", [x, builder.int64s([1, 0], "indices")], { axis: 1 }),
  },
  { op: "Unsqueeze", since: 1, build: axesOp("Unsqueeze", [0]) },
  {
    op: "Squeeze",
    since: 1,
    build: (builder, x, opset) => {
      const lifted = axesOp("Unsqueeze", [0])(builder, x, opset);
      return axesOp("Squeeze", [0])(builder, lifted, opset);
    },
  },
  {
    op: "Reshape",
    since: 5,
    build: (builder, x) => builder.op("Reshape", [x, builder.int64s([-1], "shape")]),
  },
  { op: "Transpose", since: 1, build: unary("Transpose") },
  {
    op: "Concat",
    since: 4,
    build: (builder, x) => builder.op("Concat", [x, x], { axis: 0 }),
  },
  {
    op: "Expand",
    since: 8,
    build: (builder, x) => builder.op("Expand", [x, builder.int64s([2, 1, 1], "shape")]),
  },
  { op: "Cast", since: 6, build: unary("Cast", { to: DataType.INT32 }), output: DataType.INT32 },
  ...["Gelu", "FastGelu", "QuickGelu"].map((op) => ({
    op,
    since: 17,
    domain: microsoft,
    build: ((builder, x) => builder.op(op, [x], {}, { domain: microsoft })) as Build,
  })),
  {
    op: "BiasGelu",
    since: 17,
    domain: microsoft,
    build: (builder, x) =>
      builder.op(
        "BiasGelu",
        [x, builder.randomInitializer("bias", [4])],
        {},
        { domain: microsoft },
      ),
  },
  ...imageOps(),
  {
    op: "Gemm",
    since: 7,
    build: (builder, x) =>
      builder.op("Gemm", [
        x,
        builder.randomInitializer("b", [4, 3]),
        builder.randomInitializer("c", [3]),
      ]),
  },
  {
    op: "LayerNormalization",
    since: 17,
    build: (builder, x) =>
      builder.op(
        "LayerNormalization",
        [x, builder.randomInitializer("scale", [4]), builder.randomInitializer("bias", [4])],
        { axis: -1 },
      ),
  },
  {
    op: "Not",
    since: 1,
    build: (builder, x) =>
      builder.op("Not", [builder.op("Less", [x, builder.scalar(0, F, "zero")])]),
    output: DataType.BOOL,
  },
  {
    op: "MatMul",
    since: 1,
    build: (builder, x) => builder.op("MatMul", [x, builder.randomInitializer("w", [4, 3])]),
  },
];

/** Convolution, pooling and normalization ops of image models, whose conformance models are stamped with old opsets (1, 6, 11). */
function imageOps(): BuiltOp[] {
  const window = { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1], dilations: [1, 1] };
  const channels = (builder: ModelBuilder, name: string) =>
    builder.randomInitializer(name, [2], { uniform: [0.5, 1.5] });
  const ops: Omit<BuiltOp, "image">[] = [
    {
      op: "Conv",
      since: 1,
      build: (builder, x) =>
        builder.op("Conv", [x, builder.randomInitializer("w", [2, 2, 3, 3])], window),
    },
    {
      op: "ConvTranspose",
      since: 1,
      build: (builder, x) =>
        builder.op("ConvTranspose", [x, builder.randomInitializer("w", [2, 2, 3, 3])], window),
    },
    ...["MaxPool", "AveragePool"].map((op) => ({
      op,
      since: 1,
      build: unary(op, { kernel_shape: [2, 2], strides: [2, 2] }),
    })),
    ...["GlobalAveragePool", "GlobalMaxPool"].map((op) => ({ op, since: 1, build: unary(op) })),
    {
      op: "BatchNormalization",
      since: 7,
      build: (builder, x) =>
        builder.op("BatchNormalization", [
          x,
          channels(builder, "scale"),
          channels(builder, "bias"),
          channels(builder, "mean"),
          channels(builder, "var"),
        ]),
    },
    {
      op: "InstanceNormalization",
      since: 6,
      build: (builder, x) =>
        builder.op("InstanceNormalization", [
          x,
          channels(builder, "scale"),
          channels(builder, "bias"),
        ]),
    },
    { op: "Flatten", since: 1, build: unary("Flatten", { axis: 1 }) },
  ];
  return ops.map((spec) => ({ ...spec, image: true }));
}

/** Seeded float32 values in (-3, 3), or in (0.1, 3) for ops defined on positives only. */
function inputValues(positive: boolean, count: number): Float32Array {
  const values = new SeededRandom(7).float32(count, { uniform: [-3, 3] });
  return positive ? values.map((v) => Math.abs(v) + 0.1) : values;
}

/** The built cases: each op at each listed opset from the one that introduced it; x is float [n, 4] fed as [2, 4]. */
export function builtCases(): ProbeCase[] {
  const cases: ProbeCase[] = [];
  for (const spec of builtOps)
    for (const opset of builtOpsets) {
      if (opset < spec.since || (spec.domain && opset !== 17)) continue;
      const builder = new ModelBuilder({
        opset,
        irVersion: opset >= 21 ? 10 : 8,
        ...(spec.domain ? { opsets: { [spec.domain]: 1 } } : {}),
      });
      // A symbolic batch dim keeps onnxruntime from folding shape-only nodes (Shape, ConstantOfShape) into constants.
      const x = builder.input("x", F, spec.image ? ["n", 2, 4, 4] : ["n", 4]);
      builder.output(spec.build(builder, x, opset), spec.output ?? F, undefined, "y");
      const model = builder.build();
      const dims = spec.image ? [1, 2, 4, 4] : [2, 4];
      const feed = inputValues(spec.positive ?? false, spec.image ? 32 : 8);
      cases.push({
        id: `built/${spec.domain ? `${spec.domain}.` : ""}${spec.op}-${opset}`,
        model: encodeModel(model),
        feeds: [
          {
            name: "x",
            type: "float32",
            dims,
            base64: bytesToBase64(new Uint8Array(feed.buffer)),
          },
        ],
        ops: modelOps(model),
      });
    }
  return cases;
}

/** Output tensor values as float64 for comparison (float16 decoded, 64-bit integers converted). */
export function tensorValues(tensor: ProbeTensor): number[] | string[] {
  if (tensor.type === "string") return [...(tensor.strings ?? [])];
  const text = atob(tensor.base64 ?? "");
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  const view = new DataView(bytes.buffer);
  const width: Record<string, number> = {
    float32: 4,
    float64: 8,
    float16: 2,
    int8: 1,
    uint8: 1,
    bool: 1,
    int16: 2,
    uint16: 2,
    int32: 4,
    uint32: 4,
    int64: 8,
    uint64: 8,
  };
  const size = width[tensor.type];
  if (!size) return [];
  const values: number[] = [];
  for (let offset = 0; offset + size <= bytes.length; offset += size) {
    switch (tensor.type) {
      case "float32":
        values.push(view.getFloat32(offset, true));
        break;
      case "float64":
        values.push(view.getFloat64(offset, true));
        break;
      case "float16":
        values.push(float16BitsToNumber(view.getUint16(offset, true)));
        break;
      case "int8":
        values.push(view.getInt8(offset));
        break;
      case "uint8":
      case "bool":
        values.push(view.getUint8(offset));
        break;
      case "int16":
        values.push(view.getInt16(offset, true));
        break;
      case "uint16":
        values.push(view.getUint16(offset, true));
        break;
      case "int32":
        values.push(view.getInt32(offset, true));
        break;
      case "uint32":
        values.push(view.getUint32(offset, true));
        break;
      case "int64":
        values.push(Number(view.getBigInt64(offset, true)));
        break;
      case "uint64":
        values.push(Number(view.getBigUint64(offset, true)));
        break;
    }
  }
  return values;
}
