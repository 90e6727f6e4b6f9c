import {
  Attribute,
  AttributeType,
  DataType,
  type Graph,
  type Node,
  Tensor,
  tensorTypeInfo,
  type Value,
} from "@rectify/onnx";
import { RewriteError } from "../errors/rewrite-error.js";
import type { Site } from "../sites/site.js";
import type { Program, ProgramOperand, StepAttribute } from "./program.js";

/** Float element types a substitute can be emitted for. */
const floatTypes = new Set<DataType>([
  DataType.FLOAT,
  DataType.DOUBLE,
  DataType.FLOAT16,
  DataType.BFLOAT16,
]);

/** The element type of a site's tensors: declared on the input or output, else float32 (what exporters emit by far the most). */
export function siteElementType(site: Site): DataType | undefined {
  for (const value of [site.input, site.output]) {
    const info = tensorTypeInfo(value.type);
    if (info && info.elementType !== DataType.UNDEFINED)
      return floatTypes.has(info.elementType) ? info.elementType : undefined;
  }
  const inferred = site.inferred?.elementType;
  if (inferred !== undefined) return floatTypes.has(inferred) ? inferred : undefined;
  return DataType.FLOAT;
}

/**
 * Constants shared across every substitution of one rewrite: one value per
 * (graph, element type, number). Main graphs and subgraphs get initializers;
 * function bodies, which cannot hold initializers, get Constant nodes at the top.
 */
export class ConstantPool {
  private readonly values = new Map<Graph, Map<string, Value>>();

  scalar(graph: Graph, type: DataType, value: number): Value {
    return this.get(
      graph,
      `${type}:${Object.is(value, -0) ? "-0" : value}`,
      () => Tensor.fromArray(type, [], [value]),
      nameFor(value),
    );
  }

  vector(graph: Graph, type: DataType, values: readonly number[]): Value {
    return this.get(
      graph,
      `${type}:[${values.join(",")}]`,
      () => Tensor.fromArray(type, [values.length], values),
      values.length <= 4
        ? `rectify_v_${values.map((value) => nameFor(value).slice("rectify_c_".length)).join("_")}`
        : `rectify_v${values.length}_${digest(values)}`,
    );
  }

  axes(graph: Graph, axes: readonly number[]): Value {
    return this.get(
      graph,
      `axes:${axes.join(",")}`,
      () => Tensor.fromArray(DataType.INT64, [axes.length], axes.map(BigInt)),
      `rectify_axes_${axes.join("_").replaceAll("-", "m")}`,
    );
  }

  private get(graph: Graph, key: string, make: () => Tensor, name: string): Value {
    let perGraph = this.values.get(graph);
    if (!perGraph) {
      perGraph = new Map();
      this.values.set(graph, perGraph);
    }
    const existing = perGraph.get(key);
    if (existing) return existing;
    let value: Value;
    if (graph.kind === "function") {
      const first = graph.nodes[0];
      const node = graph.addNode({
        opType: "Constant",
        name: `rectify/${name}`,
        outputs: [graph.uniqueValueName(name)],
        attributes: [Attribute.create("value", AttributeType.TENSOR, make())],
        docString: "rectify: constant shared by substitutes",
        ...(first ? { before: first } : {}),
      });
      value = node.outputs[0]!;
    } else {
      const tensor = make();
      value = graph.addInitializer(tensor, name);
      tensor.proto.name = value.name;
    }
    perGraph.set(key, value);
    return value;
  }
}

function nameFor(value: number): string {
  const text = Number.isInteger(value) ? String(value) : value.toPrecision(6);
  return `rectify_c_${text.replaceAll("-", "m").replaceAll(".", "p").replaceAll("+", "")}`;
}

function toAttribute(attribute: StepAttribute): Attribute {
  switch (attribute.type) {
    case "int":
      return Attribute.create(attribute.name, AttributeType.INT, attribute.value);
    case "ints":
      return Attribute.create(attribute.name, AttributeType.INTS, [...attribute.value]);
    case "float":
      return Attribute.create(attribute.name, AttributeType.FLOAT, attribute.value);
    case "string":
      return Attribute.create(
        attribute.name,
        AttributeType.STRING,
        new TextEncoder().encode(attribute.value),
      );
  }
}

/**
 * Replaces a site's nodes by the program's: new nodes go before the site's
 * anchor (the node producing its output), the last step takes over the
 * anchor's output value (name, type and uses stay), and the site's other
 * nodes are removed. Every new node is named `<tag>/<op>` and carries `doc`.
 */
export function emitProgram(
  site: Site,
  program: Program,
  options: { tag: string; doc: string; constants: ConstantPool },
): Node[] {
  const graph = site.graph;
  const type = siteElementType(site);
  if (type === undefined) {
    throw new RewriteError(
      "MODEL_UNSUPPORTED",
      `site ${site.id}: only float tensors can be substituted`,
      { node: site.nodes.at(-1)?.name },
    );
  }
  const anchor = site.output.producer;
  if (!anchor || !site.nodes.includes(anchor)) {
    throw new RewriteError(
      "INTERNAL",
      `site ${site.id}: its output is not produced by one of its nodes`,
    );
  }
  const created: Node[] = [];
  const nodeName = (opType: string) => `${options.tag}/${opType}`;
  let input: Value = site.input;
  if (site.bias) {
    const biased = graph.addNode({
      opType: "Add",
      name: nodeName("Add"),
      inputs: [site.input, site.bias],
      before: anchor,
      docString: options.doc,
    });
    created.push(biased);
    input = biased.outputs[0]!;
  }
  const results: Value[] = [];
  const resolve = (operand: ProgramOperand | null): Value | null => {
    if (!operand) return null;
    switch (operand.kind) {
      case "input":
        return input;
      case "step":
        return results[operand.index]!;
      case "constant":
        return options.constants.scalar(graph, type, operand.value);
      case "axes":
        return options.constants.axes(graph, operand.axes);
      case "vector":
        return options.constants.vector(graph, type, operand.values);
      case "parameter": {
        const parameter = site.parameters?.[operand.index];
        if (!parameter)
          throw new RewriteError(
            "INTERNAL",
            `site ${site.id}: the program reads parameter ${operand.index}, which the site has not`,
          );
        return parameter;
      }
    }
  };
  let steps = program.steps;
  let final = program.result;
  if (final.kind !== "step" || final.index !== steps.length - 1) {
    // The result is the input, a constant or an earlier step: an Identity gives the anchor's output a producer.
    steps = [
      ...steps,
      { opType: "Identity", domain: "", inputs: [final], attributes: [], bool: false },
    ];
    final = { kind: "step", index: steps.length - 1 };
  }
  steps.forEach((step, index) => {
    const spec = {
      opType: step.opType,
      name: nodeName(step.opType),
      inputs: step.inputs.map(resolve),
      attributes: step.attributes.map(toAttribute),
      docString: options.doc,
      ...(step.domain ? { domain: step.domain } : {}),
    };
    if (index < steps.length - 1) {
      const node = graph.addNode({ ...spec, before: anchor });
      created.push(node);
      results.push(node.outputs[0]!);
    } else {
      created.push(graph.replaceNode(anchor, spec));
    }
  });
  for (const node of [...site.nodes].reverse())
    if (node !== anchor) graph.removeNode(node, { force: true });
  return created;
}

/** A short stable name part for a long list of numbers (FNV-1a over their float64 bits). */
function digest(values: readonly number[]): string {
  const bytes = new Uint8Array(new Float64Array(values).buffer);
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, "0");
}
