import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ModelBuilder } from "../builder/model-builder.js";
import { decodeModel } from "../codec/decode.js";
import { encodeModel } from "../codec/encode.js";
import { OnnxError } from "../errors/onnx-error.js";
import { TensorAnnotationSchema } from "../proto/onnx_pb.js";
import { DataType } from "../tensor/data-type.js";
import { validateModel } from "../validate/validate.js";
import { diffModels } from "./diff.js";

function chain() {
  const b = new ModelBuilder({ seed: 1 });
  const x = b.input("x", DataType.FLOAT, [2]);
  const a = b.op("Relu", [x], undefined, { name: "relu" });
  const c = b.op("Neg", [a], undefined, { name: "neg" });
  const d = b.op("Abs", [c], undefined, { name: "abs" });
  b.output(d, DataType.FLOAT, [2], "y");
  return { b, x, a, c, d };
}

describe("Graph editing", () => {
  it("renames values in quantization annotations too, through a round trip", () => {
    const { b, a, c } = chain();
    const model = b.build();
    model.graph.rest.quantizationAnnotation = [
      create(TensorAnnotationSchema, {
        tensorName: a.name,
        quantParameterTensorNames: [
          { key: "SCALE_TENSOR", value: c.name },
          { key: "ZERO_POINT_TENSOR", value: "zp" },
        ],
      }),
      create(TensorAnnotationSchema, { tensorName: "unrelated" }),
    ];
    const untouched = model.graph.rest.quantizationAnnotation[1];
    a.rename("relu_out");
    c.rename("neg_out");
    const decoded = decodeModel(encodeModel(model));
    const [first, second] = decoded.graph.rest.quantizationAnnotation;
    expect(first?.tensorName).toBe("relu_out");
    expect(first?.quantParameterTensorNames.map((e) => [e.key, e.value])).toEqual([
      ["SCALE_TENSOR", "neg_out"],
      ["ZERO_POINT_TENSOR", "zp"],
    ]);
    expect(second?.tensorName).toBe("unrelated");
    expect(model.graph.rest.quantizationAnnotation[1]).toBe(untouched);
  });

  it("tracks producers and uses, including across subgraphs", () => {
    const b = new ModelBuilder();
    const x = b.input("x", DataType.FLOAT, [1]);
    const cond = b.input("cond", DataType.BOOL, []);
    const relu = b.op("Relu", [x]);
    const thenBranch = b.subgraph("then", (g) => [g.op("Neg", [relu])]);
    const elseBranch = b.subgraph("else", (g) => [g.op("Abs", [relu])]);
    const y = b.op("If", [cond], { then_branch: thenBranch, else_branch: elseBranch });
    b.output(y, DataType.FLOAT, [1]);
    const model = b.build();
    expect(relu.producer?.opType).toBe("Relu");
    expect(relu.uses.map((u) => u.node.opType).sort()).toEqual(["Abs", "Neg"]);
    expect(thenBranch.outerReferences()).toEqual([relu]);
    expect(thenBranch.parentNode?.opType).toBe("If");
    expect(validateModel(model)).toEqual([]);
    // survives a round trip with the outer reference resolved to the outer value
    const decoded = decodeModel(encodeModel(model));
    const outer = decoded.graph.localValue(relu.name)!;
    expect(outer.uses).toHaveLength(2);
    expect(outer.uses.every((u) => u.node.graph.kind === "subgraph")).toBe(true);
  });

  it("inserts, rewires and removes nodes keeping use lists right", () => {
    const { b, a, c } = chain();
    const graph = b.graph;
    const neg = c.producer!;
    const replacement = graph.addNode({ opType: "Identity", inputs: [a], before: neg }).outputs[0]!;
    graph.replaceAllUsesWith(c, replacement);
    expect(c.uses).toHaveLength(0);
    graph.removeNode(neg);
    expect(graph.nodes.map((n) => n.opType)).toEqual(["Relu", "Identity", "Abs"]);
    expect(a.uses.map((u) => u.node.opType)).toEqual(["Identity"]);
    expect(graph.localValue(c.name)).toBeUndefined();
    expect(validateModel(b.model)).toEqual([]);
  });

  it("replaceNode swaps the op and keeps the output values and their uses", () => {
    const { b, a, c } = chain();
    const neg = c.producer!;
    const uses = [...c.uses];
    const sigmoid = b.graph.replaceNode(neg, { opType: "Sigmoid", inputs: [a] });
    expect(c.producer).toBe(sigmoid);
    expect(c.uses).toEqual(uses);
    expect(sigmoid.name).toBe("neg");
    expect(b.graph.nodes.map((n) => n.opType)).toEqual(["Relu", "Sigmoid", "Abs"]);
    expect(a.uses.map((u) => u.node.opType)).toEqual(["Sigmoid"]);
    expect(validateModel(b.model)).toEqual([]);
  });

  it("refuses to remove a node whose output is still read", () => {
    const { b, a } = chain();
    expect(() => b.graph.removeNode(a.producer!)).toThrowError(/still used/);
  });

  it("replaceValue keeps the graph output's name and type", () => {
    const { b, c, d } = chain();
    const graph = b.graph;
    const abs = d.producer!;
    const y2 = graph.addNode({ opType: "Relu", inputs: [c], after: abs }).outputs[0]!;
    graph.replaceValue(d, y2);
    graph.removeNode(abs);
    expect(graph.outputs[0]).toBe(y2);
    expect(y2.name).toBe("y");
    expect(y2.type?.value.case).toBe("tensorType");
    expect(validateModel(b.model)).toEqual([]);
  });

  it("sorts topologically, stably, and reports cycles by node", () => {
    const { b } = chain();
    const graph = b.graph;
    graph.nodes.reverse();
    expect(validateModel(b.model).map((i) => i.code)).toContain("NOT_TOPOLOGICAL");
    graph.topologicalSort();
    expect(graph.nodes.map((n) => n.name)).toEqual(["relu", "neg", "abs"]);
    expect(validateModel(b.model)).toEqual([]);
    // close a cycle: relu reads abs's output
    const relu = graph.nodes[0]!;
    relu.setInput(0, graph.nodes[2]!.outputs[0]!);
    expect(() => graph.topologicalSort()).toThrowError(OnnxError);
    try {
      graph.topologicalSort();
    } catch (error) {
      expect((error as OnnxError).code).toBe("GRAPH_CYCLE");
      expect((error as OnnxError).message).toMatch(/cycle through node/);
    }
    expect(validateModel(b.model).map((i) => i.code)).toContain("CYCLE");
  });

  it("topological sort orders a node after values its subgraph reads from outer scope", () => {
    const b = new ModelBuilder();
    const x = b.input("x", DataType.FLOAT, [1]);
    const cond = b.input("cond", DataType.BOOL, []);
    const late = b.op("Relu", [x], undefined, { name: "late" });
    const branch = b.subgraph("body", (g) => [g.op("Identity", [late])]);
    const y = b.op(
      "If",
      [cond],
      { then_branch: branch, else_branch: b.subgraph("else", (g) => [g.op("Identity", [x])]) },
      { name: "if" },
    );
    b.output(y, DataType.FLOAT, [1]);
    b.graph.nodes.reverse();
    expect(validateModel(b.model).map((i) => i.code)).toContain("OUT_OF_SCOPE");
    b.graph.topologicalSort();
    expect(b.graph.nodes.map((n) => n.name)).toEqual(["late", "if"]);
    expect(validateModel(b.model)).toEqual([]);
  });

  it("eliminates dead nodes, keeping what subgraphs read", () => {
    const b = new ModelBuilder();
    const x = b.input("x", DataType.FLOAT, [1]);
    const cond = b.input("cond", DataType.BOOL, []);
    const used = b.op("Relu", [x], undefined, { name: "used_by_branch" });
    b.op("Neg", [b.op("Abs", [x], undefined, { name: "dead1" })], undefined, { name: "dead2" });
    const y = b.op("If", [cond], {
      then_branch: b.subgraph("then", (g) => {
        g.op("Sin", [x], undefined, { name: "dead_inside" });
        return [g.op("Identity", [used])];
      }),
      else_branch: b.subgraph("else", (g) => [g.op("Identity", [x])]),
    });
    b.output(y, DataType.FLOAT, [1]);
    b.scalar(3, DataType.FLOAT, "unused_constant");
    const removed = b.graph.eliminateDeadNodes({ initializers: true });
    expect(removed).toBe(3);
    expect(b.graph.nodes.map((n) => n.name)).toEqual(["used_by_branch", "If"]);
    expect(b.graph.initializers).toHaveLength(0);
    expect(validateModel(b.model)).toEqual([]);
  });

  it("makes unique value and node names across subgraphs", () => {
    const b = new ModelBuilder();
    const x = b.input("x", DataType.FLOAT, [1]);
    const sub = b.subgraph("s", (g) => [g.op("Identity", [x], undefined, { output: "taken" })]);
    b.op("Loop", [null, null], { body: sub });
    expect(b.graph.uniqueValueName("taken")).not.toBe("taken");
    expect(b.graph.uniqueValueName("x")).not.toBe("x");
    expect(b.graph.uniqueValueName("free")).toBe("free");
    const first = b.graph.uniqueNodeName("n");
    expect(b.graph.uniqueNodeName("n")).not.toBe(first);
    expect(() => b.graph.createValue("taken", { exact: true })).toThrowError(/already used/);
  });

  it("renames a value everywhere it is referenced", () => {
    const { b, a } = chain();
    a.rename("activated");
    const decoded = decodeModel(encodeModel(b.model));
    expect(decoded.graph.nodes[1]!.inputs[0]!.name).toBe("activated");
    expect(() => a.rename("x")).toThrowError(/taken/);
  });

  it("an edited model round-trips to an equal IR", () => {
    const { b, a } = chain();
    b.graph.addNode({ opType: "Sigmoid", inputs: [a] });
    const bytes = encodeModel(b.model);
    expect(diffModels(b.model, decodeModel(bytes))).toEqual([]);
    expect(encodeModel(decodeModel(bytes))).toEqual(bytes);
  });
});
