// The cases of probe-fusions.ts (one activation form after one producer) and how
// each is run: shared with src/targets/fusions.test.ts, which re-runs a few of
// them to show the committed src/targets/probed/fusions.json is not stale.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DataType,
  type Dimension,
  decodeModel,
  encodeModel,
  type Model,
  ModelBuilder,
  SeededRandom,
  type Value,
} from "@rectify/onnx";
import { captureFd1, profileEvents } from "./ort-profile.js";

const F = DataType.FLOAT;
const MS = "com.microsoft";

/** What an activation form is applied to: its value, its shape and its channel axis' length. */
interface Site {
  readonly x: Value;
  /** Shape of a per-channel parameter (PRelu's slope) that broadcasts against x. */
  readonly channelShape: readonly number[];
  /** Length of x's last axis (BiasGelu's bias). */
  readonly last: number;
}

/** Adds one activation form applied to `site.x` and returns its output. */
type FormBuild = (b: ModelBuilder, site: Site) => Value;

/** An activation as a model holds it: one op or the subgraph an exporter writes. */
export interface ActivationForm {
  readonly id: string;
  readonly description: string;
  readonly build: FormBuild;
  /** Default-domain opset the form needs (default 17). */
  readonly opset?: number;
}

/** Float32 scalar constant. */
const k = (b: ModelBuilder, value: number, name = "k") => b.scalar(value, F, name);
/** A single-op form `op(x)` with attributes. */
const single =
  (op: string, attributes: Record<string, number | string> = {}, domain = ""): FormBuild =>
  (b, { x }) =>
    b.op(op, [x], attributes, domain ? { domain } : {});

export const activationForms: readonly ActivationForm[] = [
  {
    id: "erf-gelu",
    description: "torch's erf-GELU: Mul(Mul(x, Add(Erf(Div(x, √2)), 1)), 0.5)",
    build: (b, { x }) => {
      const erf = b.op("Erf", [b.op("Div", [x, k(b, 1.4142135381698608, "sqrt2")])]);
      const gate = b.op("Add", [erf, k(b, 1, "one")]);
      return b.op("Mul", [b.op("Mul", [x, gate]), k(b, 0.5, "half")]);
    },
  },
  {
    id: "tanh-gelu",
    description:
      "torch's approximate='tanh' GELU (opset < 20): 0.5·x·(1 + Tanh(√(2/π)·(x + 0.044715·Pow(x, 3))))",
    build: (b, { x }) => {
      const cubic = b.op("Mul", [k(b, 0.044715, "kappa"), b.op("Pow", [x, k(b, 3, "three")])]);
      const scaled = b.op("Mul", [k(b, 0.7978845608028654, "beta"), b.op("Add", [x, cubic])]);
      const gate = b.op("Add", [k(b, 1, "one"), b.op("Tanh", [scaled])]);
      return b.op("Mul", [k(b, 0.5, "half"), b.op("Mul", [x, gate])]);
    },
  },
  {
    // onnxruntime's FastGeluFusion wants 0.5·x first, as Python evaluates HuggingFace's
    // NewGELU / GPT-2 gelu_new (0.5 * x * (1 + tanh(…))); torch's exporter multiplies by 0.5 last.
    id: "tanh-gelu-half-first",
    description:
      "tanh-GELU as Mul(Mul(0.5, x), 1 + Tanh(√(2/π)·(x + 0.044715·Pow(x, 3)))) (HuggingFace NewGELU, GPT-2)",
    build: (b, { x }) => {
      const cubic = b.op("Mul", [k(b, 0.044715, "kappa"), b.op("Pow", [x, k(b, 3, "three")])]);
      const scaled = b.op("Mul", [k(b, 0.7978845608028654, "beta"), b.op("Add", [x, cubic])]);
      const gate = b.op("Add", [k(b, 1, "one"), b.op("Tanh", [scaled])]);
      return b.op("Mul", [b.op("Mul", [k(b, 0.5, "half"), x]), gate]);
    },
  },
  { id: "gelu-20", description: "Gelu-20 op", build: single("Gelu"), opset: 20 },
  {
    id: "gelu-20-tanh",
    description: "Gelu-20 op, approximate='tanh'",
    build: single("Gelu", { approximate: "tanh" }),
    opset: 20,
  },
  { id: "ms-gelu", description: "com.microsoft Gelu", build: single("Gelu", {}, MS) },
  { id: "ms-fast-gelu", description: "com.microsoft FastGelu", build: single("FastGelu", {}, MS) },
  {
    id: "ms-bias-gelu",
    description: "com.microsoft BiasGelu with a zero bias",
    build: (b, { x, last }) =>
      b.op(
        "BiasGelu",
        [x, b.constant(F, [last], new Float32Array(last), "bias")],
        {},
        {
          domain: MS,
        },
      ),
  },
  {
    id: "ms-quick-gelu",
    description: "com.microsoft QuickGelu (alpha 1.702)",
    build: single("QuickGelu", { alpha: 1.702 }, MS),
  },
  {
    id: "silu",
    description: "x·Sigmoid(x)",
    build: (b, { x }) => b.op("Mul", [x, b.op("Sigmoid", [x])]),
  },
  { id: "sigmoid", description: "Sigmoid", build: single("Sigmoid") },
  { id: "tanh", description: "Tanh", build: single("Tanh") },
  { id: "hard-swish", description: "HardSwish op", build: single("HardSwish") },
  {
    id: "hard-swish-form",
    description: "x·HardSigmoid(x) (alpha 1/6, beta 0.5)",
    build: (b, { x }) => b.op("Mul", [x, b.op("HardSigmoid", [x], { alpha: 1 / 6, beta: 0.5 })]),
  },
  { id: "relu", description: "Relu", build: single("Relu") },
  {
    id: "leaky-relu",
    description: "LeakyRelu alpha 0.1",
    build: single("LeakyRelu", { alpha: 0.1 }),
  },
  {
    id: "clip-0-6",
    description: "Clip(x, 0, 6) (ReLU6)",
    build: (b, { x }) => b.op("Clip", [x, k(b, 0, "lo"), k(b, 6, "hi")]),
  },
  {
    id: "hard-sigmoid",
    description: "HardSigmoid (alpha 0.2, beta 0.5)",
    build: single("HardSigmoid"),
  },
  { id: "elu", description: "Elu alpha 1", build: single("Elu", { alpha: 1 }) },
  { id: "softplus", description: "Softplus", build: single("Softplus") },
  {
    id: "mish-form",
    description: "x·Tanh(Softplus(x))",
    build: (b, { x }) => b.op("Mul", [x, b.op("Tanh", [b.op("Softplus", [x])])]),
  },
  {
    id: "prelu",
    description: "PRelu with per-channel slopes",
    build: (b, { x, channelShape }) =>
      b.op("PRelu", [x, b.randomInitializer("slope", channelShape, { uniform: [0.1, 0.3] })]),
  },
  { id: "selu", description: "Selu", build: single("Selu") },
  { id: "erf", description: "Erf", build: single("Erf") },
  { id: "exp", description: "Exp", build: single("Exp") },
  {
    id: "squareplus",
    description: "(x + Sqrt(x·x + 4)) / 2",
    build: (b, { x }) => {
      const root = b.op("Sqrt", [b.op("Add", [b.op("Mul", [x, x]), k(b, 4, "b")])]);
      return b.op("Div", [b.op("Add", [x, root]), k(b, 2, "two")]);
    },
  },
  {
    id: "max-form",
    description: "Max(x, 0.1·x) (leaky ReLU as a Max)",
    build: (b, { x }) => b.op("Max", [x, b.op("Mul", [x, k(b, 0.1, "alpha")])]),
  },
];

/** What an activation follows: the node that produces its input (or none). */
export interface Producer {
  readonly id: string;
  readonly description: string;
  /** The shape the graph input is fed with. */
  readonly input: readonly number[];
  /** The graph input's declared shape, when not `input` (symbolic axes). */
  readonly declared?: readonly Dimension[];
  /** Adds the producer on the graph input x; returns the site the activation applies to. */
  readonly build: (b: ModelBuilder, x: Value) => Site & { shape: readonly Dimension[] };
  /** The next layer, reading the activation's output (for the "next" consumer). */
  readonly next: (b: ModelBuilder, y: Value) => Value;
}

const hidden = 256;
const tokens = 64;
const channels = 16;
const side = 32;

/** The next layer of a transformer or MLP: a MatMul by a [256, 256] weight. */
const nextMatMul = (b: ModelBuilder, y: Value) =>
  b.op("MatMul", [y, b.randomInitializer("next_weight", [hidden, hidden])]);

export const producers: readonly Producer[] = [
  {
    id: "conv",
    description: `Conv 3×3, pads 1, with bias, NCHW [1, ${channels}, ${side}, ${side}]`,
    input: [1, channels, side, side],
    build: (b, x) => {
      const weight = b.randomInitializer("weight", [channels, channels, 3, 3]);
      const bias = b.randomInitializer("bias", [channels], { uniform: [-0.1, 0.1] });
      const y = b.op("Conv", [x, weight, bias], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
      return { x: y, shape: [1, channels, side, side], channelShape: [channels, 1, 1], last: side };
    },
    next: (b, y) => {
      const weight = b.randomInitializer("next_weight", [channels, channels, 3, 3]);
      const bias = b.randomInitializer("next_bias", [channels], { uniform: [-0.1, 0.1] });
      return b.op("Conv", [y, weight, bias], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
    },
  },
  {
    id: "matmul-bias",
    description: `MatMul [1, ${tokens}, ${hidden}] × [${hidden}, ${hidden}], then Add of a 1-D bias`,
    input: [1, tokens, hidden],
    build: (b, x) => {
      const product = b.op("MatMul", [x, b.randomInitializer("weight", [hidden, hidden])]);
      const bias = b.randomInitializer("bias", [hidden], { uniform: [-0.1, 0.1] });
      const y = b.op("Add", [product, bias]);
      return { x: y, shape: [1, tokens, hidden], channelShape: [hidden], last: hidden };
    },
    next: nextMatMul,
  },
  {
    // onnxruntime turns a MatMul + Add with static 3-D shapes into Reshape, Gemm, Reshape
    // before fusing activations; exported transformers have dynamic batch and sequence axes.
    id: "matmul-bias-dynamic",
    description: `as matmul-bias, with the input declared ["batch", "sequence", ${hidden}] (fed [1, ${tokens}, ${hidden}])`,
    input: [1, tokens, hidden],
    declared: ["batch", "sequence", hidden],
    build: (b, x) => {
      const product = b.op("MatMul", [x, b.randomInitializer("weight", [hidden, hidden])]);
      const bias = b.randomInitializer("bias", [hidden], { uniform: [-0.1, 0.1] });
      const y = b.op("Add", [product, bias]);
      return { x: y, shape: ["batch", "sequence", hidden], channelShape: [hidden], last: hidden };
    },
    next: nextMatMul,
  },
  {
    id: "matmul",
    description: `MatMul [1, ${tokens}, ${hidden}] × [${hidden}, ${hidden}], no bias`,
    input: [1, tokens, hidden],
    build: (b, x) => {
      const y = b.op("MatMul", [x, b.randomInitializer("weight", [hidden, hidden])]);
      return { x: y, shape: [1, tokens, hidden], channelShape: [hidden], last: hidden };
    },
    next: nextMatMul,
  },
  {
    id: "gemm",
    description: `Gemm [${tokens}, ${hidden}] × [${hidden}, ${hidden}]ᵀ + bias (transB = 1, as torch exports Linear)`,
    input: [tokens, hidden],
    build: (b, x) => {
      const weight = b.randomInitializer("weight", [hidden, hidden]);
      const bias = b.randomInitializer("bias", [hidden], { uniform: [-0.1, 0.1] });
      const y = b.op("Gemm", [x, weight, bias], { transB: 1 });
      return { x: y, shape: [tokens, hidden], channelShape: [hidden], last: hidden };
    },
    next: nextMatMul,
  },
  {
    id: "bias",
    description: `Add of a 1-D bias [${hidden}] to the graph input [1, ${tokens}, ${hidden}]`,
    input: [1, tokens, hidden],
    build: (b, x) => {
      const y = b.op("Add", [x, b.randomInitializer("bias", [hidden], { uniform: [-0.1, 0.1] })]);
      return { x: y, shape: [1, tokens, hidden], channelShape: [hidden], last: hidden };
    },
    next: nextMatMul,
  },
  {
    id: "input",
    description: `none: the activation reads the graph input [1, ${tokens}, ${hidden}]`,
    input: [1, tokens, hidden],
    build: (_, x) => ({ x, shape: [1, tokens, hidden], channelShape: [hidden], last: hidden }),
    next: nextMatMul,
  },
];

/**
 * What reads the activation: nothing (its output is the graph's output) or the next layer.
 * It matters: onnxruntime fuses no node whose output is a graph output into FastGelu, and
 * folds a trailing constant Mul or Div into a next MatMul (FusedMatMul's alpha).
 */
export const consumers = ["output", "next"] as const;
export type Consumer = (typeof consumers)[number];

/** One built case: the model, its input shape, and the op histogram of the model as built. */
export interface FusionCase {
  readonly form: string;
  readonly producer: string;
  readonly consumer: Consumer;
  readonly model: Uint8Array;
  readonly input: readonly number[];
  readonly built: Record<string, number>;
}

/** `opType`, or `domain.opType` outside the default domain. */
const opKey = (domain: string, opType: string) => (domain ? `${domain}.${opType}` : opType);

/** Counts of `domain.opType` in a model's main graph, keys sorted. */
export function opHistogram(model: Model): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const node of model.graph.nodes) {
    const key = opKey(node.domain, node.opType);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return sortKeys(counts);
}

/** A copy with keys in code-point order (stable JSON). */
export function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/** Builds the model of `form` applied to `producer`'s output, read by `consumer` (seeded weights). */
export function buildFusionCase(
  form: ActivationForm,
  producer: Producer,
  consumer: Consumer,
): FusionCase {
  const b = new ModelBuilder({ opset: form.opset ?? 17, opsets: { [MS]: 1 }, seed: 1 });
  const x = b.input("x", F, producer.declared ?? producer.input);
  const site = producer.build(b, x);
  const activation = form.build(b, site);
  const y = consumer === "next" ? producer.next(b, activation) : activation;
  b.output(y, F, site.shape, "y");
  const model = b.build();
  const built = opHistogram(model);
  return {
    form: form.id,
    producer: producer.id,
    consumer,
    model: encodeModel(model),
    input: producer.input,
    built,
  };
}

/** The case of the form and producer with these ids. */
export function fusionCase(formId: string, producerId: string, consumer: Consumer): FusionCase {
  const form = activationForms.find((entry) => entry.id === formId);
  const producer = producers.find((entry) => entry.id === producerId);
  if (!form || !producer) throw new Error(`no fusion case ${formId} after ${producerId}`);
  return buildFusionCase(form, producer, consumer);
}

/** A node of the optimized graph that carries a fused activation (FusedConv, NCHWc Conv, FusedGemm …). */
export interface FusedActivation {
  readonly node: string;
  readonly activation: string;
  /** Its parameters: activation_params (Conv forms) or activation_alpha/beta/gamma (FusedGemm). */
  readonly parameters?: Readonly<Record<string, number | readonly number[]>>;
}

/** What onnxruntime-node's CPU provider made of a case at optimisation level "all". */
export interface CpuOutcome {
  readonly ops: Record<string, number>;
  readonly fusedActivation?: readonly FusedActivation[];
}

/** The part of onnxruntime-common's API the probe uses (both packages export it). */
export interface FusionOrt {
  readonly Tensor: new (type: "float32", data: Float32Array, dims: readonly number[]) => unknown;
  readonly InferenceSession: {
    create(
      model: Uint8Array,
      options: Record<string, unknown>,
    ): Promise<{
      run(feeds: Record<string, unknown>): Promise<unknown>;
      endProfiling(): Promise<void> | void;
      release(): Promise<void>;
    }>;
  };
}

/** Seeded N(0, 1)-ish feeds for the case's input. */
function feeds(ort: FusionOrt, fusion: FusionCase): Record<string, unknown> {
  const count = fusion.input.reduce((a, b) => a * b, 1);
  const data = new SeededRandom(2).float32(count, { uniform: [-3, 3] });
  return { x: new ort.Tensor("float32", data, fusion.input) };
}

const decoder = new TextDecoder();

/** The activation attribute of every node of `model` that has one. */
function fusedActivations(model: Model): FusedActivation[] {
  const found: FusedActivation[] = [];
  for (const node of model.graph.nodes) {
    const activation = node.attribute("activation")?.value;
    if (!(activation instanceof Uint8Array)) continue;
    const round = (value: number) => Number(value.toPrecision(6));
    const parameters: Record<string, number | number[]> = {};
    for (const attribute of node.attributes) {
      const value = attribute.value;
      if (!attribute.name.startsWith("activation_")) continue;
      if (typeof value === "number") parameters[attribute.name] = round(value);
      else if (Array.isArray(value)) parameters[attribute.name] = value.map(Number).map(round);
    }
    found.push({
      node: opKey(node.domain, node.opType),
      activation: decoder.decode(activation),
      ...(Object.keys(parameters).length ? { parameters: sortKeys(parameters) } : {}),
    });
  }
  return found;
}

/**
 * Optimizes the case on onnxruntime-node's CPU provider (level "all", as
 * sessions do by default), saves the optimized model and reads it back.
 */
export async function optimizeOnCpu(ort: FusionOrt, fusion: FusionCase): Promise<CpuOutcome> {
  const folder = mkdtempSync(join(tmpdir(), "rectify-fusion-"));
  try {
    const path = join(folder, "optimized.onnx");
    const session = await ort.InferenceSession.create(fusion.model, {
      executionProviders: ["cpu"],
      graphOptimizationLevel: "all",
      intraOpNumThreads: 1,
      logSeverityLevel: 3,
      optimizedModelFilePath: path,
    });
    // Running proves the optimized graph has kernels, not just that it was written.
    await session.run(feeds(ort, fusion));
    await session.release();
    const optimized = decodeModel(readFileSync(path));
    const fused = fusedActivations(optimized);
    return { ops: opHistogram(optimized), ...(fused.length ? { fusedActivation: fused } : {}) };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Counts of the op types of one run's node kernels in a profile (`cat: "Node"` events). */
export function kernelHistogram(text: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of profileEvents(text)) {
    if (event.cat !== "Node" || !event.name.endsWith("_kernel_time")) continue;
    const op = String(event.args?.op_name ?? "?");
    counts[op] = (counts[op] ?? 0) + 1;
  }
  return sortKeys(counts);
}

/**
 * Runs the case once on onnxruntime-web's WASM provider in Node (level "all",
 * one thread) with the profiler on, and counts the kernels that ran: the WASM
 * build cannot save its optimized model.
 */
export async function kernelsOnWasm(
  ort: FusionOrt,
  fusion: FusionCase,
): Promise<Record<string, number>> {
  const session = await ort.InferenceSession.create(fusion.model, {
    executionProviders: ["wasm"],
    graphOptimizationLevel: "all",
    logSeverityLevel: 3,
    enableProfiling: true,
  });
  await session.run(feeds(ort, fusion));
  const printed = await captureFd1(async () => session.endProfiling());
  await session.release();
  return kernelHistogram(printed);
}
