// Where a site's time goes in the engine. onnxruntime rewrites the graph before
// it runs it (BiasGelu for Add + erf-GELU, QuickGelu for x·σ(x), activations
// folded into the Conv before them), so a site is timed by the engine nodes that
// compute its tensors, not by the nodes the file holds.
import type { Graph, Value } from "@rectify/onnx";
import type { EngineNode, EngineProfile } from "../verify/evaluator.js";

/** A site as timing sees it: its main-graph input and output tensor names. */
export interface TimedSite {
  readonly id: string;
  readonly input: string;
  readonly output: string;
}

/** What a site costs in one model as the engine runs it. */
export interface SiteTime {
  /** Median kernel milliseconds per run of the engine nodes computing the site. */
  readonly milliseconds: number;
  /** The engine nodes counted (name and op). */
  readonly nodes: readonly string[];
  /** The heavy op the engine folded the activation into (Conv, MatMul, …): the profiler cannot time the site apart. */
  readonly fusedInto?: string;
  /** That op's time, which holds the activation's. */
  readonly fusedMilliseconds?: number;
}

/** Ops that do real work of their own: an activation fused into one of them is free. */
const producers = new Set([
  "Conv",
  "ConvTranspose",
  "FusedConv",
  "MatMul",
  "FusedMatMul",
  "Gemm",
  "FusedGemm",
  "MatMulInteger",
  "QLinearConv",
  "QLinearMatMul",
  "Attention",
  "Einsum",
  "LSTM",
  "GRU",
  "RNN",
]);

/** Elementwise ops an engine may fold into the activation after them (a bias Add before BiasGelu). */
const foldableProducers = new Set(["Add", "Sub", "Mul", "Div"]);

/** Most nodes a site's region may hold: regions are small; a long walk means the bound was lost. */
const maxRegionNodes = 64;

/**
 * The tensors a site computes in `graph`: every node output on the way back
 * from the site's output to its input (constants and initializers are not
 * walked through). Empty when the output is not produced in the graph.
 */
export function siteRegion(graph: Graph, site: TimedSite): Set<string> {
  return regionOf(graph, site).tensors;
}

/** The site's tensors and the names of the nodes computing them. */
function regionOf(graph: Graph, site: TimedSite): { tensors: Set<string>; nodes: Set<string> } {
  const tensors = new Set<string>();
  const nodes = new Set<string>();
  const output = graph.localValue(site.output);
  const stack: Value[] = output ? [output] : [];
  let visited = 0;
  while (stack.length > 0 && visited < maxRegionNodes) {
    const value = stack.pop()!;
    const node = value.producer;
    if (!node || value.name === site.input || tensors.has(value.name)) continue;
    if (producers.has(node.opType)) continue;
    visited++;
    if (node.name) nodes.add(node.name);
    for (const out of node.outputs) if (out) tensors.add(out.name);
    for (const input of node.inputs) if (input && input.name !== site.input) stack.push(input);
  }
  return { tensors, nodes };
}

/**
 * True when an engine node's name says it was made from one of the site's
 * nodes: onnxruntime names a fused node after the node it replaced
 * (`/silu/Mul/QuickGeluFusion/`), and its layout passes rename the tensors
 * (`reorder_token_1`), so names are what is left to go by.
 */
function madeFrom(name: string, siteNodes: ReadonlySet<string>): boolean {
  if (siteNodes.has(name)) return true;
  const cut = name.indexOf("/", 1);
  for (let at = cut; at > 0; at = name.indexOf("/", at + 1))
    if (siteNodes.has(name.slice(0, at))) return true;
  return false;
}

/** The elementwise node right before the site (its input's producer), if it is one an engine folds into an activation. */
function foldableProducer(graph: Graph, site: TimedSite): string | undefined {
  const producer = graph.localValue(site.input)?.producer;
  return producer && foldableProducers.has(producer.opType) ? site.input : undefined;
}

/**
 * Each site's engine time in one model: the engine nodes writing one of the
 * site's tensors. A heavy producer writing them (Conv with a fused Relu)
 * makes the site free. When the engine swallowed the tensor feeding the site
 * (a bias Add folded into BiasGelu) in either model, pass it in `absorbed`:
 * that tensor's producer then counts in both models, so both sides time the
 * same work.
 */
export function siteTimes(
  graph: Graph,
  profile: EngineProfile,
  sites: readonly TimedSite[],
  absorbed: ReadonlySet<string> = new Set(),
): Map<string, SiteTime> {
  const writers = new Map<string, EngineNode[]>();
  for (const node of profile.nodes) {
    for (const output of node.outputs) {
      const list = writers.get(output) ?? [];
      list.push(node);
      writers.set(output, list);
    }
  }
  const times = new Map<string, SiteTime>();
  for (const site of sites) {
    const { tensors: region, nodes: siteNodes } = regionOf(graph, site);
    if (absorbed.has(site.input)) {
      region.add(site.input);
      const adder = graph.localValue(site.input)?.producer;
      if (adder?.name) siteNodes.add(adder.name);
    }
    const counted = new Set<EngineNode>();
    let fused: EngineNode | undefined;
    for (const tensor of region) {
      for (const node of writers.get(tensor) ?? []) {
        if (producers.has(node.opType)) fused ??= node;
        else counted.add(node);
      }
    }
    for (const node of profile.nodes)
      if (!producers.has(node.opType) && madeFrom(node.name, siteNodes)) counted.add(node);
    const nodes = [...counted];
    times.set(site.id, {
      milliseconds: nodes.reduce((sum, node) => sum + node.milliseconds, 0),
      nodes: nodes.map(
        (node) => `${node.name} (${node.domain ? `${node.domain}.` : ""}${node.opType})`,
      ),
      ...(fused && nodes.length === 0
        ? { fusedInto: fused.opType, fusedMilliseconds: fused.milliseconds }
        : {}),
    });
  }
  return times;
}

/** Tensors feeding a site that the engine folded away (no engine node writes them) where an elementwise node made them: see siteTimes. */
export function absorbedInputs(
  graph: Graph,
  profile: EngineProfile,
  sites: readonly TimedSite[],
): Set<string> {
  const written = new Set(profile.nodes.flatMap((node) => node.outputs));
  const absorbed = new Set<string>();
  for (const site of sites) {
    const input = foldableProducer(graph, site);
    if (input && !written.has(input)) absorbed.add(input);
  }
  return absorbed;
}
