// Everything @rectify/rewrite/light has (profiles, feeds, unsupported ops, the Evaluator types), then the rest.

export type { RewriteErrorLocation } from "./errors/rewrite-error.js";
export { formatError } from "./format-error.js";
export * from "./light.js";
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
  type AlternativeTrial,
  formatSpeedup,
  type MeasuredSpeedup,
  type MeasurementReport,
  type MeasureOptions,
  minimumGain,
  originalSiteTimes,
  type PredictedSite,
  predictedSpeedupFromProfile,
  type SiteMeasurement,
  type SubstitutionGroup,
  speedupFromSaving,
} from "./measure/measured-plan.js";
export {
  absorbedInputs,
  type SiteTime,
  siteRegion,
  siteTimes,
  type TimedSite,
} from "./measure/site-time.js";
export {
  type MeasureSettings,
  type OptimizeOptions,
  type OptimizeResult,
  optimizeModel,
  runOnEvaluator,
  withinLimit,
} from "./optimize.js";
export { patternRules } from "./patterns/index.js";
export type { MatchContext, PatternMatch, SiteRule } from "./patterns/rule.js";
export { singleOpRules } from "./patterns/single-ops.js";
export { type AlternativePlan, alternativePlans } from "./plan/alternatives.js";
export type { Candidate, Rejection } from "./plan/candidate.js";
export { histogramCost } from "./plan/cost.js";
export type { SiteSample } from "./plan/fit-candidates.js";
export {
  findTypedSites,
  type ModelPlan,
  type ModelPlanOptions,
  planModel,
} from "./plan/plan-model.js";
export {
  defaultBudget,
  type PlanOptions,
  planSites,
  resolveBudget,
  type SiteChoice,
  type SitePlan,
} from "./plan/planner.js";
export { type SiteOption, siteOptions } from "./plan/site-options.js";
export {
  buildReport,
  type HeldOutReport,
  modelFacts,
  opHistogram,
  type ReportInputs,
  type RewriteReport,
  type SiteReport,
  type VerificationReport,
} from "./report/report.js";
export { applyPlan, applyPlanToCopy } from "./rewrite/apply-plan.js";
export type { PastBudgetSite, SearchReport } from "./search/accuracy-search.js";
export {
  findSites,
  type GraphScope,
  graphScopes,
  type SiteSearch,
  siteRules,
} from "./sites/find-sites.js";
export { madeByRectify } from "./sites/provenance.js";
export type { NearMiss, Site } from "./sites/site.js";
export { profileFromData } from "./targets/profile.js";
export {
  parseTargetProfile,
  type TargetProfileData,
  type TargetProfileInput,
  targetProfileSchema,
} from "./targets/profile-schema.js";
export {
  type CompareOptions,
  type ComparisonSummary,
  compareOutputs,
  defaultRelativeFloor,
  type ElementAt,
  type JsonNumber,
  type OutputComparison,
  tinyNormRms,
} from "./verify/compare.js";
export { type BoundReport, BoundUnknown, boundModel } from "./verify/error-bound.js";
export { feedToFloat64 } from "./verify/feeds.js";
export { feedsUnrunnable } from "./verify/feeds-unrunnable.js";
export { parseNpy } from "./verify/npy.js";
export {
  describeLimits,
  hasLimits,
  limitMisses,
  meetsLimits,
  type OutputLimits,
} from "./verify/output-limits.js";
export { type FeedSplit, splitFeeds } from "./verify/split-feeds.js";
export {
  checkTolerance,
  defaultTolerance,
  type Tolerance,
  type ToleranceCheck,
  type ToleranceExcess,
} from "./verify/tolerance.js";
