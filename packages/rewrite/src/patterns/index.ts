import { erfGeluRule } from "./erf-gelu.js";
import { hardSwishRule } from "./hard-swish.js";
import { leakyReluMaxRule } from "./leaky-relu-max.js";
import { mishRule } from "./mish.js";
import type { SiteRule } from "./rule.js";
import { siluRule } from "./silu.js";
import { softplusLogExpRule } from "./softplus-log-exp.js";
import { softsignDivRule } from "./softsign-div.js";
import { tanhGeluRule } from "./tanh-gelu.js";

/** Recognisers of decomposed activations as exporters emit them (one file each). */
export const patternRules: readonly SiteRule[] = [
  tanhGeluRule,
  erfGeluRule,
  mishRule,
  hardSwishRule,
  softplusLogExpRule,
  softsignDivRule,
  siluRule,
  leakyReluMaxRule,
];
