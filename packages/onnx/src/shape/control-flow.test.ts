import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { builder, elementTypeOf, infer, shapeOf } from "../../test/support/shape-models.js";
import { Attribute, AttributeType } from "../ir/attribute.js";
import type { Value } from "../ir/value.js";
import { AttributeProtoSchema } from "../proto/onnx_pb.js";
import { DataType } from "../tensor/data-type.js";

describe("shape inference: control flow and functions", () => {
  it("merges If branches: equal dims stay, differing dims become unknown", () => {
    const b = builder(13);
    const cond = b.input("cond", DataType.BOOL, []);
    const x = b.input("x", DataType.FLOAT, ["batch", 3]);
    const y = b.input("y", DataType.FLOAT, ["batch", 4]);
    const [merged, same] = b.node(
      "If",
      [cond],
      {
        then_branch: b.subgraph("then", (g) => [g.op("Relu", [x]), g.op("Neg", [x])]),
        else_branch: b.subgraph("else", (g) => [g.op("Sigmoid", [y]), g.op("Abs", [x])]),
      },
      { outputs: ["merged", "same"] },
    );
    infer(b);
    expect(shapeOf(merged)).toEqual(["batch", null]);
    expect(shapeOf(same)).toEqual(["batch", 3]);
    expect(elementTypeOf(merged)).toBe(DataType.FLOAT);
  });

  it("infers Loop bodies from the outer types and widens carried values that change", () => {
    const b = builder(13);
    const x = b.input("x", DataType.FLOAT, [2, 3]);
    const trips = b.scalar(3, DataType.INT64, "trips");
    let grownInBody: Value | undefined;
    const body = b.subgraph("body", (g) => {
      g.input("i", DataType.INT64, []);
      const condIn = g.input("cond_in", DataType.BOOL, []);
      const steady = g.input("steady", DataType.FLOAT, undefined);
      const growing = g.input("growing", DataType.FLOAT, undefined);
      const condOut = g.op("Identity", [condIn]);
      const steadyOut = g.op("Add", [steady, steady]);
      const grown = g.op("Concat", [growing, x], { axis: 0 });
      grownInBody = grown;
      const scanned = g.op("Identity", [steady]);
      return [condOut, steadyOut, grown, scanned];
    });
    const [steady, growing, scanned] = b.node(
      "Loop",
      [trips, null, x, x],
      { body },
      { outputs: ["steady_out", "growing_out", "scanned"] },
    );
    const { summary } = infer(b);
    expect(shapeOf(steady)).toEqual([2, 3]);
    // [2,3] then [4,3], [6,3], …: only the columns are certain.
    expect(shapeOf(growing)).toEqual([null, 3]);
    // The body value is written from the widened pass, not the first one's [4, 3].
    expect(shapeOf(grownInBody)).toEqual([null, 3]);
    expect(shapeOf(scanned)).toEqual([null, 2, 3]);
    expect(summary.conflicts).toEqual([]);
  });

  it("infers Scan bodies with scan inputs sliced along their axes and stacks scan outputs", () => {
    const b = builder(11);
    const state = b.input("state", DataType.FLOAT, [4]);
    const sequence = b.input("sequence", DataType.FLOAT, [5, 4]);
    const body = b.subgraph("scan_body", (g) => {
      const s = g.input("s", DataType.FLOAT, undefined);
      const element = g.input("element", DataType.FLOAT, undefined);
      return [g.op("Add", [s, element]), g.op("Mul", [element, element])];
    });
    const [final, stacked] = b.node(
      "Scan",
      [state, sequence],
      { body, num_scan_inputs: 1 },
      { outputs: ["final", "stacked"] },
    );
    const [, transposed] = b.node(
      "Scan",
      [state, sequence],
      {
        body: b.subgraph("scan_body_2", (g) => {
          const s = g.input("s2", DataType.FLOAT, undefined);
          const element = g.input("element2", DataType.FLOAT, undefined);
          return [g.op("Add", [s, element]), g.op("Mul", [element, element])];
        }),
        num_scan_inputs: 1,
        scan_output_axes: [1],
      },
      { outputs: ["final2", "stacked2"] },
    );
    infer(b);
    expect(shapeOf(body.inputs[1])).toEqual([4]);
    expect(shapeOf(final)).toEqual([4]);
    expect(shapeOf(stacked)).toEqual([5, 4]);
    expect(shapeOf(transposed)).toEqual([4, 5]);
  });

  it("infers a model-local function per call site, resolving attribute references", () => {
    const b = builder(17);
    const fn = b.function(
      "local",
      "SquareFlat",
      ["a"],
      (body, [a]) => {
        const flat = body.op("Flatten", [body.op("Mul", [a!, a!])]);
        const proto = create(AttributeProtoSchema, {
          name: "axis",
          type: AttributeType.INT,
          refAttrName: "split_at",
        });
        flat.producer!.setAttribute(new Attribute(proto));
        return [flat];
      },
      { attributes: ["split_at"] },
    );
    const x = b.input("x", DataType.FLOAT, ["batch", 2, 4]);
    const y = b.input("y", DataType.FLOAT, [3, 5, 7]);
    const first = b.op("SquareFlat", [x], { split_at: 1 }, { domain: "local" });
    const second = b.op("SquareFlat", [y], { split_at: 2 }, { domain: "local" });
    infer(b);
    expect(shapeOf(first)).toEqual(["batch", 8]);
    expect(shapeOf(second)).toEqual([15, 7]);
    // Function bodies are typed per call, so nothing is written into them.
    expect(fn.graph.outputs[0]!.type).toBeUndefined();
  });

  it("types sequence ops through SequenceEmpty, SequenceInsert and SequenceAt", () => {
    const b = builder(13);
    const x = b.input("x", DataType.FLOAT, [2, 3]);
    const empty = b.op("SequenceEmpty", [], { dtype: DataType.FLOAT });
    const one = b.op("SequenceInsert", [empty, x]);
    const at = b.op("SequenceAt", [one, b.scalar(0, DataType.INT64, "zero")]);
    const length = b.op("SequenceLength", [one]);
    infer(b);
    expect(shapeOf(at)).toEqual([2, 3]);
    expect(one.type?.value.case).toBe("sequenceType");
    expect([elementTypeOf(length), shapeOf(length)]).toEqual([DataType.INT64, []]);
  });
});
