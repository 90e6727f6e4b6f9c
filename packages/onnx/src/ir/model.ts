import { create } from "@bufbuild/protobuf";
import {
  type AttributeProto,
  type FunctionProto,
  FunctionProtoSchema,
  type ModelProto,
  ModelProtoSchema,
  type StringStringEntryProto,
} from "../proto/onnx_pb.js";
import { Graph } from "./graph.js";

/** An operator set the model (or a function) imports. */
export interface OpsetImport {
  domain: string;
  version: number;
}

/** Shared helpers for things that import opsets (models and functions). */
function findOpset(imports: readonly OpsetImport[], domain: string): number | undefined {
  const normalized = domain === "ai.onnx" ? "" : domain;
  return imports.find((entry) => (entry.domain === "ai.onnx" ? "" : entry.domain) === normalized)
    ?.version;
}

function putOpset(imports: OpsetImport[], domain: string, version: number): void {
  const existing = imports.find((entry) => entry.domain === domain);
  if (existing) existing.version = version;
  else imports.push({ domain, version });
}

/** A model-local function (FunctionProto): a reusable body called by nodes with its domain and name. */
export class ModelFunction {
  name: string;
  domain: string;
  overload: string;
  docString: string;
  /** Names of the attributes the body refers to with ref_attr_name. */
  attributeNames: string[];
  /** Attributes with default values (attribute_proto). */
  attributeDefaults: AttributeProto[];
  opsetImports: OpsetImport[];
  /** The body: inputs, outputs, nodes and value_info live here. */
  readonly graph: Graph;
  /** The original message, for fields the IR does not model. */
  readonly rest: FunctionProto;

  constructor(rest: FunctionProto = create(FunctionProtoSchema)) {
    this.rest = rest;
    this.name = rest.name;
    this.domain = rest.domain;
    this.overload = rest.overload;
    this.docString = rest.docString;
    this.attributeNames = [...rest.attribute];
    this.attributeDefaults = [...rest.attributeProto];
    this.opsetImports = rest.opsetImport.map((o) => ({
      domain: o.domain,
      version: Number(o.version),
    }));
    this.graph = new Graph("function");
    this.graph.name = rest.name;
  }

  /** The opset version this function imports for `domain` ("" and "ai.onnx" are the same). */
  opsetVersion(domain = ""): number | undefined {
    return findOpset(this.opsetImports, domain);
  }

  /** `domain:name` (with `:overload` when set), how nodes refer to this function. */
  get id(): string {
    return this.overload
      ? `${this.domain}:${this.name}:${this.overload}`
      : `${this.domain}:${this.name}`;
  }
}

/**
 * An ONNX model: header fields, opset imports, the main graph and
 * model-local functions. Training info, device configurations and unknown
 * fields are kept in `rest` untouched.
 */
export class Model {
  irVersion: number;
  opsetImports: OpsetImport[];
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: bigint;
  docString: string;
  metadataProps: StringStringEntryProto[];
  graph: Graph;
  functions: ModelFunction[];
  /** The original message, for fields the IR does not model (training_info, configuration, unknown fields). */
  readonly rest: ModelProto;

  constructor(rest: ModelProto = create(ModelProtoSchema), graph: Graph = new Graph("main")) {
    this.rest = rest;
    this.irVersion = Number(rest.irVersion);
    this.opsetImports = rest.opsetImport.map((o) => ({
      domain: o.domain,
      version: Number(o.version),
    }));
    this.producerName = rest.producerName;
    this.producerVersion = rest.producerVersion;
    this.domain = rest.domain;
    this.modelVersion = rest.modelVersion;
    this.docString = rest.docString;
    this.metadataProps = [...rest.metadataProps];
    this.graph = graph;
    this.functions = [];
  }

  /** The opset version imported for `domain` ("" and "ai.onnx" are the same). */
  opsetVersion(domain = ""): number | undefined {
    return findOpset(this.opsetImports, domain);
  }

  /** Imports `domain` at `version`, replacing an existing import of it. */
  setOpset(domain: string, version: number): void {
    putOpset(this.opsetImports, domain, version);
  }

  /** The model-local function a node with this domain, op type and overload calls, if any. */
  findFunction(domain: string, name: string, overload = ""): ModelFunction | undefined {
    return this.functions.find(
      (f) => f.domain === domain && f.name === name && f.overload === overload,
    );
  }

  /** Metadata value for `key` (the last entry wins, as in onnxruntime). */
  metadata(key: string): string | undefined {
    let found: string | undefined;
    for (const entry of this.metadataProps) if (entry.key === key) found = entry.value;
    return found;
  }

  /** Every graph in the model: main graph, its subgraphs, function bodies and theirs. */
  *graphs(): Generator<Graph> {
    yield* this.graph.graphs();
    for (const fn of this.functions) yield* fn.graph.graphs();
  }
}
