/** What both entry points export (each adds the functions bound to its platform's providers). */

export {
  canProfile,
  canTime,
  type EngineNode,
  type EngineProfile,
  type LatencyCase,
  type LatencyComparison,
  type LatencyNoise,
  type LatencyOptions,
  type LatencyRatio,
  type ProfileOptions,
  type ProfilingEvaluator,
  type TimingEvaluator,
} from "@rectify/rewrite/light";
export { isRuntimeError, RuntimeError, type RuntimeErrorCode } from "./errors.js";
export type { EvaluatorOptions } from "./evaluator.js";
export {
  compareLatency,
  latencyDefaults,
  platformEnvironment,
  type TimedCase,
  type TimingEnvironment,
} from "./latency/compare-latency.js";
export { compareSessions } from "./latency/compare-sessions.js";
export { median, quantile, ratioInterval, spread } from "./latency/statistics.js";
export type { PlatformRuntime } from "./platform.js";
export type {
  Availability,
  BackendOptions,
  BackendSession,
  ExecutionProvider,
} from "./providers/provider.js";
export { type FallbackReport, fallbackReport } from "./report/fallback.js";
export {
  type PlacedFallback,
  type Placement,
  type ProviderPlacement,
  parsePlacement,
  placedFallback,
} from "./report/placement.js";
export { type ModelSource, Session, type SessionOptions } from "./session/session.js";
export { validateFeeds } from "./session/validate-feeds.js";
export {
  configureRuntime,
  type RuntimeSettings,
  runtimeSettings,
  type WasmPaths,
} from "./settings.js";
export { tensor } from "./tensor.js";
