import type { Model } from "@rectify/onnx";
import { legalisationRules } from "../legalisations/index.js";
import { patternRules } from "../patterns/index.js";
import type { MatchContext, SiteRule } from "../patterns/rule.js";
import { singleOpRules } from "../patterns/single-ops.js";
import { graphScopes } from "./graph-scopes.js";
import { rectifyMadeRule } from "./rectify-made.js";
import type { NearMiss, Site } from "./site.js";

export { type GraphScope, graphScopes } from "./graph-scopes.js";

/** All rules, largest patterns first so that they claim the ops inside them. */
export const siteRules: readonly SiteRule[] = [
  rectifyMadeRule,
  ...patternRules,
  ...singleOpRules,
  ...legalisationRules,
].sort((a, b) => b.size - a.size);

/** What `findSites` returns: the sites and the rules that nearly matched (with why not). */
export interface SiteSearch {
  readonly sites: Site[];
  readonly nearMisses: NearMiss[];
}

/** Finds every activation site of a model (main graph, subgraphs, functions). Nodes belong to at most one site. */
export function findSites(model: Model, rules: readonly SiteRule[] = siteRules): SiteSearch {
  const sites: Site[] = [];
  const nearMisses: NearMiss[] = [];
  for (const scope of graphScopes(model)) {
    const context: MatchContext = { model, opset: scope.opset, location: scope.location };
    const claimed = new Set<object>();
    // Node positions, to list each site's nodes in graph order (built on the first match only).
    let order: Map<object, number> | undefined;
    for (const rule of rules) {
      for (const node of scope.graph.nodes) {
        if (
          claimed.has(node) ||
          node.domain !== rule.domain ||
          !(rule.anchors.includes(node.opType) || rule.anchors[0] === "*")
        )
          continue;
        const result = rule.match(node, context);
        if (result === undefined) continue;
        if (typeof result === "string") {
          nearMisses.push({ rule: rule.name, node, location: scope.location, reason: result });
          continue;
        }
        if (result.nodes.some((inner) => claimed.has(inner))) continue;
        for (const inner of result.nodes) claimed.add(inner);
        order ??= new Map(scope.graph.nodes.map((n, index) => [n, index]));
        sites.push({
          ...result,
          nodes: [...result.nodes].sort((a, b) => order!.get(a)! - order!.get(b)!),
          id: `${scope.location}:${result.output.name}`,
          rule: rule.name,
          graph: scope.graph,
          location: scope.location,
          opset: scope.opset,
        });
      }
    }
  }
  // A near miss on a node that a larger rule turned into a site is not news; one under a smaller
  // rule's site is (Log(2 + Exp(x)) is no softplus, and its Log a standalone log site).
  const sizes = new Map(rules.map((rule) => [rule.name, rule.size]));
  const claimedBy = new Map<object, number>();
  for (const site of sites)
    for (const node of site.nodes) claimedBy.set(node, sizes.get(site.rule) ?? 0);
  return {
    sites,
    nearMisses: nearMisses.filter(
      (miss) => (claimedBy.get(miss.node) ?? -1) < (sizes.get(miss.rule) ?? 0),
    ),
  };
}
