import { create, toBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ModelBuilder } from "../builder/model-builder.js";
import { decodeModel } from "../codec/decode.js";
import { OnnxError } from "../errors/onnx-error.js";
import { ModelProtoSchema } from "../proto/onnx_pb.js";
import { DataType } from "../tensor/data-type.js";
import { Tensor } from "../tensor/tensor.js";
import { assertValidModel, validateModel } from "./validate.js";

function codes(model: Parameters<typeof validateModel>[0]) {
  return validateModel(model).map((issue) => issue.code);
}

describe("validateModel", () => {
  it("accepts a well-formed model with a subgraph and a function", () => {
    const b = new ModelBuilder();
    const x = b.input("x", DataType.FLOAT, [2]);
    b.function("local", "Twice", ["a"], (body, [a]) => [body.op("Add", [a!, a!])]);
    const y = b.op("Twice", [x], undefined, { domain: "local" });
    b.output(y, DataType.FLOAT, [2]);
    expect(validateModel(b.build())).toEqual([]);
  });

  it("names undefined inputs and outputs of a decoded model", () => {
    const proto = create(ModelProtoSchema, {
      irVersion: 8n,
      opsetImport: [{ version: 17n }],
      graph: {
        name: "g",
        input: [{ name: "x", type: { value: { case: "tensorType", value: { elemType: 1 } } } }],
        node: [{ opType: "Add", name: "add1", input: ["x", "ghost"], output: ["y"] }],
        output: [
          { name: "nowhere", type: { value: { case: "tensorType", value: { elemType: 1 } } } },
        ],
      },
    });
    const model = decodeModel(toBinary(ModelProtoSchema, proto));
    const issues = validateModel(model);
    expect(issues.map((i) => i.code).sort()).toEqual(["UNDEFINED_INPUT", "UNDEFINED_OUTPUT"]);
    expect(issues.find((i) => i.code === "UNDEFINED_INPUT")).toMatchObject({
      node: "add1",
      value: "ghost",
    });
    expect(() => assertValidModel(model)).toThrowError(/Add "add1" input 1 "ghost" is not defined/);
    try {
      assertValidModel(model);
    } catch (error) {
      expect(error).toBeInstanceOf(OnnxError);
      expect((error as OnnxError).code).toBe("VALIDATION_FAILED");
      expect((error as OnnxError).location.node).toBe("add1");
    }
  });

  it("reports duplicate definitions, missing opsets, bad IR version, empty op types and missing types", () => {
    const proto = create(ModelProtoSchema, {
      irVersion: 0n,
      opsetImport: [{ version: 17n }],
      graph: {
        input: [{ name: "x" }],
        node: [
          { opType: "Relu", input: ["x"], output: ["y"] },
          { opType: "Relu", input: ["x"], output: ["y"] },
          { opType: "Custom", domain: "my.domain", input: ["x"], output: ["z"] },
          { opType: "", input: ["x"], output: ["w"] },
        ],
        output: [{ name: "y" }],
      },
    });
    const found = codes(decodeModel(toBinary(ModelProtoSchema, proto)));
    for (const code of [
      "DUPLICATE_DEFINITION",
      "MISSING_OPSET",
      "INVALID_IR_VERSION",
      "EMPTY_OP_TYPE",
      "MISSING_TYPE",
    ]) {
      expect(found).toContain(code);
    }
  });

  it("reports a subgraph reading a value of a sibling subgraph", () => {
    const b = new ModelBuilder();
    const x = b.input("x", DataType.FLOAT, [1]);
    const cond = b.input("cond", DataType.BOOL, []);
    let inner: ReturnType<typeof b.op> | undefined;
    const thenBranch = b.subgraph("then", (g) => {
      inner = g.op("Neg", [x]);
      return [inner];
    });
    const elseBranch = b.subgraph("else", (g) => [g.op("Identity", [inner!])]);
    b.output(
      b.op("If", [cond], { then_branch: thenBranch, else_branch: elseBranch }),
      DataType.FLOAT,
      [1],
    );
    const issues = validateModel(b.model);
    expect(issues.map((i) => i.code)).toEqual(["OUT_OF_SCOPE"]);
    expect(issues[0]!.graph).toMatch(/main\/If .*\/else_branch/);
  });

  it("reports initializers whose data does not match their dims", () => {
    const b = new ModelBuilder();
    const x = b.input("x", DataType.FLOAT, [2]);
    const w = b.graph.addInitializer(Tensor.fromArray(DataType.FLOAT, [2], [1, 2], "w"));
    w.initializer!.proto.dims = [3n];
    b.output(b.op("Add", [x, w]), DataType.FLOAT, [2]);
    const issues = validateModel(b.model);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: "TENSOR_DATA", value: "w" });
  });

  it("the builder refuses to build an invalid model", () => {
    const b = new ModelBuilder();
    const x = b.input("x", DataType.FLOAT, [2]);
    b.output(b.op("Relu", [x], undefined, { domain: "nowhere" }), DataType.FLOAT, [2]);
    expect(() => b.build()).toThrowError(/MISSING_OPSET/);
  });

  it("names the node that defines a value a second time", () => {
    const b = new ModelBuilder();
    const x = b.input("x", DataType.FLOAT, [2]);
    const first = b.op("Relu", [x], undefined, { name: "first" });
    const second = b.op("Neg", [first], undefined, { name: "second" });
    b.output(second, DataType.FLOAT, [2], "y");
    const model = b.build();
    second.setNameUnchecked(first.name);
    const [issue] = validateModel(model);
    expect(issue).toEqual({
      code: "DUPLICATE_DEFINITION",
      message: `value "${first.name}" is defined more than once (again as an output of node Neg "second"); values must have unique names in a model`,
      graph: "main",
      value: first.name,
      node: "second",
    });
  });
});
