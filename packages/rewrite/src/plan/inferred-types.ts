import { type Graph, inferShapes, type Model, type Value } from "@rectify/onnx";

/** A value, its declaration as loaded and the declared type in it. */
type Declaration = [Value, Value["info"], NonNullable<Value["info"]>["type"]];

/**
 * Runs shape inference on the model so planning can see ranks and element
 * types the file does not declare, and returns a function that puts every
 * value's declaration and every graph's value_info list back as loaded: a
 * rewrite changes only the sites it substitutes, and writes no inferred
 * types the user did not ask for.
 */
export function inferTypesForPlanning(model: Model): () => void {
  const saved: { graph: Graph; valueInfo: Value[]; declarations: Declaration[] }[] = [];
  for (const graph of model.graphs()) {
    const declarations: Declaration[] = [];
    for (const value of graph.localValues())
      declarations.push([value, value.info, value.info?.type]);
    saved.push({ graph, valueInfo: [...graph.valueInfo], declarations });
  }
  inferShapes(model);
  return () => {
    for (const { graph, valueInfo, declarations } of saved) {
      for (const [value, info, type] of declarations) {
        value.info = info;
        if (info && type) info.type = type;
        else if (info) delete (info as { type?: unknown }).type;
      }
      // Values the rewrite removed meanwhile stay removed.
      graph.valueInfo = valueInfo.filter((value) => graph.localValue(value.name) === value);
    }
  };
}
