import { tensorFor as attributeTensor, type Tensor } from "../tensor/tensor.js";
import { AttributeType } from "./attribute.js";
import type { Model } from "./model.js";

/** Where a tensor sits in a model. */
export type TensorSite = "initializer" | "sparse-initializer" | "attribute";

/**
 * Every tensor in the model (initializers, sparse initializer parts and
 * tensor attributes, in all graphs and function bodies), with the Tensor
 * wrapper of initializers so loaded external bytes are found.
 */
export function* modelTensors(model: Model): Generator<{ tensor: Tensor; site: TensorSite }> {
  for (const graph of model.graphs()) {
    for (const value of graph.initializers)
      if (value.initializer) yield { tensor: value.initializer, site: "initializer" };
    for (const value of graph.sparseInitializers) {
      const sparse = value.sparseInitializer!;
      for (const part of [sparse.values, sparse.indices])
        if (part) yield { tensor: attributeTensor(part), site: "sparse-initializer" };
    }
    for (const node of graph.nodes) {
      for (const attribute of node.attributes) {
        const type = attribute.type;
        if (type === AttributeType.TENSOR && attribute.proto.t)
          yield { tensor: attributeTensor(attribute.proto.t), site: "attribute" };
        if (type === AttributeType.TENSORS)
          for (const t of attribute.proto.tensors)
            yield { tensor: attributeTensor(t), site: "attribute" };
      }
    }
  }
}
