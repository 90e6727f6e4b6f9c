// onnxruntime's profiler writes a Chrome trace (JSON array of events, times in
// µs). Per run it emits one "Node" event per kernel, named "<node>_kernel_time"
// (args.op_name: the op type, args.provider: the execution provider), and one
// "Session" event "model_run" spanning the whole run. This file turns such a
// trace, the wall times measured around each run, and (where one was had) the
// engine's optimized graph into an EngineProfile. It imports no onnxruntime
// and no Node built-in.
import type { Model } from "@rectify/onnx";
import type { EngineNode, EngineProfile } from "@rectify/rewrite/light";
import { RuntimeError } from "../errors.js";
import { median } from "../latency/statistics.js";

/** One node's kernels in one run: its op type, provider, and kernel milliseconds (summed when it ran more than once, as in a Loop). */
export interface TraceKernel {
  readonly opType: string;
  readonly provider: string;
  readonly milliseconds: number;
}

/** The kernels of one model run, by node name, in the order they first ran. */
export type TraceRun = ReadonlyMap<string, TraceKernel>;

interface TraceEvent {
  readonly cat?: unknown;
  readonly name?: unknown;
  readonly ts?: unknown;
  readonly dur?: unknown;
  readonly args?: { readonly op_name?: unknown; readonly provider?: unknown };
}

const kernelSuffix = "_kernel_time";

/**
 * Splits onnxruntime's profile text into its model runs, in run order.
 * Kernels are assigned to the run whose "model_run" event started last before
 * them (by timestamp, not file order: the run's event is written after its
 * kernels'). RUN_FAILED when the text is not a trace.
 */
export function traceRuns(text: string): TraceRun[] {
  // onnxruntime-web's printed profile may be surrounded by other output; the trace is the outermost array.
  const events = parseTrace(text.slice(text.indexOf("["), text.lastIndexOf("]") + 1));
  const starts = events
    .filter((event) => event.name === "model_run" && typeof event.ts === "number")
    .map((event) => event.ts as number)
    .sort((a, b) => a - b);
  const runs = starts.map(() => new Map<string, TraceKernel>());
  for (const event of events) {
    if (event.cat !== "Node" || typeof event.name !== "string") continue;
    if (!event.name.endsWith(kernelSuffix) || typeof event.ts !== "number") continue;
    const run = runs[lastAtOrBefore(starts, event.ts)];
    if (!run) continue; // Before any run: not part of one.
    const name = event.name.slice(0, -kernelSuffix.length);
    const milliseconds = (typeof event.dur === "number" ? event.dur : 0) / 1000;
    const earlier = run.get(name);
    run.set(name, {
      opType:
        typeof event.args?.op_name === "string" ? event.args.op_name : (earlier?.opType ?? ""),
      provider:
        typeof event.args?.provider === "string" ? event.args.provider : (earlier?.provider ?? ""),
      milliseconds: (earlier?.milliseconds ?? 0) + milliseconds,
    });
  }
  return runs;
}

function parseTrace(json: string): TraceEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new RuntimeError(
      "RUN_FAILED",
      `onnxruntime's profile could not be read (${error instanceof Error ? error.message : String(error)}); is another library redirecting onnxruntime's output?`,
      { cause: error },
    );
  }
  if (!Array.isArray(parsed))
    throw new RuntimeError("RUN_FAILED", "onnxruntime's profile is not a trace (a JSON array)");
  return parsed.filter((event): event is TraceEvent => typeof event === "object" && event !== null);
}

/** The index of the last of `sorted` that is ≤ `value` (-1 when none is). */
function lastAtOrBefore(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle]! <= value) low = middle + 1;
    else high = middle;
  }
  return low - 1;
}

/**
 * The EngineProfile of profiled `runs` (warm-up runs already dropped), the
 * wall-clock milliseconds of each, and the engine's optimized graph when one
 * was had. Nodes are the graph's (subgraph nodes after the node holding
 * them, in graph order; 0 ms when never timed) followed by profiled nodes the graph lacks (in
 * order of first appearance); nodes are matched by name, which onnxruntime
 * keeps between its optimized graph and its profile. `graph` is true only when
 * every profiled node was found in the graph, so inputs and outputs are known
 * for all of them. A node absent from the graph gets the domain of a graph
 * node of the same op type, else "" (the profile does not name domains).
 */
export function engineProfile(
  runs: readonly TraceRun[],
  wallMilliseconds: readonly number[],
  graph?: Model,
): EngineProfile {
  const profiled = new Map<string, TraceKernel>();
  for (const run of runs)
    for (const [name, kernel] of run) if (!profiled.has(name)) profiled.set(name, kernel);
  const millisecondsOf = (name: string) =>
    runs.length === 0 ? 0 : median(runs.map((run) => run.get(name)?.milliseconds ?? 0));
  const nodes: EngineNode[] = [];
  const inGraph = new Set<string>();
  const domainOf = new Map<string, string>();
  if (graph) {
    for (const node of graph.graph.allNodes()) {
      inGraph.add(node.name);
      if (!domainOf.has(node.opType)) domainOf.set(node.opType, node.domain);
      nodes.push({
        name: node.name,
        opType: node.opType,
        domain: node.domain,
        // An omitted optional input or output keeps its place as "", as in ONNX.
        inputs: node.inputs.map((value) => value?.name ?? ""),
        outputs: node.outputs.map((value) => value?.name ?? ""),
        milliseconds: millisecondsOf(node.name),
      });
    }
  }
  let matched = graph !== undefined;
  for (const [name, kernel] of profiled) {
    if (inGraph.has(name)) continue;
    matched = false;
    nodes.push({
      name,
      opType: kernel.opType,
      domain: domainOf.get(kernel.opType) ?? "",
      inputs: [],
      outputs: [],
      milliseconds: millisecondsOf(name),
    });
  }
  const sums = runs.map((run) => {
    let sum = 0;
    for (const kernel of run.values()) sum += kernel.milliseconds;
    return sum;
  });
  return {
    nodes,
    kernelMilliseconds: sums.length === 0 ? 0 : median(sums),
    runMilliseconds: wallMilliseconds.length === 0 ? 0 : median(wallMilliseconds),
    runs: runs.length,
    graph: matched,
  };
}
