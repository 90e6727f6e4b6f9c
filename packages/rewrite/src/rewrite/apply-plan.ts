import type { Parameters } from "@rectify/kernels";
import type { Model, Node, Value } from "@rectify/onnx";
import { ConstantPool, emitProgram } from "../lower/emit-program.js";
import { formatError, type SitePlan } from "../plan/planner.js";

/** The doc_string prefix of every node rectify creates; sites made only of such nodes are not rewritten again. */
export const rectifyDocPrefix = "rectify:";

/** True when every node of a site was made by an earlier rectify rewrite. */
export function madeByRectify(nodes: readonly Node[]): boolean {
  return nodes.length > 0 && nodes.every((node) => node.docString.startsWith(rectifyDocPrefix));
}

/**
 * The doc_string of every node a substitution makes: which rule found the
 * site, its activation and parameters, the output it computes, the stand-in
 * and its predicted error — enough to plan the site again for another target.
 */
export function rectifyDoc(
  rule: string,
  activation: string,
  params: Parameters,
  output: string,
  label: string,
  error: number,
): string {
  return `${rectifyDocPrefix} ${rule} (${activation}${JSON.stringify(params)}) at ${JSON.stringify(output)} → ${label}; predicted max |error| ${formatError(error)}`;
}

/** What a rectify doc_string says, or undefined for other doc strings. */
export function parseRectifyDoc(
  doc: string,
):
  | { rule: string; activation: string; params: Parameters; output: string; label: string }
  | undefined {
  const match =
    /^rectify: (\S+) \(([a-z0-9-]+)(\{.*?\})\) at ("(?:[^"\\]|\\.)*") → (.*); predicted max \|error\| \S+$/.exec(
      doc,
    );
  if (!match) return undefined;
  try {
    const params = JSON.parse(match[3]!) as Parameters;
    return {
      rule: match[1]!,
      activation: match[2]!,
      params,
      output: JSON.parse(match[4]!) as string,
      label: match[5]!,
    };
  } catch {
    return undefined;
  }
}

/** A safe node-name tag for a candidate label (`squareplus{b=4}` stays readable). */
function tagFor(label: string): string {
  return `rectify.${label.replace(/\s*\(.*\)$/, "").replace(/[^A-Za-z0-9{}=.,_+-]+/g, "_")}`;
}

/**
 * Carries out a plan on the model the sites were found in: each substituted
 * site's nodes are replaced by the chosen program's nodes, constants are
 * shared, and constants that only the removed nodes read are dropped.
 * Returns how many sites were substituted.
 */
export function applyPlan(model: Model, plans: readonly SitePlan[]): number {
  const constants = new ConstantPool();
  const freed = new Set<Value>();
  let substituted = 0;
  for (const plan of plans) {
    if (plan.action !== "substitute" || !plan.chosen?.program) continue;
    const { site } = plan;
    const chosen = plan.chosen;
    const program = chosen.program;
    if (!program) continue;
    for (const node of site.nodes) for (const input of node.inputs) if (input) freed.add(input);
    const doc = rectifyDoc(
      site.rule,
      site.activation,
      site.params,
      site.output.name,
      chosen.label,
      chosen.predictedError,
    );
    emitProgram(site, program, { tag: tagFor(chosen.label), doc, constants });
    substituted++;
  }
  dropUnusedConstants(model, freed);
  return substituted;
}

/** Removes initializers and Constant nodes among `candidates` that nothing reads any more. */
function dropUnusedConstants(model: Model, candidates: ReadonlySet<Value>): void {
  for (const value of candidates) {
    if (value.uses.length > 0 || value.isGraphInput) continue;
    let isOutput = false;
    for (const graph of model.graphs()) if (graph.outputs.includes(value)) isOutput = true;
    if (isOutput) continue;
    const graph = value.graph;
    if (value.initializer) {
      graph.initializers = graph.initializers.filter((entry) => entry !== value);
      value.initializer = undefined;
    } else if (value.producer?.opType === "Constant" && value.producer.domain === "") {
      graph.removeNode(value.producer);
    }
  }
}
