// Shared by the pattern rules' tests: models holding one decomposed
// activation (in the main graph, in If/Loop bodies, in a function), and the
// checks that a recognised site covers the pattern and computes, on the real
// onnxruntime, what its activation claims.
import { getActivation, instantiate } from "@rectify/kernels";
import {
  DataType,
  encodeModel,
  type GraphBuilder,
  type Model,
  ModelBuilder,
  SeededRandom,
  Tensor,
  tensorType,
  type Value,
} from "@rectify/onnx";
import * as ort from "onnxruntime-node";
import { expect } from "vitest";
import { findSites } from "../../src/sites/find-sites.js";
import type { NearMiss, Site } from "../../src/sites/site.js";

/** How a pattern's constants are written: scalar or [1]-shaped initializers, or Constant nodes. */
export type ConstantStyle = "scalar" | "vector" | "node";

/** Writes a number as a float constant in the graph being built. */
export type WriteConstant = (value: number) => Value;

/** Builds a decomposed activation of `x` in `graph` and returns its result. */
export type PatternBuild = (graph: GraphBuilder, x: Value, constant: WriteConstant) => Value;

/** One way of writing a pattern, named for the test title. */
export interface PatternVariant {
  readonly name: string;
  readonly build: PatternBuild;
  readonly style?: ConstantStyle;
  readonly opset?: number;
}

/** Elements of x: a few hundred seeded values in [−8, 8] plus the points where activations bend. */
const inputValues = Float32Array.from([
  ...new SeededRandom(7).float32(400, { uniform: [-8, 8] }),
  ...[-8, -6, -3, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 3, 6, 8],
]);

/** Makes a constant writer for `graph` in the given style. */
export function constantWriter(graph: GraphBuilder, style: ConstantStyle): WriteConstant {
  return (value) => {
    if (style === "scalar") return graph.scalar(value, DataType.FLOAT, "k");
    if (style === "vector") return graph.constant(DataType.FLOAT, [1], [value], "k");
    return graph.op("Constant", [], { value: Tensor.fromArray(DataType.FLOAT, [], [value]) });
  };
}

/** x → pattern → y in the main graph (x and y float32 of the input length). */
export function patternModel(variant: Omit<PatternVariant, "name">): Model {
  const builder = new ModelBuilder({ opset: variant.opset ?? 17, seed: 1 });
  const x = builder.input("x", DataType.FLOAT, [inputValues.length]);
  const y = variant.build(builder, x, constantWriter(builder, variant.style ?? "scalar"));
  builder.output(y, DataType.FLOAT, [inputValues.length], "y");
  return builder.build();
}

/** Makes `value` also read by an Identity whose result is a graph output (an extra consumer). */
export function addConsumer(graph: GraphBuilder, value: Value): void {
  graph.output(graph.op("Identity", [value]), DataType.FLOAT, undefined, "extra_consumer");
}

/** Makes `value` a graph output too. */
export function exposeAsOutput(graph: GraphBuilder, value: Value): void {
  graph.output(value, DataType.FLOAT);
}

/** Runs findSites and returns the sites and near misses of one rule. */
export function ruleResults(model: Model, rule: string): { sites: Site[]; nearMisses: NearMiss[] } {
  const { sites, nearMisses } = findSites(model);
  return {
    sites: sites.filter((site) => site.rule === rule),
    nearMisses: nearMisses.filter((miss) => miss.rule === rule),
  };
}

/**
 * Expects the model's only site to be `rule`'s, covering every non-Constant
 * node of the main graph and mapping x to y; returns it.
 */
export function expectWholeGraphSite(model: Model, rule: string, activation: string): Site {
  const { sites } = findSites(model);
  expect(sites.map((site) => site.rule)).toEqual([rule]);
  const site = sites[0]!;
  expect(site.activation).toBe(activation);
  expect(site.location).toBe("main");
  expect(site.input.name).toBe("x");
  expect(site.output.name).toBe("y");
  const computing = model.graph.nodes.filter((node) => node.opType !== "Constant");
  expect(new Set(site.nodes)).toEqual(new Set(computing));
  return site;
}

/** The activation a site names, with its parameters, as a float64 function. */
export function siteFunction(site: Site): (x: number) => number {
  return instantiate(getActivation(site.activation), site.params).f;
}

/** Runs a model on onnxruntime-node with x (and cond when given) fed; returns y. */
export async function runModel(model: Model, condition?: boolean): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(encodeModel(model), {
    executionProviders: ["cpu"],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    logSeverityLevel: 3,
  });
  try {
    const feeds: Record<string, ort.Tensor> = {
      x: new ort.Tensor("float32", inputValues, [inputValues.length]),
    };
    if (condition !== undefined) feeds.cond = new ort.Tensor("bool", [condition], []);
    const results = await session.run(feeds);
    return results.y!.data as Float32Array;
  } finally {
    await session.release();
  }
}

/**
 * Largest error of `actual` against `reference` over the inputs, relative
 * with an absolute floor of 1 (float32 evaluation of the decomposed form).
 */
export function largestError(actual: Float32Array, reference: (x: number) => number): number {
  let worst = 0;
  inputValues.forEach((x, index) => {
    const expected = reference(x);
    const error = Math.abs(actual[index]! - expected) / Math.max(1, Math.abs(expected));
    worst = Math.max(worst, Number.isNaN(error) ? Number.POSITIVE_INFINITY : error);
  });
  return worst;
}

/** Expects onnxruntime's y to equal the site's activation of x to ~1e-5. */
export async function expectComputesActivation(model: Model, site: Site): Promise<void> {
  expect(largestError(await runModel(model), siteFunction(site))).toBeLessThan(1e-5);
}

/**
 * x → If(cond){pattern(x)} else {x} → Loop once {pattern} → local.Pattern
 * (a function) → y. Constants are initializers of the If branch, [1]-shaped
 * initializers of the Loop body and Constant nodes in the function (which
 * holds no initializers).
 */
export function nestedPatternModel(build: PatternBuild): Model {
  const count = inputValues.length;
  const builder = new ModelBuilder({ opset: 17, seed: 1 });
  const x = builder.input("x", DataType.FLOAT, [count]);
  const condition = builder.input("cond", DataType.BOOL, []);
  const typed = (value: Value) => {
    value.type = tensorType(DataType.FLOAT, [count]);
    return value;
  };
  const branched = builder.op(
    "If",
    [condition],
    {
      then_branch: builder.subgraph("then", (g) => [
        typed(build(g, x, constantWriter(g, "scalar"))),
      ]),
      else_branch: builder.subgraph("else", (g) => [typed(g.op("Identity", [x]))]),
    },
    { name: "branch" },
  );
  const body = builder.subgraph("body", (g) => {
    g.input("i", DataType.INT64, []);
    const keepGoing = g.input("cond_in", DataType.BOOL, []);
    const carried = g.input("carried", DataType.FLOAT, [count]);
    return [g.op("Identity", [keepGoing]), typed(build(g, carried, constantWriter(g, "vector")))];
  });
  const tripCount = builder.constant(DataType.INT64, [], [1n], "trip_count");
  const [looped] = builder.node("Loop", [tripCount, null, branched], { body }, { name: "repeat" });
  builder.function("local", "Pattern", ["a"], (g, [a]) => [
    build(g, a!, constantWriter(g, "node")),
  ]);
  const y = builder.op("Pattern", [looped!], {}, { domain: "local", name: "call_pattern" });
  builder.output(y, DataType.FLOAT, [count], "y");
  return builder.build();
}

/** Expects `rule` to find the pattern in the If branch, the Loop body and the function, and onnxruntime to agree. */
export async function expectFoundInSubgraphs(
  build: PatternBuild,
  rule: string,
  activation: string,
): Promise<void> {
  const model = nestedPatternModel(build);
  const { sites } = ruleResults(model, rule);
  expect(sites.map((site) => site.location).sort()).toEqual([
    "function local.Pattern",
    'main > If "branch" > then_branch',
    'main > Loop "repeat" > body',
  ]);
  for (const site of sites) expect(site.activation).toBe(activation);
  const f = siteFunction(sites[0]!);
  // cond = true applies the activation three times (If, Loop, function).
  expect(largestError(await runModel(model, true), (v) => f(f(f(v))))).toBeLessThan(1e-4);
}

/** Expects no site of `rule` and, when `reason` is given, a near miss of it whose reason matches. */
export function expectNoSite(model: Model, rule: string, reason?: RegExp): void {
  const { sites, nearMisses } = ruleResults(model, rule);
  expect(sites).toEqual([]);
  if (reason)
    expect(nearMisses.map((miss) => miss.reason)).toContainEqual(expect.stringMatching(reason));
}
