import type { ProfilingEvaluator, TimingEvaluator } from "@rectify/rewrite/light";
import { type EvaluatorOptions, evaluatorWith } from "./evaluator.js";
import type { ExecutionProvider } from "./providers/provider.js";
import { ProviderRegistry } from "./providers/registry.js";
import {
  createSessionWith,
  type ModelSource,
  type Session,
  type SessionOptions,
  type SourceLoader,
} from "./session/session.js";

/** The functions each entry point exports, bound to its platform's providers and source loader. */
export interface PlatformRuntime {
  /** Creates a session: picks the first available provider (or the first of `options.providers` that is), optionally rewrites the model for it, validates feeds on each run. */
  createSession(source: ModelSource, options?: SessionOptions): Promise<Session>;
  /** @rectify/rewrite's Evaluator on one provider (default cpu; a string is the provider's name): a session per run, released after it; its compareLatency times models side by side with the latency engine; on Node's cpu and wasm providers it also profiles (check with canProfile). */
  createEvaluator(options?: EvaluatorOptions | string): TimingEvaluator | ProfilingEvaluator;
  /** Adds (or replaces, by name) an execution provider, as onnxruntime's registerBackend does. */
  registerProvider(provider: ExecutionProvider): void;
  /** Every provider (built-in and registered), highest priority first. */
  registeredProviders(): ExecutionProvider[];
  /** The provider named `name`; PROVIDER_UNKNOWN lists the known ones. */
  providerNamed(name: string): ExecutionProvider;
  /** The first available provider among `names` (default: all by priority); NO_PROVIDER says why each failed, PACKAGE_MISSING what to install. */
  chooseProvider(names?: readonly string[]): Promise<ExecutionProvider>;
}

/** The runtime of one platform: its built-in providers (plus registered ones) and how it turns a path or URL into bytes. */
export function platformRuntime(
  builtins: readonly ExecutionProvider[],
  load: SourceLoader,
): PlatformRuntime {
  const registry = new ProviderRegistry(builtins);
  return {
    createSession: (source, options) => createSessionWith(load, registry, source, options),
    createEvaluator: (options) => evaluatorWith(registry, options),
    registerProvider: (provider) => registry.register(provider),
    registeredProviders: () => registry.all(),
    providerNamed: (name) => registry.named(name),
    chooseProvider: (names) => registry.choose(names),
  };
}
