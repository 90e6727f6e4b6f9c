import type { Model, Value } from "@rectify/onnx";
import { RewriteError } from "../errors/rewrite-error.js";
import { ConstantPool, emitProgram } from "../lower/emit-program.js";
import type { SitePlan } from "../plan/planner.js";
import { findSites } from "../sites/find-sites.js";
import { rectifyDoc } from "../sites/provenance.js";

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
    // Another domain's op (onnxruntime's com.microsoft kernels) needs the domain imported; version 1 has them all.
    for (const step of program.steps)
      if (step.domain && model.opsetVersion(step.domain) === undefined)
        model.setOpset(step.domain, 1);
    substituted++;
  }
  dropUnusedConstants(model, freed);
  return substituted;
}

/**
 * Carries out plans made on another copy of the same model (verification
 * rolls sites back on fresh copies): each plan's site is found again in
 * `model` by its id. Returns how many sites were substituted.
 */
export function applyPlanToCopy(model: Model, plans: readonly SitePlan[]): number {
  const sites = new Map(findSites(model).sites.map((site) => [site.id, site]));
  const rebound = plans.map((plan) => {
    const site = sites.get(plan.site.id);
    if (!site)
      throw new RewriteError("INTERNAL", `site ${plan.site.id} is not in this copy of the model`);
    // Facts inference found on the planned copy hold for this one too.
    return {
      ...plan,
      site: { ...site, ...(plan.site.inferred ? { inferred: plan.site.inferred } : {}) },
    };
  });
  return applyPlan(model, rebound);
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
