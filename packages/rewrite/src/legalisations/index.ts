import type { SiteRule } from "../patterns/rule.js";
import type { Offer } from "../plan/candidate.js";
import type { Site } from "../sites/site.js";
import type { TargetProfile } from "../targets/profile.js";
import { hardmaxLegalisation } from "./hardmax.js";
import { layerNormalizationLegalisation } from "./layer-normalization.js";
import type { Legalisation } from "./legalisation.js";
import { powLegalisation } from "./pow.js";
import { preluLegalisation } from "./prelu.js";
import { reciprocalLegalisation } from "./reciprocal.js";

/** Every legalisation: ops that are no activations but have exact forms in ops more targets run. */
export const legalisations: readonly Legalisation[] = [
  powLegalisation,
  preluLegalisation,
  layerNormalizationLegalisation,
  reciprocalLegalisation,
  hardmaxLegalisation,
];

/** The rules that find legalisation sites (PRelu's is a single-op rule already). */
export const legalisationRules: readonly SiteRule[] = legalisations.flatMap((entry) =>
  entry.rule ? [entry.rule] : [],
);

const byActivation = new Map(legalisations.map((entry) => [entry.activation, entry]));

/** A legalisation's exact forms for a site, or undefined when none applies (the catalog plans it). */
export function legalisationOffers(site: Site, target: TargetProfile): Offer[] | undefined {
  return byActivation.get(site.activation)?.offers(site, target);
}
