import { OnnxError } from "../errors/onnx-error.js";
import { Model, ModelFunction } from "../ir/model.js";
import { assertValidModel } from "../validate/validate.js";
import { GraphBuilder } from "./graph-builder.js";
import { SeededRandom } from "./random.js";

/** Options of ModelBuilder. */
export interface ModelBuilderOptions {
  /** Default-domain opset (default 17). */
  opset?: number;
  /** Further opset imports, e.g. `{ "com.microsoft": 1 }`. */
  opsets?: Readonly<Record<string, number>>;
  /** IR version (default 8: read by onnxruntime and by onnx.checker 1.12 alike). */
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  /** Seed for randomInitializer (default 0). */
  seed?: number;
  graphName?: string;
}

/**
 * Builds a model in TypeScript: `input`, `op`, `randomInitializer`,
 * `subgraph`, `function`, then `build()` validates and returns it.
 *
 * ```ts
 * const b = new ModelBuilder({ opset: 17, seed: 1 });
 * const x = b.input("x", DataType.FLOAT, ["batch", 16]);
 * const h = b.op("Relu", [b.op("MatMul", [x, b.randomInitializer("w", [16, 8])])]);
 * b.output(h, DataType.FLOAT, ["batch", 8], "y");
 * const model = b.build();
 * ```
 */
export class ModelBuilder extends GraphBuilder {
  readonly model: Model;

  constructor(options: ModelBuilderOptions = {}) {
    const model = new Model();
    super(model.graph, new SeededRandom(options.seed ?? 0));
    this.model = model;
    model.irVersion = options.irVersion ?? 8;
    model.producerName = options.producerName ?? "rectify";
    if (options.producerVersion) model.producerVersion = options.producerVersion;
    model.graph.name = options.graphName ?? "main";
    model.setOpset("", options.opset ?? 17);
    for (const [domain, version] of Object.entries(options.opsets ?? {}))
      model.setOpset(domain, version);
  }

  /**
   * Adds a model-local function `domain.name` (imported as an opset of
   * version 1 if not yet imported). `build` receives a builder for the body and
   * the body's inputs, and returns its outputs.
   */
  function(
    domain: string,
    name: string,
    inputs: readonly string[],
    build: (
      body: GraphBuilder,
      inputs: readonly import("../ir/value.js").Value[],
    ) => readonly import("../ir/value.js").Value[],
    options: { opset?: number; attributes?: readonly string[]; docString?: string } = {},
  ): ModelFunction {
    if (!domain)
      throw new OnnxError("BUILDER_INVALID", `function "${name}" needs a domain (e.g. "local")`);
    const fn = new ModelFunction();
    fn.name = name;
    fn.domain = domain;
    fn.graph.name = name;
    if (options.docString) fn.docString = options.docString;
    fn.attributeNames = [...(options.attributes ?? [])];
    fn.opsetImports = [{ domain: "", version: options.opset ?? this.model.opsetVersion("") ?? 17 }];
    const body = new GraphBuilder(fn.graph, this.random);
    const values = inputs.map((input) => fn.graph.addInput(input));
    for (const output of build(body, values)) fn.graph.addOutput(output);
    this.model.functions.push(fn);
    if (this.model.opsetVersion(domain) === undefined) this.model.setOpset(domain, 1);
    return fn;
  }

  /** Validates the model (throws VALIDATION_FAILED listing every problem) and returns it. */
  build(options: { validate?: boolean } = {}): Model {
    if (options.validate ?? true) assertValidModel(this.model);
    return this.model;
  }
}
