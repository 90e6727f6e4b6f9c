import { RuntimeError } from "../errors.js";
import type { ExecutionProvider } from "./provider.js";

const registered = new Map<string, ExecutionProvider>();

/** Adds (or replaces, by name) an execution provider. */
export function registerProvider(provider: ExecutionProvider): void {
  registered.set(provider.name, provider);
}

/** Every registered provider, highest priority first. */
export function registeredProviders(): ExecutionProvider[] {
  return [...registered.values()].sort((a, b) => b.priority - a.priority);
}

/** The registered provider named `name`; PROVIDER_UNKNOWN lists the known ones. */
export function providerNamed(name: string): ExecutionProvider {
  const provider = registered.get(name);
  if (!provider) {
    throw new RuntimeError(
      "PROVIDER_UNKNOWN",
      `unknown provider "${name}"; registered here: ${[...registered.keys()].join(", ") || "none"}`,
    );
  }
  return provider;
}

/**
 * The first available provider among `names` (default: every registered one,
 * by priority). NO_PROVIDER lists each provider tried and why it failed.
 */
export async function chooseProvider(names?: readonly string[]): Promise<ExecutionProvider> {
  const candidates = names?.length ? names.map(providerNamed) : registeredProviders();
  const failures: string[] = [];
  for (const provider of candidates) {
    let availability: Awaited<ReturnType<ExecutionProvider["availability"]>>;
    try {
      availability = await provider.availability();
    } catch (error) {
      availability = {
        available: false,
        reason: error instanceof Error ? error.message : String(error),
      };
    }
    if (availability.available) return provider;
    failures.push(`${provider.name}: ${availability.reason}`);
  }
  throw new RuntimeError(
    "NO_PROVIDER",
    `no execution provider is available here (${failures.join("; ")})`,
  );
}
