import { OnnxError } from "../errors/onnx-error.js";
import { Graph } from "../ir/graph.js";
import type { Value } from "../ir/value.js";
import { DataType } from "../tensor/data-type.js";
import { Tensor, type TensorArray } from "../tensor/tensor.js";
import { type AttributeInput, toAttributes } from "./attributes.js";
import type { SeededRandom } from "./random.js";
import { type Dimension, tensorType } from "./types.js";

/** Options of GraphBuilder.node. */
export interface NodeOptions {
  /** Number of outputs (default 1) or their names. */
  outputs?: number | readonly (string | null)[];
  domain?: string;
  name?: string;
  docString?: string;
}

/** How to fill a seeded random initializer. */
export interface RandomTensorOptions {
  /** N(mean, deviation²); the default is N(0, 1/fan-in) where fan-in is the first dim. */
  normal?: [number, number];
  /** U(low, high). */
  uniform?: [number, number];
  dataType?: DataType.FLOAT | DataType.DOUBLE | DataType.FLOAT16;
}

/** Typed helpers that add inputs, constants, nodes and subgraphs to one graph. */
export class GraphBuilder {
  constructor(
    readonly graph: Graph,
    readonly random: SeededRandom,
  ) {}

  /** Adds a graph input of the given element type and shape. */
  input(name: string, elementType: DataType, shape?: readonly Dimension[]): Value {
    return this.graph.addInput(name, tensorType(elementType, shape));
  }

  /** Marks `value` as a graph output, with a declared type when given. */
  output(value: Value, elementType?: DataType, shape?: readonly Dimension[], name?: string): Value {
    if (name && name !== value.name) value.rename(name);
    return this.graph.addOutput(
      value,
      elementType === undefined ? undefined : tensorType(elementType, shape),
    );
  }

  /** Adds an initializer from element values. */
  constant(
    dataType: DataType,
    dims: readonly number[],
    values: ArrayLike<number> | ArrayLike<bigint> | TensorArray | readonly string[],
    name = "const",
  ): Value {
    return this.graph.addInitializer(Tensor.fromArray(dataType, dims, values, name), name);
  }

  /** A float32 scalar initializer (or another type with `dataType`). */
  scalar(value: number, dataType: DataType = DataType.FLOAT, name = "scalar"): Value {
    const values = dataType === DataType.INT64 ? [BigInt(value)] : [value];
    return this.constant(dataType, [], values as ArrayLike<number>, name);
  }

  /** A 1-D int64 initializer (shapes, axes, pads). */
  int64s(values: readonly number[], name = "ints"): Value {
    return this.constant(
      DataType.INT64,
      [values.length],
      values.map((v) => BigInt(v)),
      name,
    );
  }

  /** An initializer of seeded random values (deterministic for the builder's seed and call order). */
  randomInitializer(
    name: string,
    dims: readonly number[],
    options: RandomTensorOptions = {},
  ): Value {
    const count = dims.reduce((a, b) => a * b, 1);
    const fanIn = dims[0] ?? 1;
    const values = this.random.float32(count, {
      ...(options.uniform
        ? { uniform: options.uniform }
        : { normal: options.normal ?? [0, 1 / Math.sqrt(Math.max(1, fanIn))] }),
    });
    const dataType = options.dataType ?? DataType.FLOAT;
    const data = dataType === DataType.FLOAT ? values : Array.from(values);
    return this.constant(dataType, dims, data, name);
  }

  /** Adds a node and returns all its outputs. */
  node(
    opType: string,
    inputs: readonly (Value | null)[],
    attributes?: Readonly<Record<string, AttributeInput>>,
    options: NodeOptions = {},
  ): (Value | null)[] {
    for (const [index, input] of inputs.entries()) {
      if (input !== null && (typeof input !== "object" || !("uses" in input))) {
        throw new OnnxError(
          "BUILDER_INVALID",
          `${opType}: input ${index} is not a Value (got ${typeof input})`,
        );
      }
    }
    const outputs = options.outputs ?? 1;
    const node = this.graph.addNode({
      opType,
      inputs,
      attributes: toAttributes(attributes),
      outputs:
        typeof outputs === "number"
          ? Array.from({ length: outputs }, () =>
              this.graph.uniqueValueName(`${(options.name ?? opType).toLowerCase()}_out`),
            )
          : outputs,
      ...(options.domain ? { domain: options.domain } : {}),
      ...(options.name ? { name: options.name } : {}),
      ...(options.docString ? { docString: options.docString } : {}),
    });
    return [...node.outputs];
  }

  /** Adds a single-output node and returns its output. */
  op(
    opType: string,
    inputs: readonly (Value | null)[],
    attributes?: Readonly<Record<string, AttributeInput>>,
    options: Omit<NodeOptions, "outputs"> & { output?: string } = {},
  ): Value {
    const [output] = this.node(opType, inputs, attributes, {
      ...options,
      outputs: [
        options.output ??
          this.graph.uniqueValueName(`${(options.name ?? opType).toLowerCase()}_out`),
      ],
    });
    return output!;
  }

  /**
   * Builds a subgraph for If/Loop/Scan. Nodes inside may read any value of
   * the enclosing graphs directly; `build` returns the subgraph's outputs.
   */
  subgraph(name: string, build: (graph: GraphBuilder) => readonly Value[]): Graph {
    const sub = new Graph("subgraph", this.graph);
    sub.name = name;
    const builder = new GraphBuilder(sub, this.random);
    for (const output of build(builder)) if (!sub.outputs.includes(output)) sub.addOutput(output);
    return sub;
  }
}
