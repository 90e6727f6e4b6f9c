// Every rule's case table, read by patterns.test.ts (and the damaged-graph
// fuzz for the canonical forms). A new rule adds its `<rule>.cases.ts` here.
import type { PatternCases } from "../support/pattern-cases.js";
import { erfGeluCases } from "./erf-gelu.cases.js";
import { hardSwishCases } from "./hard-swish.cases.js";
import { leakyReluMaxCases } from "./leaky-relu-max.cases.js";
import { mishCases } from "./mish.cases.js";
import { siluCases } from "./silu.cases.js";
import { softplusLogExpCases } from "./softplus-log-exp.cases.js";
import { softsignDivCases } from "./softsign-div.cases.js";
import { tanhGeluCases } from "./tanh-gelu.cases.js";

/** The case tables, one per rule. */
export const patternCaseTables: readonly PatternCases[] = [
  erfGeluCases,
  tanhGeluCases,
  siluCases,
  mishCases,
  softplusLogExpCases,
  softsignDivCases,
  hardSwishCases,
  leakyReluMaxCases,
];
