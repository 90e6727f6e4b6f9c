import { OnnxError } from "../errors/onnx-error.js";
import type { Graph } from "../ir/graph.js";
import type { Model, OpsetImport } from "../ir/model.js";
import type { Node } from "../ir/node.js";
import type { Value } from "../ir/value.js";
import { DataType } from "../tensor/data-type.js";

/** Kinds of structural problems validateModel reports. */
export type ValidationCode =
  | "UNDEFINED_INPUT"
  | "UNDEFINED_OUTPUT"
  | "NOT_TOPOLOGICAL"
  | "CYCLE"
  | "OUT_OF_SCOPE"
  | "DUPLICATE_DEFINITION"
  | "MISSING_OPSET"
  | "INVALID_IR_VERSION"
  | "EMPTY_OP_TYPE"
  | "MISSING_TYPE"
  | "TENSOR_DATA";

/** One problem, naming the graph, node and value concerned. */
export interface ValidationIssue {
  code: ValidationCode;
  message: string;
  /** Path of the graph: `main`, `main/If "cond"/then_branch`, `function local.Foo`. */
  graph: string;
  node?: string;
  value?: string;
}

/** Checks a model's structure: every input defined and in scope, topological order, SSA names, opsets, types of main-graph inputs/outputs, tensor data sizes. */
export function validateModel(model: Model): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (!Number.isInteger(model.irVersion) || model.irVersion < 1) {
    issues.push({
      code: "INVALID_IR_VERSION",
      message: `ir_version is ${model.irVersion}; it must be a positive integer`,
      graph: "model",
    });
  }
  validateTree(model.graph, "main", model.opsetImports, issues, true);
  for (const fn of model.functions) {
    validateTree(
      fn.graph,
      `function ${fn.domain}.${fn.name}`,
      fn.opsetImports.length > 0 ? fn.opsetImports : model.opsetImports,
      issues,
      false,
    );
    if (model.opsetVersion(fn.domain) === undefined) {
      issues.push({
        code: "MISSING_OPSET",
        message: `function ${fn.domain}.${fn.name} is declared but the model imports no opset for domain "${fn.domain}"`,
        graph: `function ${fn.domain}.${fn.name}`,
      });
    }
  }
  return issues;
}

/** Throws OnnxError VALIDATION_FAILED listing every issue, if there are any. */
export function assertValidModel(model: Model): void {
  const issues = validateModel(model);
  if (issues.length === 0) return;
  const first = issues[0]!;
  const lines = issues
    .slice(0, 20)
    .map((issue) => `  - [${issue.code}] ${issue.graph}: ${issue.message}`);
  if (issues.length > 20) lines.push(`  … and ${issues.length - 20} more`);
  throw new OnnxError(
    "VALIDATION_FAILED",
    `the model is not valid (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n${lines.join("\n")}`,
    {
      node: first.node,
      value: first.value,
    },
  );
}

function describeNode(node: Node, index: number): string {
  return node.name ? `${node.opType} "${node.name}"` : `${node.opType} #${index}`;
}

function validateTree(
  root: Graph,
  rootPath: string,
  opsets: readonly OpsetImport[],
  issues: ValidationIssue[],
  isMain: boolean,
): void {
  const definitions = new Map<string, Value>();
  const define = (value: Value, path: string, by?: { label: string; node: Node }) => {
    const existing = definitions.get(value.name);
    if (existing && existing !== value) {
      issues.push({
        code: "DUPLICATE_DEFINITION",
        message: `value "${value.name}" is defined more than once${by ? ` (again as an output of node ${by.label})` : ""}; values must have unique names in a model`,
        graph: path,
        value: value.name,
        ...(by?.node.name ? { node: by.node.name } : {}),
      });
    } else definitions.set(value.name, value);
  };
  const imported = new Set(opsets.map((o) => (o.domain === "ai.onnx" ? "" : o.domain)));

  const visit = (graph: Graph, path: string, visible: (value: Value) => boolean) => {
    const available = new Set<Value>();
    for (const value of graph.inputs) {
      define(value, path);
      available.add(value);
      if (isMain && graph === root && !value.type) {
        issues.push({
          code: "MISSING_TYPE",
          message: `graph input "${value.name}" has no type`,
          graph: path,
          value: value.name,
        });
      }
    }
    for (const value of [...graph.initializers, ...graph.sparseInitializers]) {
      if (!available.has(value)) define(value, path);
      available.add(value);
      const tensor = value.initializer;
      if (tensor?.hasData && tensor.dataType !== DataType.STRING) {
        try {
          tensor.rawBytes();
        } catch (error) {
          if (!(error instanceof OnnxError)) throw error;
          issues.push({
            code: "TENSOR_DATA",
            message: error.message,
            graph: path,
            value: value.name,
          });
        }
      }
    }
    const isVisible = (value: Value) => available.has(value) || visible(value);
    const positions = new Map(graph.nodes.map((node, index) => [node, index]));
    graph.nodes.forEach((node, index) => {
      const label = describeNode(node, index);
      if (!node.opType)
        issues.push({
          code: "EMPTY_OP_TYPE",
          message: `node #${index} has no op_type`,
          graph: path,
          node: node.name,
        });
      const domain = node.domain === "ai.onnx" ? "" : node.domain;
      if (!imported.has(domain)) {
        issues.push({
          code: "MISSING_OPSET",
          message: `node ${label} uses domain "${domain || "ai.onnx"}" but no opset_import declares it`,
          graph: path,
          node: node.name,
        });
      }
      node.inputs.forEach((input, slot) => {
        if (!input || isVisible(input)) return;
        issues.push(inputIssue(input, slot, label, graph, positions, path, node));
      });
      for (const attribute of node.attributes) {
        attribute.graphs.forEach((sub, i) => {
          const subPath = `${path}/${label}/${attribute.name}${attribute.graphs.length > 1 ? `[${i}]` : ""}`;
          visit(sub, subPath, isVisible);
        });
      }
      for (const output of node.outputs) {
        if (!output) continue;
        define(output, path, { label, node });
        available.add(output);
      }
    });
    for (const output of graph.outputs) {
      if (isVisible(output)) {
        if (isMain && graph === root && !output.type) {
          issues.push({
            code: "MISSING_TYPE",
            message: `graph output "${output.name}" has no type`,
            graph: path,
            value: output.name,
          });
        }
        continue;
      }
      issues.push({
        code: "UNDEFINED_OUTPUT",
        message: `graph output "${output.name}" is not defined by any input, initializer or node of this graph or an enclosing one`,
        graph: path,
        value: output.name,
      });
    }
  };
  visit(root, rootPath, () => false);
}

function inputIssue(
  input: Value,
  slot: number,
  label: string,
  graph: Graph,
  positions: Map<Node, number>,
  path: string,
  node: Node,
): ValidationIssue {
  const base = { graph: path, node: node.name, value: input.name };
  if (input.isDangling) {
    return {
      ...base,
      code: "UNDEFINED_INPUT",
      message: `node ${label} input ${slot} "${input.name}" is not defined anywhere`,
    };
  }
  const producer = input.producer;
  if (producer && positions.has(producer)) {
    if (producesTransitively(node, producer, graph)) {
      return {
        ...base,
        code: "CYCLE",
        message: `node ${label} input ${slot} "${input.name}" depends on the node's own output (a cycle)`,
      };
    }
    return {
      ...base,
      code: "NOT_TOPOLOGICAL",
      message: `node ${label} reads "${input.name}" before node ${describeNode(producer, positions.get(producer)!)} produces it; call graph.topologicalSort()`,
    };
  }
  return {
    ...base,
    code: "OUT_OF_SCOPE",
    message: `node ${label} input ${slot} "${input.name}" is defined in another graph that is not an enclosing scope, or later in an enclosing graph`,
  };
}

/** True when `from`'s outputs reach `target` (so `target` feeding `from` closes a cycle). */
function producesTransitively(from: Node, target: Node, graph: Graph): boolean {
  const seen = new Set<Node>();
  const work = [from];
  while (work.length > 0) {
    const node = work.pop()!;
    if (node === target) return true;
    if (seen.has(node)) continue;
    seen.add(node);
    for (const output of node.outputs) {
      for (const use of output?.uses ?? []) {
        let user: Node | undefined = use.node;
        while (user && user.graph !== graph) user = user.graph.parentNode;
        if (user) work.push(user);
      }
    }
  }
  return false;
}
