import type { Evaluator } from "@rectify/rewrite/light";
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
  createSession(source: ModelSource, options?: SessionOptions): Promise<Session>;
  createEvaluator(options?: EvaluatorOptions): Evaluator;
  registerProvider(provider: ExecutionProvider): void;
  registeredProviders(): ExecutionProvider[];
  providerNamed(name: string): ExecutionProvider;
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
