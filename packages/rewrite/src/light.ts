/**
 * The light part of @rectify/rewrite, `import … from "@rectify/rewrite/light"`:
 * the built-in target profiles and what a model needs to run (its declared
 * inputs, seeded random feeds, the ops a target lacks), without the planner,
 * the pattern rules, the kernels or zod. @rectify/runtime imports this
 * statically and the whole rewriter only when rewrite-on-load is asked for.
 */
export { isRewriteError, RewriteError, type RewriteErrorCode } from "./errors/rewrite-error.js";
export { foldedNodes } from "./report/folded-nodes.js";
export { type UnsupportedOp, unsupportedOps } from "./report/unsupported-ops.js";
export { builtinTarget, builtinTargets } from "./targets/index.js";
export type { TargetProfile } from "./targets/profile.js";
export {
  canProfile,
  canTime,
  type EngineNode,
  type EngineProfile,
  type Evaluator,
  type FeedData,
  type Feeds,
  type FeedTensor,
  type FeedType,
  type LatencyCase,
  type LatencyComparison,
  type LatencyNoise,
  type LatencyOptions,
  type LatencyRatio,
  type ProfileOptions,
  type ProfilingEvaluator,
  type TimingEvaluator,
} from "./verify/evaluator.js";
export { declaredInputs, type InputDeclaration, type InputSource } from "./verify/feeds.js";
export { type RandomFeedsOptions, randomFeedDims, randomFeeds } from "./verify/random-feeds.js";
