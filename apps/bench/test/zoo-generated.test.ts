import { DataType, decodeModel, type Model, tensorType, validateModel } from "@rectify/onnx";
import { builtinTarget, findSites, planModel, type Site } from "@rectify/rewrite";
import { type FeedTensor, randomFeeds } from "@rectify/rewrite/light";
import { createSession } from "@rectify/runtime";
import { describe, expect, it } from "vitest";
import { activationFamilies, familyActivations } from "../src/zoo/activation-forms.js";
import { generatedModels } from "../src/zoo/generated.js";
import type { ZooModel } from "../src/zoo/zoo-model.js";

const models = generatedModels();

/** Per architecture: activation layers, the other sites the rewriter finds, and the output's shape after the batch. */
const architectures = {
  mlp: { activationLayers: 4, otherSites: { softmax: 1 }, output: [10] },
  cnn: { activationLayers: 4, otherSites: {}, output: [10] },
  transformer: {
    activationLayers: 2,
    otherSites: { softmax: 2, "layer-normalization": 4 },
    output: [64, 128],
  },
} as const;

type ArchitectureName = keyof typeof architectures;

function architectureOf(model: ZooModel): ArchitectureName {
  const name = model.id.split("-")[0] as ArchitectureName;
  expect(Object.keys(architectures)).toContain(name);
  return name;
}

function familyOf(model: ZooModel) {
  const name = model.id.slice(model.id.indexOf("-") + 1);
  const family = activationFamilies.find((known) => known === name);
  expect(family, `${model.id}: activation family`).toBeDefined();
  return family!;
}

function activationSites(model: Model, zoo: ZooModel): Site[] {
  const expected = familyActivations[familyOf(zoo)].name;
  return findSites(model).sites.filter((site) => site.activation === expected);
}

function floats(tensor: FeedTensor | undefined): Float32Array {
  expect(tensor?.type).toBe("float32");
  return tensor!.data as Float32Array;
}

function deviation(values: Float32Array): { mean: number; std: number } {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { mean, std: Math.sqrt(squares / values.length) };
}

/** Largest difference between the first row (batch item or sequence position) and any other. */
function spreadAcrossRows(values: Float32Array, rows: number): number {
  const width = values.length / rows;
  let largest = 0;
  for (let row = 1; row < rows; row++)
    for (let i = 0; i < width; i++)
      largest = Math.max(largest, Math.abs(values[row * width + i]! - values[i]!));
  return largest;
}

describe("the generated zoo", () => {
  it("has an MLP, a CNN and a transformer for every activation family, with unique ids", () => {
    const ids = models.map((model) => model.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(
      Object.keys(architectures)
        .flatMap((architecture) => activationFamilies.map((family) => `${architecture}-${family}`))
        .sort(),
    );
    for (const model of models) {
      expect(model.source).toBe("generated");
      expect(model.activations).toEqual([familyOf(model)]);
      expect(model.description).not.toContain("\n");
      expect(model.dims?.batch).toBeGreaterThan(0);
    }
    expect(
      models
        .filter((model) => model.quick)
        .map((model) => model.id)
        .sort(),
    ).toEqual(["cnn-mish", "cnn-silu", "mlp-gelu", "transformer-gelu"]);
  });

  it("builds the same bytes every time", async () => {
    const again = generatedModels();
    for (const [index, model] of models.entries()) {
      // Buffer.equals: vitest's deep equality takes minutes on megabytes.
      const first = Buffer.from(await model.load());
      expect(first.equals(await model.load()), model.id).toBe(true);
      expect(first.equals(await again[index]!.load()), model.id).toBe(true);
    }
    // Each model has its own seed: no two share weights.
    const mlps = await Promise.all(
      models.filter((model) => model.id.startsWith("mlp-")).map((model) => model.load()),
    );
    expect(Buffer.from(mlps[0]!).equals(Buffer.from(mlps[1]!))).toBe(false);
  });

  it("plans nothing for the ReLU controls on onnxruntime's CPU target", async () => {
    const target = builtinTarget("ort-cpu");
    for (const zoo of models.filter((model) => familyOf(model) === "relu")) {
      const plan = planModel(decodeModel(await zoo.load()), target);
      const relus = plan.plans.filter((entry) => entry.site.activation === "relu");
      expect(relus).toHaveLength(architectures[architectureOf(zoo)].activationLayers);
      for (const entry of relus) expect(entry.action).toBe("keep");
    }
  });

  describe.each(models.map((model) => [model.id, model] as const))("%s", (_id, zoo) => {
    const architecture = architectures[architectureOf(zoo)];

    it("decodes, validates, and holds one site of its activation per activation layer", async () => {
      const model = decodeModel(await zoo.load());
      expect(validateModel(model)).toEqual([]);
      const { sites, nearMisses } = findSites(model);
      expect(nearMisses).toEqual([]);
      const counts: Record<string, number> = {};
      for (const site of sites) counts[site.activation] = (counts[site.activation] ?? 0) + 1;
      expect(counts).toEqual({
        ...architecture.otherSites,
        [familyActivations[familyOf(zoo)].name]: architecture.activationLayers,
      });
      // Every node of a written-out form belongs to its site: nothing is left over to run twice.
      for (const site of activationSites(model, zoo))
        expect(site.input.uses.every((use) => site.nodes.includes(use.node))).toBe(true);
    });

    it("runs on cpu with finite, varying outputs, and every activation sees inputs of about unit deviation", async () => {
      const model = decodeModel(await zoo.load());
      const sites = activationSites(model, zoo);
      // The activations' inputs as extra outputs, to measure what the activations see.
      for (const site of sites) model.graph.addOutput(site.input, tensorType(DataType.FLOAT));
      const feeds = randomFeeds(model, { seed: 7, dynamicDims: zoo.dims! });
      const session = await createSession(model, { providers: ["cpu"] });
      let outputs: Record<string, FeedTensor>;
      try {
        outputs = await session.run(feeds);
      } finally {
        await session.dispose();
      }
      const batch = zoo.dims!.batch!;
      const outputName = model.graph.outputs[0]!.name;
      const result = outputs[outputName]!;
      expect(result.dims).toEqual([batch, ...architecture.output]);
      const values = floats(result);
      expect(values.every(Number.isFinite)).toBe(true);
      // Across the batch, or across the sequence when the batch is one.
      const rows = batch > 1 ? batch : architecture.output[0]!;
      expect(spreadAcrossRows(values, rows)).toBeGreaterThan(0.01);

      for (const site of sites) {
        const seen = floats(outputs[site.input.name]);
        expect(seen.every(Number.isFinite)).toBe(true);
        const { mean, std } = deviation(seen);
        expect(std, `${site.id}: input deviation`).toBeGreaterThan(0.7);
        expect(std, `${site.id}: input deviation`).toBeLessThan(1.4);
        expect(Math.abs(mean), `${site.id}: input mean`).toBeLessThan(0.4);
      }

      if (outputName === "probabilities") {
        // Softmax rows sum to 1 and are not saturated: the activations' differences reach the output.
        let maxSum = 0;
        for (let row = 0; row < batch; row++) {
          const probabilities = values.subarray(row * 10, row * 10 + 10);
          expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
          maxSum += Math.max(...probabilities);
        }
        // About 0.3 as built; 0.99 would mean one class wins every row whatever the activations do.
        expect(maxSum / batch).toBeLessThan(0.9);
        expect(maxSum / batch).toBeGreaterThan(0.1);
      }
    });
  });
});
