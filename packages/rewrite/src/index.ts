export {
  isRewriteError,
  RewriteError,
  type RewriteErrorCode,
  type RewriteErrorLocation,
} from "./errors/rewrite-error.js";
export { ConstantPool, emitProgram, siteElementType } from "./lower/emit-program.js";
export { type LoweringPolicy, LoweringRefusal, lowerExpression } from "./lower/lower-expression.js";
export {
  type Program,
  type ProgramOperand,
  type ProgramStep,
  programOpCounts,
  type StepAttribute,
} from "./lower/program.js";
export {
  type OptimizeOptions,
  type OptimizeResult,
  optimizeModel,
  runOnEvaluator,
  withinLimit,
} from "./optimize.js";
export { patternRules } from "./patterns/index.js";
export type { MatchContext, PatternMatch, SiteRule } from "./patterns/rule.js";
export { singleOpRules } from "./patterns/single-ops.js";
export { type SiteOption, siteOptions } from "./plan/candidates.js";
export {
  type Candidate,
  defaultBudget,
  formatError,
  histogramCost,
  type PlanOptions,
  planSites,
  type Rejection,
  type SitePlan,
} from "./plan/planner.js";
export {
  opHistogram,
  type RewriteReport,
  type SiteReport,
  type UnsupportedOp,
  unsupportedOps,
  type VerificationReport,
} from "./report/report.js";
export { applyPlan, madeByRectify } from "./rewrite/apply-plan.js";
export {
  findSites,
  type GraphScope,
  graphScopes,
  type SiteSearch,
  siteRules,
} from "./sites/find-sites.js";
export type { NearMiss, Site } from "./sites/site.js";
export { builtinTarget, builtinTargets } from "./targets/index.js";
export {
  parseTargetProfile,
  type TargetProfile,
  type TargetProfileInput,
  targetProfileSchema,
} from "./targets/profile.js";
export {
  type CompareOptions,
  type ComparisonSummary,
  compareOutputs,
  defaultRelativeFloor,
  type ElementAt,
  type OutputComparison,
  tinyNormRms,
} from "./verify/compare.js";
export type { Evaluator, FeedData, Feeds, FeedTensor, FeedType } from "./verify/evaluator.js";
export {
  declaredInputs,
  feedToFloat64,
  type InputDeclaration,
  type InputSource,
} from "./verify/feeds.js";
export { parseNpy } from "./verify/npy.js";
export { type RandomFeedsOptions, randomFeeds } from "./verify/random-feeds.js";
export {
  checkTolerance,
  defaultTolerance,
  type Tolerance,
  type ToleranceCheck,
  type ToleranceExcess,
} from "./verify/tolerance.js";
