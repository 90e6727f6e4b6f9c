/** What both entry points export. */
export { isRuntimeError, RuntimeError, type RuntimeErrorCode } from "./errors.js";
export { createEvaluator, type EvaluatorOptions } from "./evaluator.js";
export type {
  Availability,
  BackendOptions,
  BackendSession,
  ExecutionProvider,
} from "./providers/provider.js";
export {
  chooseProvider,
  providerNamed,
  registeredProviders,
  registerProvider,
} from "./providers/registry.js";
export { type FallbackReport, fallbackReport } from "./report/fallback.js";
export { type ModelSource, Session, type SessionOptions } from "./session/session.js";
export { validateFeeds } from "./session/validate-feeds.js";
export { tensor } from "./tensor.js";
