import { encodeModel, type Model } from "@rectify/onnx";
import {
  type ActivationFamily,
  activationFamilies,
  familyDescriptions,
} from "./activation-forms.js";
import { buildCnn } from "./generated-cnn.js";
import { buildMlp } from "./generated-mlp.js";
import { buildTransformer } from "./generated-transformer.js";
import type { ZooModel } from "./zoo-model.js";

/** One architecture of the generated zoo. */
interface Architecture {
  readonly name: "mlp" | "cnn" | "transformer";
  readonly build: (family: ActivationFamily, seed: number) => Model;
  /** First seed: the model of family i is built with seed + i. */
  readonly seed: number;
  readonly batch: number;
  readonly summary: string;
}

const architectures: readonly Architecture[] = [
  { name: "mlp", build: buildMlp, seed: 1000, batch: 32, summary: "MLP 64→256×4→10" },
  {
    name: "cnn",
    build: buildCnn,
    seed: 2000,
    batch: 4,
    summary: "CNN 3×32×32, Conv 3×3 32/32s2/64s2/64, pool, Gemm→10",
  },
  {
    name: "transformer",
    build: buildTransformer,
    seed: 3000,
    batch: 1,
    summary: "2 pre-LN transformer blocks, seq 64, d 128, 4 heads, MLP 512",
  },
];

/** The --quick set among the generated models. */
const quickIds = new Set(["mlp-gelu", "cnn-silu", "transformer-gelu", "cnn-mish"]);

/**
 * Every generated model: an MLP, a CNN and a transformer block model for each
 * activation family, built in memory with seeded weights (the same bytes on
 * every machine), the activations in the forms exporters write.
 */
export function generatedModels(): ZooModel[] {
  return architectures.flatMap((architecture) =>
    activationFamilies.map((family, index): ZooModel => {
      const id = `${architecture.name}-${family}`;
      return {
        id,
        source: "generated",
        description: `${architecture.summary}, ${familyDescriptions[family]}, batch ${architecture.batch}`,
        activations: [family],
        ...(quickIds.has(id) ? { quick: true } : {}),
        dims: { batch: architecture.batch },
        load: async () => encodeModel(architecture.build(family, architecture.seed + index)),
      };
    }),
  );
}
