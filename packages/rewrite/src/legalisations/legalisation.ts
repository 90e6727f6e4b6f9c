import type { SiteRule } from "../patterns/rule.js";
import type { Offer } from "../plan/candidate.js";
import type { Site } from "../sites/site.js";
import type { TargetProfile } from "../targets/profile.js";

/**
 * An op that is no activation but that some targets lack (Pow, PRelu with a
 * slope tensor, LayerNormalization), with exact forms in more common ops.
 * Its sites are planned like any other: kept where the target runs the op,
 * else the cheapest form the target runs.
 */
export interface Legalisation {
  /** The site activation name its rule gives (`pow`, `prelu`, `layer-normalization`). */
  readonly activation: string;
  /** Finds its sites; absent when another rule already does (PRelu). */
  readonly rule?: SiteRule;
  /** Exact forms of a site on a target (a string program says why a form cannot be had); undefined when the legalisation does not apply to this site. */
  offers(site: Site, target: TargetProfile): Offer[] | undefined;
}

/** Why a form needs ops the target does not allow in substitutes; undefined when it allows them all. */
export function disallowed(ops: readonly string[], target: TargetProfile): string | undefined {
  const missing = ops.filter((op) => !target.allowsInSubstitute(op));
  return missing.length > 0
    ? `the target does not allow ${missing.join(", ")} in substitutes`
    : undefined;
}

/** An exact form: error 0 in real arithmetic (float32 rounds it as it rounds the original). */
export function exactForm(label: string, program: Offer["program"]): Offer {
  return { kind: "exact", label, program, predictedError: 0 };
}
