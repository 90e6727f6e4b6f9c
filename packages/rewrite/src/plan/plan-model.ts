import { DataType, type Model, tensorTypeInfo } from "@rectify/onnx";
import { findSites, type SiteSearch } from "../sites/find-sites.js";
import { madeByRectify } from "../sites/provenance.js";
import type { NearMiss, Site } from "../sites/site.js";
import type { TargetProfile } from "../targets/profile.js";
import type { SiteSample } from "./fit-candidates.js";
import { inferTypesForPlanning } from "./inferred-types.js";
import { planSites, resolveBudget, type SitePlan } from "./planner.js";

/** Options of planModel. */
export interface ModelPlanOptions {
  /** Max |error| per substituted activation (default 1e-3). */
  readonly budget?: number;
  /** Inputs each main-graph site saw, by site id (`--fit`). */
  readonly samples?: ReadonlyMap<string, SiteSample>;
  /** Elements of each site's tensor, by site id (measured; inferred when the shape is static). */
  readonly elements?: ReadonlyMap<string, number>;
  /** The range each main-graph site's input took when the model ran, by site id (integer devices calibrate to it). */
  readonly ranges?: ReadonlyMap<string, readonly [number, number]>;
}

/** What a model's activations would become on a target, before anything changes. */
export interface ModelPlan {
  readonly target: TargetProfile;
  /** The budget planned with (the default applied). */
  readonly budget: number;
  /** One plan per site to decide, in the order the sites were found. */
  readonly plans: readonly SitePlan[];
  /** Substitutes an earlier rewrite made that this target runs: left as they are. */
  readonly alreadyRewritten: readonly Site[];
  readonly nearMisses: readonly NearMiss[];
}

/**
 * Finds every site of the model with shape inference applied (ranks and
 * element types the file does not declare go with each site as `inferred`),
 * then puts the model's declarations back as loaded. Planning several
 * targets (inspect) shares one search.
 */
export function findTypedSites(model: Model): SiteSearch {
  const restore = inferTypesForPlanning(model);
  try {
    const { sites, nearMisses } = findSites(model);
    return { sites: sites.map(withInferredFacts), nearMisses };
  } finally {
    restore();
  }
}

/**
 * Finds every site of the model (or takes `found`, from findTypedSites on
 * the same model) and plans it for the target: the one planning step
 * `inspect` and `optimize` share. A substitute an earlier rewrite made stays
 * as it is when this target runs it (rewriting twice changes nothing);
 * otherwise its activation is planned again.
 */
export function planModel(
  model: Model,
  target: TargetProfile,
  options: ModelPlanOptions = {},
  found: SiteSearch = findTypedSites(model),
): ModelPlan {
  return planFound(found.sites, found.nearMisses, target, resolveBudget(options.budget), options);
}

/** The site with the element type, rank and (static shapes) element count inference found, kept for after the types are put back. */
function withInferredFacts(site: Site): Site {
  const info = tensorTypeInfo(site.input.type) ?? tensorTypeInfo(site.output.type);
  if (!info) return site;
  const shape = info.shape;
  const elements =
    shape?.every((dim) => typeof dim === "number" && dim >= 0) === true
      ? (shape as number[]).reduce((product, dim) => product * dim, 1)
      : undefined;
  return {
    ...site,
    inferred: {
      ...(info.elementType !== DataType.UNDEFINED ? { elementType: info.elementType } : {}),
      ...(shape !== undefined ? { rank: shape.length } : {}),
      ...(elements !== undefined ? { elements } : {}),
    },
  };
}

/** Each site's element count: measured where given, else what inference found for a static shape. */
function siteElements(
  sites: readonly Site[],
  measured: ReadonlyMap<string, number> | undefined,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const site of sites) {
    const count = measured?.get(site.id) ?? site.inferred?.elements;
    if (count !== undefined) counts.set(site.id, count);
  }
  return counts;
}

function planFound(
  sites: readonly Site[],
  nearMisses: readonly NearMiss[],
  target: TargetProfile,
  budget: number,
  options: ModelPlanOptions,
): ModelPlan {
  const alreadyRewritten: Site[] = [];
  const fresh: Site[] = [];
  for (const site of sites) {
    const here = target.atOpset(site.opset);
    const settled =
      madeByRectify(site.nodes) && site.nodes.every((node) => here.runs(node.opType, node.domain));
    (settled ? alreadyRewritten : fresh).push(site);
  }
  const plans = planSites(fresh, target, {
    budget,
    ...(options.samples ? { samples: options.samples } : {}),
    ...(options.ranges ? { ranges: options.ranges } : {}),
    elements: siteElements(fresh, options.elements),
  });
  return { target, budget, plans, alreadyRewritten, nearMisses };
}
