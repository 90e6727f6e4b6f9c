import { RuntimeError } from "../errors.js";
import type { ExecutionProvider } from "./provider.js";

/**
 * The providers sessions can run on: a platform's built-in list, plus any a
 * user registers (as onnxruntime's registerBackend). Each package entry point
 * (Node, browser) owns one, made from its built-in list; nothing registers at
 * import time.
 */
export class ProviderRegistry {
  private readonly registered = new Map<string, ExecutionProvider>();

  constructor(builtins: readonly ExecutionProvider[]) {
    for (const provider of builtins) this.registered.set(provider.name, provider);
  }

  /** Adds (or replaces, by name) an execution provider. */
  register(provider: ExecutionProvider): void {
    this.registered.set(provider.name, provider);
  }

  /** Every provider, highest priority first. */
  all(): ExecutionProvider[] {
    return [...this.registered.values()].sort((a, b) => b.priority - a.priority);
  }

  /** The provider named `name`; PROVIDER_UNKNOWN lists the known ones. */
  named(name: string): ExecutionProvider {
    const provider = this.registered.get(name);
    if (!provider) {
      throw new RuntimeError(
        "PROVIDER_UNKNOWN",
        `unknown provider "${name}"; registered here: ${[...this.registered.keys()].join(", ") || "none"}`,
      );
    }
    return provider;
  }

  /**
   * The first available provider among `names` (default: all, by priority).
   * NO_PROVIDER lists each provider tried and why it failed; when every one
   * failed for want of its onnxruntime package, PACKAGE_MISSING names them.
   */
  async choose(names?: readonly string[]): Promise<ExecutionProvider> {
    const candidates = names?.length ? names.map((name) => this.named(name)) : this.all();
    const failures: string[] = [];
    const missing: string[] = [];
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
      if (availability.missingPackage) missing.push(availability.missingPackage);
    }
    // Every provider lacked its package: that, not the environment, is what to fix.
    if (missing.length > 0 && missing.length === candidates.length) {
      const packages = [...new Set(missing)];
      throw new RuntimeError(
        "PACKAGE_MISSING",
        `no onnxruntime package is installed for ${candidates.map((provider) => provider.name).join(", ")}: install ${packages.join(" or ")} (\`npm install ${packages[0]}\`)`,
        { missingPackage: packages[0]! },
      );
    }
    throw new RuntimeError(
      "NO_PROVIDER",
      `no execution provider is available here (${failures.join("; ")})`,
    );
  }
}
