import { create, toBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { AttributeType } from "../ir/attribute.js";
import { diffModels } from "../ir/diff.js";
import { ModelProtoSchema } from "../proto/onnx_pb.js";
import { DataType } from "../tensor/data-type.js";
import { decodeModel } from "./decode.js";
import { encodeModel } from "./encode.js";

/** Appends a field the schema does not know (number 999, varint 42) to a message's bytes. */
const unknownField = new Uint8Array([0xb8, 0x3e, 42]);

function withUnknown(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.byteLength + unknownField.byteLength);
  out.set(bytes);
  out.set(unknownField, bytes.byteLength);
  return out;
}

const floatType = {
  value: {
    case: "tensorType" as const,
    value: {
      elemType: DataType.FLOAT,
      shape: { dim: [{ value: { case: "dimParam" as const, value: "n" } }] },
    },
  },
};

/** A model that uses every attribute kind, a function, training info, metadata and sparse tensors. */
function everythingModel() {
  const tensor = { name: "t", dataType: DataType.FLOAT, dims: [2n], floatData: [1, 2] };
  const sparse = {
    values: { name: "sv", dataType: DataType.FLOAT, dims: [1n], floatData: [5] },
    indices: { name: "si", dataType: DataType.INT64, dims: [1n], int64Data: [3n] },
    dims: [4n],
  };
  const subgraph = { name: "body", output: [{ name: "x", type: floatType }] };
  return create(ModelProtoSchema, {
    irVersion: 10n,
    producerName: "test",
    producerVersion: "1",
    domain: "ai.test",
    modelVersion: 3n,
    docString: "doc",
    opsetImport: [{ version: 21n }, { domain: "custom", version: 1n }],
    metadataProps: [{ key: "k", value: "v" }],
    graph: {
      name: "g",
      docString: "graph doc",
      input: [{ name: "x", type: floatType, docString: "input doc" }],
      initializer: [tensor],
      sparseInitializer: [sparse],
      node: [
        {
          opType: "Everything",
          domain: "custom",
          name: "n",
          input: ["x", "", "t"],
          output: ["y", ""],
          docString: "node doc",
          metadataProps: [{ key: "a", value: "b" }],
          attribute: [
            { name: "f", type: AttributeType.FLOAT, f: 0.5 },
            { name: "i", type: AttributeType.INT, i: -7n },
            { name: "s", type: AttributeType.STRING, s: new Uint8Array([0xff, 0x00]) },
            { name: "t", type: AttributeType.TENSOR, t: tensor },
            { name: "g", type: AttributeType.GRAPH, g: subgraph },
            { name: "sp", type: AttributeType.SPARSE_TENSOR, sparseTensor: sparse },
            { name: "tp", type: AttributeType.TYPE_PROTO, tp: floatType },
            { name: "fs", type: AttributeType.FLOATS, floats: [1, 2] },
            { name: "is", type: AttributeType.INTS, ints: [1n, -2n] },
            { name: "ss", type: AttributeType.STRINGS, strings: [new Uint8Array([1])] },
            { name: "ts", type: AttributeType.TENSORS, tensors: [tensor] },
            { name: "gs", type: AttributeType.GRAPHS, graphs: [subgraph, subgraph] },
            { name: "sps", type: AttributeType.SPARSE_TENSORS, sparseTensors: [sparse] },
            { name: "tps", type: AttributeType.TYPE_PROTOS, typeProtos: [floatType] },
            { name: "untyped_int", i: 3n },
          ],
        },
      ],
      output: [{ name: "y", type: floatType }],
      valueInfo: [{ name: "t", type: floatType }],
      quantizationAnnotation: [
        { tensorName: "y", quantParameterTensorNames: [{ key: "SCALE_TENSOR", value: "t" }] },
      ],
      metadataProps: [{ key: "graph", value: "meta" }],
    },
    functions: [
      {
        name: "Fn",
        domain: "custom",
        input: ["a"],
        output: ["b"],
        attribute: ["alpha"],
        attributeProto: [{ name: "beta", type: AttributeType.FLOAT, f: 1 }],
        node: [
          {
            opType: "LeakyRelu",
            input: ["a"],
            output: ["b"],
            attribute: [{ name: "alpha", refAttrName: "alpha", type: AttributeType.FLOAT }],
          },
        ],
        opsetImport: [{ version: 21n }],
        valueInfo: [{ name: "b", type: floatType }],
      },
    ],
    trainingInfo: [{ algorithm: { name: "step" }, updateBinding: [{ key: "t", value: "y" }] }],
  });
}

describe("decode/encode", () => {
  it("keeps every attribute kind, functions, training info, metadata and sparse tensors byte for byte", () => {
    const bytes = toBinary(ModelProtoSchema, everythingModel());
    const model = decodeModel(bytes);
    expect(encodeModel(model)).toEqual(bytes);
    const node = model.graph.nodes[0]!;
    expect(node.attributes.map((a) => AttributeType[a.type])).toEqual([
      "FLOAT",
      "INT",
      "STRING",
      "TENSOR",
      "GRAPH",
      "SPARSE_TENSOR",
      "TYPE_PROTO",
      "FLOATS",
      "INTS",
      "STRINGS",
      "TENSORS",
      "GRAPHS",
      "SPARSE_TENSORS",
      "TYPE_PROTOS",
      "INT",
    ]);
    expect(node.inputs.map((v) => v?.name ?? null)).toEqual(["x", null, "t"]);
    expect(node.outputs.map((v) => v?.name ?? null)).toEqual(["y", null]);
    // the GRAPH attribute's body reads x from the outer scope
    expect(node.attribute("g")!.graph!.outputs[0]).toBe(model.graph.localValue("x"));
    expect(model.functions[0]!.graph.nodes[0]!.attribute("alpha")!.refAttrName).toBe("alpha");
    expect(model.graph.sparseInitializers[0]!.name).toBe("sv");
    expect(model.metadata("k")).toBe("v");
  });

  it("keeps unknown fields at every level through an edit", () => {
    const proto = everythingModel();
    const unknown = () => [{ no: 999, wireType: 0, data: new Uint8Array([42]) }];
    proto.$unknown = unknown();
    proto.graph!.$unknown = unknown();
    proto.graph!.node[0]!.$unknown = unknown();
    proto.graph!.node[0]!.attribute[0]!.$unknown = unknown();
    proto.graph!.initializer[0]!.$unknown = unknown();
    proto.graph!.input[0]!.$unknown = unknown();
    proto.functions[0]!.$unknown = unknown();
    const bytes = withUnknown(toBinary(ModelProtoSchema, proto));
    const model = decodeModel(bytes);
    expect(encodeModel(model)).toEqual(bytes);
    model.graph.nodes[0]!.name = "renamed";
    model.graph.initializers[0]!.rename("t2");
    const again = decodeModel(encodeModel(model));
    const node = again.graph.nodes[0]!;
    expect(again.rest.$unknown?.map((u) => u.no)).toEqual([999, 999]);
    const messages = [
      again.graph.rest,
      node.rest,
      node.attributes[0]!.proto,
      again.graph.initializers[0]!.initializer!.proto,
      again.graph.inputs[0]!.info!,
      again.functions[0]!.rest,
    ];
    for (const message of messages) expect(message.$unknown?.map((u) => u.no)).toEqual([999]);
    expect(node.name).toBe("renamed");
    expect(again.graph.initializers[0]!.name).toBe("t2");
  });

  it("an edited model decodes again to an equal IR", () => {
    const model = decodeModel(toBinary(ModelProtoSchema, everythingModel()));
    model.producerName = "rectify";
    model.setOpset("", 22);
    model.graph.nodes[0]!.opType = "Other";
    const again = decodeModel(encodeModel(model));
    expect(diffModels(model, again)).toEqual([]);
    expect(again.opsetVersion("")).toBe(22);
    expect(again.producerName).toBe("rectify");
  });

  it("diffModels names what differs", () => {
    const a = decodeModel(toBinary(ModelProtoSchema, everythingModel()));
    const b = decodeModel(toBinary(ModelProtoSchema, everythingModel()));
    b.graph.nodes[0]!.attribute("f")!.proto.f = 0.25;
    expect(diffModels(a, b)).toEqual(["model.graph.node[0].attribute[0].f: 0.5 vs 0.25"]);
  });
});
