// Browser side of the runtime's browser suite (bundled by harness.ts from the
// package's browser entry, src/index.browser.ts): exposes `rectifyRuntime` on
// the page, which creates sessions on the registered providers for models the
// server hands out and returns plain data the Node test can compare.
import {
  chooseProvider,
  createEvaluator,
  createSession,
  type FallbackReport,
  isRuntimeError,
  registeredProviders,
  type SessionOptions,
  tensor,
} from "../../src/index.browser.js";

/** A float32 tensor as plain data (page.evaluate carries JSON-like values). */
export interface PlainTensor {
  readonly dims: readonly number[];
  readonly data: readonly number[];
}

/** One session to create in the page and run once. */
export interface RunRequest {
  /** The model's URL on the test server. */
  readonly model: string;
  /** Providers to try (default: the registered order). */
  readonly providers?: readonly string[];
  readonly feeds: Readonly<Record<string, PlainTensor>>;
  readonly rewrite?: { readonly budget: number };
  readonly disableCpuFallback?: boolean;
  /** WASM threads (the page is cross-origin isolated, so more than one is possible). */
  readonly threads?: number;
}

/** What a run gave: the provider chosen, outputs and reports, or the error. */
export interface RunResult {
  readonly provider?: string;
  readonly outputs?: Record<string, PlainTensor>;
  readonly fallback?: FallbackReport;
  readonly rewrite?: {
    readonly substituted: number;
    readonly maxPredictedError: number;
    readonly opsAfter: Readonly<Record<string, number>>;
  };
  readonly error?: { readonly code?: string; readonly message: string };
}

interface GpuAdapterLike {
  readonly info?: { vendor?: string; architecture?: string; description?: string };
}

const driver = {
  /** The page is cross-origin isolated (COOP/COEP), so WASM threads are possible. */
  crossOriginIsolated: () => globalThis.crossOriginIsolated === true,

  /** Whether navigator.gpu gives an adapter, and its description (vendor, architecture). */
  async adapter(): Promise<{ available: boolean; description: string }> {
    const gpu = (
      globalThis.navigator as { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } }
    ).gpu;
    if (!gpu) return { available: false, description: "navigator.gpu is missing" };
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { available: false, description: "requestAdapter() gave none" };
    const info = adapter.info ?? {};
    const parts = [info.vendor, info.architecture, info.description].filter(Boolean);
    return { available: true, description: parts.join(" ") || "(no adapter info)" };
  },

  /** Registered providers, highest priority first, with their availability. */
  async providers(): Promise<
    { name: string; target: string; available: boolean; reason?: string }[]
  > {
    const result = [];
    for (const provider of registeredProviders()) {
      const availability = await provider.availability();
      result.push({
        name: provider.name,
        target: provider.target,
        available: availability.available,
        ...(availability.available ? {} : { reason: availability.reason }),
      });
    }
    return result;
  },

  /** The provider createSession picks with no `providers` option. */
  async chosen(): Promise<string> {
    return (await chooseProvider()).name;
  },

  /** The latency engine in the page: two models (and a same-model control) timed side by side on one provider. */
  async compare(request: {
    readonly models: readonly string[];
    readonly provider: string;
    readonly feeds: Readonly<Record<string, PlainTensor>>;
  }) {
    const models = await Promise.all(
      request.models.map(async (url) => ({
        name: url,
        bytes: new Uint8Array(await (await fetch(url)).arrayBuffer()),
      })),
    );
    const feeds = Object.fromEntries(
      Object.entries(request.feeds).map(([name, feed]) => [
        name,
        tensor(Float32Array.from(feed.data), feed.dims),
      ]),
    );
    const result = await createEvaluator({ provider: request.provider }).compareLatency(
      models,
      feeds,
      { warmup: 2, minRounds: 8, maxRounds: 8, targetMilliseconds: 0, control: true },
    );
    // Plain data back to the test; the samples' count stands for them.
    return {
      rounds: result.rounds,
      cases: result.cases.map(({ samples, ...rest }) => ({ ...rest, count: samples.length })),
      ratios: result.ratios,
      noise: result.noise,
    };
  },

  /** Creates a session, runs it once on the feeds, disposes it. */
  async run(request: RunRequest): Promise<RunResult> {
    const options: SessionOptions = {
      ...(request.providers ? { providers: request.providers } : {}),
      ...(request.rewrite ? { rewrite: request.rewrite } : {}),
      ...(request.disableCpuFallback ? { disableCpuFallback: true } : {}),
      ...(request.threads !== undefined ? { threads: request.threads } : {}),
    };
    try {
      const session = await createSession(request.model, options);
      try {
        const feeds = Object.fromEntries(
          Object.entries(request.feeds).map(([name, feed]) => [
            name,
            tensor(Float32Array.from(feed.data), feed.dims),
          ]),
        );
        const outputs = await session.run(feeds);
        return {
          provider: session.provider,
          outputs: Object.fromEntries(
            Object.entries(outputs).map(([name, output]) => [
              name,
              { dims: [...output.dims], data: Array.from(output.data as Float32Array) },
            ]),
          ),
          fallback: session.fallback,
          ...(session.rewrite
            ? {
                rewrite: {
                  substituted: session.rewrite.summary.substituted,
                  maxPredictedError: session.rewrite.maxPredictedError,
                  opsAfter: session.rewrite.opsAfter,
                },
              }
            : {}),
        };
      } finally {
        await session.dispose();
      }
    } catch (error) {
      return {
        error: {
          ...(isRuntimeError(error) ? { code: error.code } : {}),
          message: error instanceof Error ? error.message : String(error),
        },
      };
    }
  },
};

/** What the page exposes to the test. */
export type RuntimePageDriver = typeof driver;

(globalThis as { rectifyRuntime?: RuntimePageDriver }).rectifyRuntime = driver;
