// Where onnxruntime really put each node: parsed from its own session log
// (VerifyEachNodeIsAssignedToAnEp at verbose severity), which is the only
// place it says so. Lines look like
//   " Node(s) placed on [JsExecutionProvider]. Number of nodes: 6"
//   "   Softplus (softplus)"
//   " All nodes placed on [CPUExecutionProvider]. Number of nodes: 3"
// and, for nodes its cost heuristic keeps on the CPU on purpose (shape math),
//   "ORT optimization- Force fallback to CPU execution for node: /Shape because the CPU execution path is deemed faster …"

/** The nodes one execution provider received. */
export interface ProviderPlacement {
  /** onnxruntime's name, e.g. "WebGpuExecutionProvider", "CPUExecutionProvider". */
  readonly executionProvider: string;
  readonly count: number;
  /** Op type and node name of each (absent when onnxruntime gave only the count: "All nodes placed on"). */
  readonly nodes: readonly { readonly opType: string; readonly name: string }[];
}

/** onnxruntime's placement of a session's nodes, as its log said. */
export interface Placement {
  readonly providers: readonly ProviderPlacement[];
  /** Nodes onnxruntime's cost heuristic placed on the CPU on purpose (small shape computations). */
  readonly cpuPreferred: readonly string[];
}

const header = /(?:Node\(s\)|All nodes) placed on \[(\w+)\]\. Number of nodes: (\d+)/;
const nodeLine = /VerifyEachNodeIsAssignedToAnEp\]\s{3}(\S+) \((.*)\)\s*$/;
const preferred =
  /Force fallback to CPU execution for node: (.*?) because the CPU execution path is deemed faster/;

/** The placement in onnxruntime's log lines, or undefined when they hold none. */
export function parsePlacement(lines: readonly string[]): Placement | undefined {
  const providers: {
    executionProvider: string;
    count: number;
    nodes: { opType: string; name: string }[];
  }[] = [];
  const cpuPreferred: string[] = [];
  let current: (typeof providers)[number] | undefined;
  for (const line of lines) {
    const forced = preferred.exec(line);
    if (forced) {
      cpuPreferred.push(forced[1]!);
      continue;
    }
    const found = header.exec(line);
    if (found) {
      current = { executionProvider: found[1]!, count: Number(found[2]), nodes: [] };
      providers.push(current);
      continue;
    }
    const node = nodeLine.exec(line);
    if (node && current) current.nodes.push({ opType: node[1]!, name: node[2]! });
  }
  return providers.length > 0 ? { providers, cpuPreferred } : undefined;
}

/** onnxruntime's CPU provider, and the copies it inserts between providers (not model nodes). */
const cpuProvider = "CPUExecutionProvider";
const copyOps = new Set(["MemcpyFromHost", "MemcpyToHost"]);

/** What placement means for a session: compute nodes on the CPU are the number that matters. */
export interface PlacedFallback {
  /** Model nodes onnxruntime ran on its CPU provider although the session asked for another. */
  readonly computeNodesOnCpu: number;
  /** Of the nodes on the CPU, those its cost heuristic kept there on purpose (shape math, cheap on the CPU). */
  readonly shapeNodesOnCpu: number;
  /** Copies onnxruntime inserted between the providers. */
  readonly copies: number;
  /** The compute nodes on the CPU, by op type and name. */
  readonly nodes: readonly { readonly opType: string; readonly name: string }[];
}

/** The placed fallback of a session on a non-CPU provider. */
export function placedFallback(placement: Placement): PlacedFallback {
  const onPurpose = new Set(placement.cpuPreferred);
  const cpu = placement.providers.filter((entry) => entry.executionProvider === cpuProvider);
  const cpuNodes = cpu.flatMap((entry) => entry.nodes);
  // "All nodes placed on [CPU…]" lists no names: every node counts as compute.
  const unnamed = cpu.reduce((total, entry) => total + entry.count - entry.nodes.length, 0);
  const copies = placement.providers
    .flatMap((entry) => entry.nodes)
    .filter((node) => copyOps.has(node.opType)).length;
  const compute = cpuNodes.filter((node) => !copyOps.has(node.opType) && !onPurpose.has(node.name));
  const shape = cpuNodes.filter((node) => !copyOps.has(node.opType) && onPurpose.has(node.name));
  return {
    computeNodesOnCpu: compute.length + unnamed,
    shapeNodesOnCpu: shape.length,
    copies,
    nodes: compute,
  };
}
