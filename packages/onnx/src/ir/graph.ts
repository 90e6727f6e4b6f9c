import { create } from "@bufbuild/protobuf";
import { OnnxError } from "../errors/onnx-error.js";
import {
  type GraphProto,
  GraphProtoSchema,
  NodeProtoSchema,
  type TypeProto,
  type ValueInfoProto,
} from "../proto/onnx_pb.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Attribute } from "./attribute.js";
import { Node } from "./node.js";
import { shallowClone } from "./proto-clone.js";
import { Value } from "./value.js";

/** Where a graph sits in a model. */
export type GraphKind = "main" | "subgraph" | "function" | "training";

/** What `graph.addNode` needs to create a node. */
export interface NodeSpec {
  opType: string;
  domain?: string;
  /** Node name; made unique when `uniqueName` is true (the default when omitted: `<opType>_<n>`). */
  name?: string;
  inputs?: readonly (Value | null)[];
  /** A count (fresh names), names for new values, existing unproduced Values, or null for skipped outputs. */
  outputs?: number | readonly (string | Value | null)[];
  attributes?: readonly Attribute[];
  docString?: string;
  /** Insert before this node (default: append; `after` inserts after). */
  before?: Node;
  after?: Node;
}

/** Options of eliminateDeadNodes. */
export interface DeadNodeOptions {
  /** Also drop initializers nothing reads (default false: graph inputs with defaults are kept). */
  initializers?: boolean;
}

/**
 * A computation graph: the model's main graph, a subgraph held by an If /
 * Loop / Scan attribute, or a model-local function's body. Values from
 * enclosing graphs can be read directly (outer-scope references).
 */
export class Graph {
  readonly kind: GraphKind;
  name: string;
  docString: string;
  /** Graph inputs in order. */
  inputs: Value[] = [];
  /** Graph outputs in order (may name values of enclosing graphs). */
  outputs: Value[] = [];
  /** Nodes in file order (run topologicalSort to order them). */
  nodes: Node[] = [];
  /** Values with constant data, in file order. */
  initializers: Value[] = [];
  /** Values with sparse constant data, in file order. */
  sparseInitializers: Value[] = [];
  /** Values with a value_info entry, in file order. */
  valueInfo: Value[] = [];
  /** The original message, for fields the IR does not model (quantization annotations, metadata, unknown fields). */
  readonly rest: GraphProto;
  /**
   * @internal Declarations in this graph's lists that differ from the value's
   * own info (e.g. a subgraph output naming an outer value with its own type),
   * kept so the file round-trips exactly.
   */
  readonly infoOverrides = {
    input: new Map<Value, ValueInfoProto>(),
    output: new Map<Value, ValueInfoProto>(),
    valueInfo: new Map<Value, ValueInfoProto>(),
  };
  private parentGraphRef: Graph | undefined;
  private parentNodeRef: Node | undefined;
  private readonly scope = new Map<string, Value>();
  private valueNames: Set<string> | undefined;
  private nodeNames: Set<string> | undefined;
  private nameCounter = 0;

  constructor(kind: GraphKind, parent?: Graph, rest?: GraphProto) {
    this.kind = kind;
    this.parentGraphRef = parent;
    this.rest = rest ?? create(GraphProtoSchema);
    this.name = this.rest.name;
    this.docString = this.rest.docString;
  }

  /** The enclosing graph of a subgraph. */
  get parentGraph(): Graph | undefined {
    return this.parentGraphRef;
  }

  /** The node whose attribute holds this subgraph. */
  get parentNode(): Node | undefined {
    return this.parentNodeRef;
  }

  /** The outermost graph of this scope tree (the main graph or a function body). */
  get root(): Graph {
    let graph: Graph = this;
    while (graph.parentGraphRef) graph = graph.parentGraphRef;
    return graph;
  }

  /** @internal records which node holds this subgraph */
  attachTo(node: Node): void {
    if (this.kind !== "subgraph") {
      throw new OnnxError(
        "GRAPH_INVALID",
        `graph "${this.name}" is a ${this.kind} graph and cannot be a node attribute`,
      );
    }
    this.parentNodeRef = node;
    this.parentGraphRef = node.graph;
  }

  /** A value defined in this graph (not enclosing ones). */
  localValue(name: string): Value | undefined {
    return this.scope.get(name);
  }

  /** Resolves a name as a node of this graph would: local scope, then enclosing graphs. */
  lookup(name: string): Value | undefined {
    for (let graph: Graph | undefined = this; graph; graph = graph.parentGraphRef) {
      const value = graph.scope.get(name);
      if (value) return value;
    }
    return undefined;
  }

  /** Every value defined in this graph's scope. */
  localValues(): IterableIterator<Value> {
    return this.scope.values();
  }

  /** Creates a value in this graph's scope; the name is made unique from `hint` unless `exact`. */
  createValue(hint = "v", options: { exact?: boolean; type?: TypeProto } = {}): Value {
    const name = options.exact ? hint : this.uniqueValueName(hint);
    if (options.exact && this.isValueNameTaken(name)) {
      throw new OnnxError(
        "GRAPH_INVALID",
        `value name "${name}" is already used in graph "${this.root.name}"`,
        {
          value: name,
        },
      );
    }
    const value = this.defineValue(name);
    if (options.type) value.type = options.type;
    return value;
  }

  /** @internal adds a value without uniqueness checks (decoding keeps whatever the file has) */
  defineValue(name: string): Value {
    const value = new Value(this, name);
    if (!this.scope.has(name)) this.scope.set(name, value);
    this.root.valueNames?.add(name);
    return value;
  }

  /** @internal */
  renameValue(value: Value, name: string): void {
    if (this.isValueNameTaken(name)) {
      throw new OnnxError(
        "GRAPH_INVALID",
        `cannot rename "${value.name}" to "${name}": the name is taken`,
        {
          value: value.name,
        },
      );
    }
    const previous = value.name;
    if (this.scope.get(previous) === value) this.scope.delete(previous);
    this.root.valueNames?.delete(previous);
    value.setNameUnchecked(name);
    this.scope.set(name, value);
    this.root.valueNames?.add(name);
    // Names are unique in the whole graph tree, so annotations anywhere in it that name `previous` mean this value.
    for (const graph of this.root.graphs()) graph.renameInAnnotations(previous, name);
  }

  /** Quantization annotations (kept in `rest`) name tensors by string; they follow a rename. */
  private renameInAnnotations(previous: string, name: string): void {
    const annotations = this.rest.quantizationAnnotation;
    if (annotations.length === 0) return;
    this.rest.quantizationAnnotation = annotations.map((annotation) => {
      const mentions =
        annotation.tensorName === previous ||
        annotation.quantParameterTensorNames.some((entry) => entry.value === previous);
      if (!mentions) return annotation;
      const copy = shallowClone(annotation);
      if (copy.tensorName === previous) copy.tensorName = name;
      copy.quantParameterTensorNames = annotation.quantParameterTensorNames.map((entry) => {
        if (entry.value !== previous) return entry;
        const renamed = shallowClone(entry);
        renamed.value = name;
        return renamed;
      });
      return copy;
    });
  }

  /** True when `name` names any value in this graph tree. */
  isValueNameTaken(name: string): boolean {
    return this.root.collectNames().values.has(name);
  }

  /** A value name not used anywhere in this graph tree, based on `hint`. */
  uniqueValueName(hint: string): string {
    const names = this.root.collectNames().values;
    if (!names.has(hint)) return hint;
    const root = this.root;
    for (;;) {
      const candidate = `${hint}_${++root.nameCounter}`;
      if (!names.has(candidate)) return candidate;
    }
  }

  /** A node name not used anywhere in this graph tree, based on `hint`. */
  uniqueNodeName(hint: string): string {
    const names = this.root.collectNames().nodes;
    const root = this.root;
    let candidate = hint;
    while (names.has(candidate)) candidate = `${hint}_${++root.nameCounter}`;
    names.add(candidate);
    return candidate;
  }

  private collectNames(): { values: Set<string>; nodes: Set<string> } {
    if (!this.valueNames || !this.nodeNames) {
      const values = new Set<string>();
      const nodes = new Set<string>();
      for (const graph of this.graphs()) {
        for (const name of graph.scope.keys()) values.add(name);
        for (const node of graph.nodes) if (node.name) nodes.add(node.name);
      }
      this.valueNames = values;
      this.nodeNames = nodes;
    }
    return { values: this.valueNames, nodes: this.nodeNames };
  }

  /** This graph and every subgraph nested in it, depth first. */
  *graphs(): Generator<Graph> {
    yield this;
    for (const node of this.nodes) for (const sub of node.subgraphs) yield* sub.graphs();
  }

  /** Every node of this graph and its subgraphs, depth first. */
  *allNodes(): Generator<Node> {
    for (const node of this.nodes) {
      yield node;
      for (const sub of node.subgraphs) yield* sub.allNodes();
    }
  }

  /** Adds a graph input (a new value, or an existing one). */
  addInput(nameOrValue: string | Value, type?: TypeProto): Value {
    const value =
      typeof nameOrValue === "string"
        ? this.createValue(nameOrValue, { exact: true })
        : nameOrValue;
    if (type) value.type = type;
    this.inputs.push(value);
    return value;
  }

  /** Marks a value as a graph output. */
  addOutput(value: Value, type?: TypeProto): Value {
    if (type) value.type = type;
    this.outputs.push(value);
    return value;
  }

  /** Adds an initializer holding `tensor`; the value takes the tensor's name (made unique) or `name`. */
  addInitializer(tensor: Tensor, name?: string): Value {
    const value = this.createValue(name ?? (tensor.name || "const"));
    value.initializer = tensor;
    this.initializers.push(value);
    return value;
  }

  /** Creates a node from a spec, inserts it, and returns it. */
  addNode(spec: NodeSpec): Node {
    const node = this.createNode(spec, spec.name ?? spec.opType);
    const outputSpec = spec.outputs ?? 1;
    const outputs: (Value | null)[] = [];
    const count = typeof outputSpec === "number" ? outputSpec : outputSpec.length;
    for (let index = 0; index < count; index++) {
      const entry = typeof outputSpec === "number" ? undefined : outputSpec[index];
      if (entry === null) outputs.push(null);
      else if (entry instanceof Value) {
        if (entry.producer || entry.initializer || entry.isGraphInput) {
          throw new OnnxError(
            "GRAPH_INVALID",
            `value "${entry.name}" already has a definition; a node cannot also produce it`,
            {
              value: entry.name,
              node: node.name,
            },
          );
        }
        outputs.push(entry);
      } else
        outputs.push(
          this.createValue(entry ?? `${node.name}_out${index}`, { exact: entry !== undefined }),
        );
    }
    node.setOutputsUnchecked(outputs);
    for (const [index, value] of (spec.inputs ?? []).entries()) node.setInput(index, value);
    this.insertNode(node, spec);
    return node;
  }

  /**
   * Replaces `node` by a new node built from `spec` that produces the very same
   * output values (names, types and every use stay as they are), at the same
   * position. Returns the new node.
   */
  replaceNode(node: Node, spec: Omit<NodeSpec, "outputs" | "before" | "after">): Node {
    const at = this.positionOf(node);
    this.root.nodeNames?.delete(node.name);
    const replacement = this.createNode(spec, spec.name ?? node.name);
    for (const [index, value] of (spec.inputs ?? []).entries()) replacement.setInput(index, value);
    node.detachInputs();
    replacement.setOutputsUnchecked([...node.outputs]);
    node.setOutputsUnchecked([]);
    this.nodes[at] = replacement;
    return replacement;
  }

  /** @internal places a node in the node list */
  insertNode(node: Node, where: { before?: Node; after?: Node } = {}): void {
    if (where.before) this.nodes.splice(this.positionOf(where.before), 0, node);
    else if (where.after) this.nodes.splice(this.positionOf(where.after) + 1, 0, node);
    else this.nodes.push(node);
  }

  /** Index of `node` in this graph's node list; throws GRAPH_INVALID naming the node when it is not here. */
  private positionOf(node: Node): number {
    const at = this.nodes.indexOf(node);
    if (at < 0) {
      throw new OnnxError(
        "GRAPH_INVALID",
        `node ${node.describe()} is not in graph "${this.name}"`,
        {
          node: node.name,
        },
      );
    }
    return at;
  }

  /** A detached node of this graph with a unique name, attributes set, no inputs or outputs yet. */
  private createNode(spec: Omit<NodeSpec, "outputs" | "before" | "after">, nameHint: string): Node {
    const rest = create(NodeProtoSchema, { opType: spec.opType });
    if (spec.domain) rest.domain = spec.domain;
    if (spec.docString) rest.docString = spec.docString;
    rest.name = this.uniqueNodeName(nameHint);
    const node = new Node(this, rest, []);
    for (const attribute of spec.attributes ?? []) node.setAttribute(attribute);
    return node;
  }

  /** Takes the node at `index` out of the list with its inputs' uses and its outputs' scope entries. */
  private dropNodeAt(index: number): void {
    const node = this.nodes[index]!;
    node.detachInputs();
    for (const output of node.outputs) if (output) this.forgetValue(output);
    this.nodes.splice(index, 1);
    this.root.nodeNames?.delete(node.name);
  }

  /** Removes a node; unless `force`, its outputs must have no uses and not be graph outputs. */
  removeNode(node: Node, options: { force?: boolean } = {}): void {
    const at = this.positionOf(node);
    if (!options.force) {
      for (const output of node.outputs) {
        if (output && (output.uses.length > 0 || this.isOutputAnywhere(output))) {
          throw new OnnxError(
            "GRAPH_INVALID",
            `cannot remove node ${node.describe()}: its output "${output.name}" is still used; rewire it first (replaceAllUsesWith)`,
            { node: node.name, value: output.name },
          );
        }
      }
    }
    this.dropNodeAt(at);
  }

  private forgetValue(value: Value): void {
    value.producerNode = undefined;
    if (this.scope.get(value.name) === value) {
      this.scope.delete(value.name);
      this.root.valueNames?.delete(value.name);
    }
    const info = this.valueInfo.indexOf(value);
    if (info >= 0) this.valueInfo.splice(info, 1);
  }

  private isOutputAnywhere(value: Value): boolean {
    for (const graph of this.root.graphs()) if (graph.outputs.includes(value)) return true;
    return false;
  }

  /** Makes every reader of `value` (node inputs and graph outputs, in all subgraphs) read `replacement`. */
  replaceAllUsesWith(value: Value, replacement: Value): void {
    if (value === replacement) return;
    for (const use of [...value.uses]) use.node.setInput(use.index, replacement);
    for (const graph of this.root.graphs()) {
      graph.outputs = graph.outputs.map((output) => (output === value ? replacement : output));
    }
  }

  /**
   * Substitutes `replacement` for `value` everywhere, as a rewrite does: all
   * uses are rewired and, when `value` is a graph output, `replacement` takes
   * over its name (so the model's interface is unchanged) and its declared
   * type if it has none. `value` is renamed to a fresh name.
   */
  replaceValue(value: Value, replacement: Value): void {
    if (value === replacement) return;
    const wasOutput = this.isOutputAnywhere(value);
    this.replaceAllUsesWith(value, replacement);
    if (!wasOutput) return;
    const name = value.name;
    value.rename(this.uniqueValueName(`${name}_replaced`));
    replacement.rename(name);
    if (!replacement.type && value.type) replacement.type = value.type;
  }

  /**
   * Orders nodes so every value is defined before it is read (stable: keeps
   * file order where possible). Outer-scope reads inside subgraphs count as
   * reads by the node holding the subgraph. Throws GRAPH_CYCLE naming a node on the cycle.
   */
  topologicalSort(): void {
    const position = new Map(this.nodes.map((node, index) => [node, index]));
    const pending = new Map<Node, number>();
    const dependents = new Map<Node, Node[]>();
    for (const node of this.nodes) {
      const producers = new Set<Node>();
      for (const value of this.effectiveInputs(node)) {
        const producer = value.producer;
        if (producer && producer !== node && position.has(producer)) producers.add(producer);
        if (producer === node) producers.add(node);
      }
      pending.set(node, producers.size);
      for (const producer of producers) {
        const list = dependents.get(producer) ?? [];
        list.push(node);
        dependents.set(producer, list);
      }
    }
    // A binary heap keyed by file position keeps the order stable in O(n log n).
    const heap: Node[] = [];
    const less = (a: Node, b: Node) => position.get(a)! < position.get(b)!;
    const push = (node: Node) => {
      heap.push(node);
      let i = heap.length - 1;
      while (i > 0) {
        const up = (i - 1) >> 1;
        if (!less(heap[i]!, heap[up]!)) break;
        [heap[i], heap[up]] = [heap[up]!, heap[i]!];
        i = up;
      }
    };
    const pop = (): Node => {
      const top = heap[0]!;
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
          if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
          if (m === i) break;
          [heap[i], heap[m]] = [heap[m]!, heap[i]!];
          i = m;
        }
      }
      return top;
    };
    for (const node of this.nodes) if (pending.get(node) === 0) push(node);
    const sorted: Node[] = [];
    while (heap.length > 0) {
      const node = pop();
      sorted.push(node);
      for (const dependent of dependents.get(node) ?? []) {
        const left = pending.get(dependent)! - 1;
        pending.set(dependent, left);
        if (left === 0) push(dependent);
      }
    }
    if (sorted.length !== this.nodes.length) {
      const stuck = this.nodes.find((node) => pending.get(node)! > 0)!;
      throw new OnnxError(
        "GRAPH_CYCLE",
        `graph "${this.name}" has a cycle through node ${stuck.describe()}; a node cannot depend on its own output`,
        { node: stuck.name },
      );
    }
    this.nodes = sorted;
  }

  /** Inputs of a node plus the values of this graph its subgraphs read from outer scope. */
  effectiveInputs(node: Node): Value[] {
    const values = node.inputs.filter((v): v is Value => v !== null);
    for (const sub of node.subgraphs) values.push(...sub.outerReferences());
    return values;
  }

  /** Values defined outside this graph tree that its nodes or outputs read. */
  outerReferences(): Value[] {
    const inside = new Set<Graph>(this.graphs());
    const found = new Set<Value>();
    for (const graph of inside) {
      for (const node of graph.nodes) {
        for (const input of node.inputs) if (input && !inside.has(input.graph)) found.add(input);
      }
      for (const output of graph.outputs) if (!inside.has(output.graph)) found.add(output);
    }
    return [...found];
  }

  /**
   * Removes nodes whose outputs nothing reads (no graph output depends on
   * them), in this graph and, recursively, in the subgraphs of the nodes that
   * stay. Returns how many nodes were removed.
   */
  eliminateDeadNodes(options: DeadNodeOptions = {}): number {
    const live = new Set<Node>();
    const liveValues = new Set<Value>();
    const work: Value[] = [...this.outputs];
    while (work.length > 0) {
      const value = work.pop()!;
      if (liveValues.has(value)) continue;
      liveValues.add(value);
      const producer = value.producer;
      if (producer && producer.graph === this && !live.has(producer)) {
        live.add(producer);
        work.push(...this.effectiveInputs(producer));
      }
    }
    let removed = 0;
    for (let index = this.nodes.length - 1; index >= 0; index--) {
      const node = this.nodes[index]!;
      if (live.has(node)) continue;
      this.dropNodeAt(index);
      removed++;
    }
    for (const node of this.nodes)
      for (const sub of node.subgraphs) removed += sub.eliminateDeadNodes(options);
    if (options.initializers) {
      this.initializers = this.initializers.filter((value) => {
        const keep = value.uses.length > 0 || value.isGraphInput || this.isOutputAnywhere(value);
        if (!keep) this.forgetValue(value);
        return keep;
      });
    }
    return removed;
  }
}
