import type { Graph } from "../ir/graph.js";
import type { Node } from "../ir/node.js";
import { NodeAttributes } from "./attribute-reader.js";
import type { GraphScope, ShapeInference } from "./engine.js";
import type { RuleContext } from "./rule-context.js";
import type { Dim, KnownValue, TensorType, ValueType } from "./types.js";

/** What a rule sees of one node: a thin view over the inference run (one object per node, no closures). */
export class NodeContext implements RuleContext {
  readonly attributes: NodeAttributes;

  constructor(
    private readonly run: ShapeInference,
    readonly node: Node,
    private readonly scope: GraphScope,
    private readonly settled: Set<number>,
  ) {
    this.attributes = new NodeAttributes(node, scope.call);
  }

  get opset(): number {
    return this.scope.opsets("") ?? 1;
  }

  get inputCount(): number {
    return this.node.inputs.length;
  }

  get outputCount(): number {
    return this.node.outputs.length;
  }

  get maxKnownElements(): number {
    return this.run.knownLimit;
  }

  hasInput(index: number): boolean {
    return !!this.node.inputs[index];
  }

  hasOutput(index: number): boolean {
    return !!this.node.outputs[index];
  }

  input(index: number): ValueType | undefined {
    return this.run.inputFacts(this.node.inputs[index])?.type;
  }

  tensor(index: number): TensorType | undefined {
    const type = this.input(index);
    return type?.kind === "tensor" ? type : undefined;
  }

  shape(index: number): readonly Dim[] | undefined {
    return this.tensor(index)?.shape;
  }

  elementType(index: number): number {
    return this.tensor(index)?.elementType ?? 0;
  }

  known(index: number): KnownValue | undefined {
    const known = this.run.inputFacts(this.node.inputs[index])?.known;
    return known && known.values.length <= this.run.knownLimit ? known : undefined;
  }

  setOutput(index: number, type: ValueType | undefined, known?: KnownValue): void {
    const value = this.node.outputs[index];
    if (!value || this.settled.has(index)) return;
    this.settled.add(index);
    this.run.settleOutput(value, type, known, this.node, this.scope);
  }

  conflict(message: string): void {
    this.run.reportAt(this.node, message);
  }

  inferSubgraph(
    graph: Graph,
    inputs: readonly (ValueType | undefined)[],
  ): (ValueType | undefined)[] {
    return this.run.inferGraph(graph, inputs, this.scope);
  }
}
