import type { SiteRule } from "./rule.js";

/** Recognisers of decomposed activations as exporters emit them (one file each). */
export const patternRules: readonly SiteRule[] = [];
