import type { Graph } from "../ir/graph.js";
import type { Model, ModelFunction } from "../ir/model.js";
import type { Node } from "../ir/node.js";
import type { Value } from "../ir/value.js";
import { type CallAttributes, callAttributes } from "./attribute-reader.js";
import { knownFromTensor } from "./known-values.js";
import { NodeContext } from "./node-context.js";
import { type RuleContext, SkipNode } from "./rule-context.js";
import { shapeRules } from "./rules/index.js";
import { fromTypeProto, moreSpecific, refine, toTypeProto } from "./type-proto.js";
import type {
  KnownValue,
  ShapeConflict,
  ShapeInferenceOptions,
  ShapeInferenceSummary,
  TensorType,
  ValueType,
} from "./types.js";

export interface Facts {
  type: ValueType | undefined;
  known?: KnownValue | undefined;
}

/** Where a graph's nodes take their opsets and attribute references from. */
export interface GraphScope {
  opsets: (domain: string) => number | undefined;
  call: CallAttributes | undefined;
  /** Whether inferred types may be written onto this graph's values (not for function bodies, typed per call). */
  write: boolean;
  /** Functions being inferred, to stop recursive calls. */
  calling: ReadonlySet<ModelFunction>;
}

/** Nesting deeper than this (subgraphs, function calls) is left untyped rather than risk the stack. */
const maxDepth = 64;

/** One run of inference over a model. */
export class ShapeInference {
  private readonly facts = new Map<Value, Facts>();
  private readonly declaredTypes = new Map<Value, ValueType | undefined>();
  private readonly pending = new Map<Value, ValueType>();
  private readonly conflicts: ShapeConflict[] = [];
  private readonly conflictKeys = new Set<string>();
  private readonly unsupported = new Map<string, number>();
  private readonly maxKnownElements: number;
  private depth = 0;

  /**
   * @param onRuleError called when a rule throws something other than SkipNode (a bug, or input no
   *   rule anticipated); tests use it to prove hostile models only ever take the SkipNode path.
   */
  constructor(
    private readonly model: Model,
    private readonly options: ShapeInferenceOptions = {},
    private readonly onRuleError?: (node: Node, error: unknown) => void,
  ) {
    this.maxKnownElements = Math.max(0, Math.min(options.maxKnownElements ?? 1024, 1 << 20));
  }

  /** Infers every graph of the model and writes the results; returns the summary. */
  run(): ShapeInferenceSummary {
    const model = this.model;
    this.inferGraph(model.graph, undefined, {
      opsets: (domain) => model.opsetVersion(domain),
      call: undefined,
      write: true,
      calling: new Set(),
    });
    let valuesTyped = 0;
    if (this.options.write !== false) {
      const listed = new Map<Graph, Set<Value>>();
      for (const [value, type] of this.pending) {
        value.type = toTypeProto(type);
        valuesTyped++;
        const graph = value.graph;
        let names = listed.get(graph);
        if (!names) {
          names = new Set([...graph.inputs, ...graph.outputs, ...graph.valueInfo]);
          listed.set(graph, names);
        }
        if (!names.has(value)) {
          graph.valueInfo.push(value);
          names.add(value);
        }
      }
    } else valuesTyped = this.pending.size;
    let valuesWithShape = 0;
    for (const graph of model.graph.graphs()) {
      for (const value of graph.localValues()) {
        const type = this.facts.get(value)?.type ?? this.declared(value);
        if (type?.kind === "tensor" && type.shape) valuesWithShape++;
      }
    }
    return {
      valuesTyped,
      valuesWithShape,
      conflicts: this.conflicts,
      unsupportedOps: this.unsupported,
    };
  }

  private declared(value: Value): ValueType | undefined {
    if (this.declaredTypes.has(value)) return this.declaredTypes.get(value);
    const type = fromTypeProto(value.type);
    this.declaredTypes.set(value, type);
    return type;
  }

  private factsOf(value: Value | null | undefined): Facts | undefined {
    if (!value) return undefined;
    return this.facts.get(value) ?? { type: this.declared(value) };
  }

  private report(value: string, node: Node | undefined, message: string): void {
    const key = `${value}\u0000${node?.name ?? ""}\u0000${message}`;
    if (this.conflictKeys.has(key)) return;
    this.conflictKeys.add(key);
    this.conflicts.push({ value, node: node?.name ?? "", opType: node?.opType ?? "", message });
  }

  /** Records an inferred type for `value`, refined by its declaration. */
  private settle(
    value: Value,
    inferred: ValueType | undefined,
    known: KnownValue | undefined,
    node: Node | undefined,
    scope: GraphScope,
  ): void {
    const declared = this.declared(value);
    const result = refine(declared, inferred);
    if (result.conflict) this.report(value.name, node, result.conflict);
    // A known value only stands when the declaration did not contradict the type it came with.
    this.facts.set(value, { type: result.type, known: result.conflict ? undefined : known });
    if (!scope.write) return;
    // Loop bodies are inferred again with wider inputs: a later, less specific pass must win.
    if (result.type && moreSpecific(result.type, declared)) this.pending.set(value, result.type);
    else this.pending.delete(value);
  }

  /** Infers a graph whose inputs have the given types (subgraph bodies); returns its output types. */
  inferGraph(
    graph: Graph,
    inputTypes: readonly (ValueType | undefined)[] | undefined,
    scope: GraphScope,
  ): (ValueType | undefined)[] {
    if (this.depth >= maxDepth) return graph.outputs.map(() => undefined);
    this.depth++;
    try {
      const inputs = new Set(graph.inputs);
      graph.inputs.forEach((value, index) => {
        if (inputTypes) this.settle(value, inputTypes[index], undefined, undefined, scope);
        else if (!value.initializer) this.facts.set(value, { type: this.declared(value) });
      });
      for (const value of graph.initializers) {
        const tensor = value.initializer!;
        let type: TensorType | undefined;
        try {
          type = { kind: "tensor", elementType: tensor.dataType, shape: tensor.dims };
        } catch {
          type = undefined;
        }
        // An initializer that is also a graph input is only a default: callers may feed another shape.
        if (inputs.has(value) && !inputTypes) {
          const declared = this.declared(value);
          this.facts.set(value, { type: declared ?? type });
        } else if (!inputs.has(value)) {
          this.facts.set(value, {
            type: refine(this.declared(value), type).type,
            known: knownFromTensor(tensor, this.maxKnownElements),
          });
        }
      }
      const { ordered, stuck } = orderNodes(graph);
      for (const node of ordered) this.inferNode(node, scope);
      for (const node of stuck) {
        this.report(
          node.outputs[0]?.name ?? "",
          node,
          "the node is on a cycle; its outputs stay unknown",
        );
      }
      return graph.outputs.map((value) => this.factsOf(value)?.type);
    } finally {
      this.depth--;
    }
  }

  private inferNode(node: Node, scope: GraphScope): void {
    const domain = node.domain === "ai.onnx" ? "" : node.domain;
    const rule = shapeRules()[domain === "" ? node.opType : `${domain}::${node.opType}`];
    const fn = rule ? undefined : this.model.findFunction(node.domain, node.opType, node.overload);
    const settled = new Set<number>();
    try {
      if (rule) {
        rule(this.contextFor(node, scope, settled));
      } else if (fn && !scope.calling.has(fn)) {
        this.inferCall(node, fn, scope, settled);
      } else {
        const key = domain === "" ? node.opType : `${domain}::${node.opType}`;
        this.unsupported.set(key, (this.unsupported.get(key) ?? 0) + 1);
      }
    } catch (error) {
      // A bad attribute (SkipNode), or anything else hostile input provokes: the remaining outputs
      // stay unknown rather than the whole model failing.
      if (!(error instanceof SkipNode)) this.onRuleError?.(node, error);
    }
    node.outputs.forEach((value, index) => {
      if (value && !settled.has(index)) this.settle(value, undefined, undefined, node, scope);
    });
  }

  private inferCall(node: Node, fn: ModelFunction, scope: GraphScope, settled: Set<number>): void {
    const inputTypes = fn.graph.inputs.map((_, index) => this.factsOf(node.inputs[index])?.type);
    const calling = new Set(scope.calling).add(fn);
    const outputs = this.inferGraph(fn.graph, inputTypes, {
      opsets: (domain) => fn.opsetVersion(domain) ?? this.model.opsetVersion(domain),
      call: callAttributes(node, fn.attributeDefaults),
      write: false,
      calling,
    });
    node.outputs.forEach((value, index) => {
      if (!value) return;
      const body = fn.graph.outputs[index];
      this.settle(
        value,
        outputs[index],
        body ? this.facts.get(body)?.known : undefined,
        node,
        scope,
      );
      settled.add(index);
    });
  }

  private contextFor(node: Node, scope: GraphScope, settled: Set<number>): RuleContext {
    // One object per node with prototype methods: rules run once per node, so closures would be pure garbage.
    return new NodeContext(this, node, scope, settled);
  }

  /** @internal the facts known about a node input, for NodeContext */
  inputFacts(value: Value | null | undefined): Facts | undefined {
    return this.factsOf(value);
  }

  /** @internal records a rule's result for a node output, for NodeContext */
  settleOutput(
    value: Value,
    type: ValueType | undefined,
    known: KnownValue | undefined,
    node: Node,
    scope: GraphScope,
  ): void {
    const keep = known && known.values.length <= this.maxKnownElements ? known : undefined;
    this.settle(value, type, keep, node, scope);
  }

  /** @internal reports a conflict at a node, for NodeContext */
  reportAt(node: Node, message: string): void {
    this.report(node.outputs[0]?.name ?? "", node, message);
  }

  /** @internal the known-value size limit, for NodeContext */
  get knownLimit(): number {
    return this.maxKnownElements;
  }
}

/** Nodes in dependency order (Kahn); nodes on a cycle, or fed by one, come back as `stuck`. */
function orderNodes(graph: Graph): { ordered: Node[]; stuck: Node[] } {
  const waiting = new Map<Node, number>();
  for (const node of graph.nodes) waiting.set(node, 0);
  const dependents = new Map<Node, Node[]>();
  // Every edge is counted, duplicates included, and released once per occurrence: no per-node sets needed.
  for (const node of graph.nodes) {
    const holdsGraphs = node.attributes.some(
      (a) => a.graph !== undefined || a.graphList.length > 0,
    );
    const inputs = holdsGraphs ? graph.effectiveInputs(node) : node.inputs;
    let count = 0;
    for (const value of inputs) {
      const producer = value?.producer;
      if (!producer || !waiting.has(producer)) continue;
      count++;
      const list = dependents.get(producer);
      if (list) list.push(node);
      else dependents.set(producer, [node]);
    }
    waiting.set(node, count);
  }
  const ordered: Node[] = graph.nodes.filter((node) => waiting.get(node) === 0);
  for (let index = 0; index < ordered.length; index++) {
    const list = dependents.get(ordered[index]!);
    if (!list) continue;
    for (const dependent of list) {
      const left = waiting.get(dependent)! - 1;
      waiting.set(dependent, left);
      if (left === 0) ordered.push(dependent);
    }
  }
  if (ordered.length === graph.nodes.length) return { ordered, stuck: [] };
  const done = new Set(ordered);
  return { ordered, stuck: graph.nodes.filter((node) => !done.has(node)) };
}
