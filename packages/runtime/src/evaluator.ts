import type { Evaluator } from "@rectify/rewrite";
import { providerNamed } from "./providers/registry.js";

/** @rectify/rewrite's Evaluator on one provider (default cpu in Node): a session per run, released after it. */
export function createEvaluator(options: { provider?: string; threads?: number } = {}): Evaluator {
  const provider = providerNamed(options.provider ?? "cpu");
  return {
    name: `@rectify/runtime ${provider.name} (${provider.target})`,
    async run(model, feeds) {
      const session = await provider.createSession(
        model,
        options.threads !== undefined ? { threads: options.threads } : {},
      );
      try {
        return await session.run(feeds);
      } finally {
        await session.release();
      }
    },
  };
}
