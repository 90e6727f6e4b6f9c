import { decodeModel, encodeModel, encodeModelInline, Model, modelTensors } from "@rectify/onnx";
import type { RewriteReport } from "@rectify/rewrite";
import {
  builtinTarget,
  declaredInputs,
  type Feeds,
  type FeedTensor,
  type InputDeclaration,
  randomFeeds,
} from "@rectify/rewrite/light";
import { RuntimeError } from "../errors.js";
import type { BackendSession, ExecutionProvider } from "../providers/provider.js";
import type { ProviderRegistry } from "../providers/registry.js";
import { type FallbackReport, fallbackReport } from "../report/fallback.js";
import type { WasmPaths } from "../settings.js";
import { feedValidator } from "./validate-feeds.js";

/** Where a model comes from: a path (Node) or URL, its bytes, or an @rectify/onnx model. */
export type ModelSource = string | URL | Uint8Array | ArrayBuffer | Model;

/** Options of createSession. */
export interface SessionOptions {
  /** Providers to try in order (default: every registered one by priority: Node cpu → wasm → webgpu, browsers webgpu → wasm). */
  readonly providers?: readonly string[];
  /** Rewrite for the chosen provider's target profile first, so nothing falls back to the CPU; `budget` is max |error| per activation. */
  readonly rewrite?: false | { readonly budget?: number };
  /** Threads (cpu intra-op, wasm). */
  readonly threads?: number;
  /** Fail creation when onnxruntime would run any node on its CPU provider instead of the chosen GPU provider (see BackendOptions). */
  readonly disableCpuFallback?: boolean;
  /** Warm-up runs on seeded random inputs before the session is returned (default 0). */
  readonly warmup?: number;
  /** Read where onnxruntime placed each node from its session log, on the providers that can (browser webgpu, webgpu-jsep; default true): `fallback.placed`. */
  readonly placement?: boolean;
  /** Where onnxruntime-web's .wasm files are served from (default: configureRuntime's, else next to the bundle); see WasmPaths. */
  readonly wasmPaths?: WasmPaths;
}

/** How a model source becomes bytes on this platform (Node reads paths; browsers fetch). */
export type SourceLoader = (source: string | URL) => Promise<Uint8Array | Model>;

/**
 * A model ready to run on one provider: validated inputs, per-run timing,
 * what rewrite-on-load changed and what still falls back, and dispose().
 */
export class Session {
  /** Milliseconds of each run so far, oldest first (at least the last 1000). */
  readonly timings: number[] = [];
  private backend: BackendSession | undefined;
  private readonly validate: (feeds: Feeds) => void;

  /** @internal use createSession */
  constructor(
    backend: BackendSession,
    readonly provider: string,
    readonly inputs: readonly InputDeclaration[],
    readonly outputNames: readonly string[],
    readonly fallback: FallbackReport,
    readonly rewrite: RewriteReport | undefined,
  ) {
    this.backend = backend;
    this.validate = feedValidator(inputs);
  }

  /** Runs the model; feeds are checked against the declared inputs first. */
  run(feeds: Feeds): Promise<Record<string, FeedTensor>> {
    const backend = this.backend;
    if (!backend)
      return Promise.reject(
        new RuntimeError("DISPOSED", "this session was disposed; create a new one"),
      );
    try {
      this.validate(feeds);
    } catch (error) {
      return Promise.reject(error);
    }
    const start = performance.now();
    return backend.run(feeds, () => {
      const timings = this.timings;
      timings.push(performance.now() - start);
      // Trimmed in batches: a shift() per run would move 1000 entries every time.
      if (timings.length > 2000) timings.splice(0, timings.length - 1000);
    });
  }

  /** Milliseconds of the last run (NaN before the first). */
  get lastRunMilliseconds(): number {
    return this.timings.at(-1) ?? Number.NaN;
  }

  /** Frees the native and GPU memory of the session; later runs throw DISPOSED. Safe to call twice. */
  async dispose(): Promise<void> {
    const backend = this.backend;
    this.backend = undefined;
    await backend?.release();
  }
}

async function toModelAndBytes(
  source: ModelSource,
  load: SourceLoader,
): Promise<{ model: Model; bytes: Uint8Array }> {
  let value: Uint8Array | Model;
  if (typeof source === "string" || source instanceof URL) value = await load(source);
  else if (source instanceof ArrayBuffer) value = new Uint8Array(source);
  else value = source;
  try {
    if (value instanceof Model) return { model: value, bytes: encodeForRuntime(value) };
    return { model: decodeModel(value), bytes: value };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new RuntimeError("MODEL_INVALID", `not a readable ONNX model: ${message}`, {
      cause: error,
    });
  }
}

/**
 * onnxruntime resolves external data against the working directory when it is
 * given bytes, so a model whose external data was loaded goes in with it inline.
 */
function encodeForRuntime(model: Model): Uint8Array {
  for (const { tensor } of modelTensors(model))
    if (tensor.isExternal && tensor.hasData) return encodeModelInline(model);
  return encodeModel(model);
}

/** @internal createSession with the platform's source loader and providers (the package entry points bind them). */
export async function createSessionWith(
  load: SourceLoader,
  registry: ProviderRegistry,
  source: ModelSource,
  options: SessionOptions = {},
): Promise<Session> {
  const { model, bytes } = await toModelAndBytes(source, load);
  const provider: ExecutionProvider = await registry.choose(options.providers);
  let runBytes = bytes;
  let report: RewriteReport | undefined;
  let rewritten: Model | undefined;
  if (options.rewrite) {
    // The rewriter (patterns, planner, kernels, zod) loads only when asked for: a bundle that never rewrites stays small.
    const { optimizeModel } = await import("@rectify/rewrite");
    const result = await optimizeModel(() => decodeModel(bytes), {
      target: builtinTarget(provider.target),
      ...(options.rewrite.budget !== undefined ? { budget: options.rewrite.budget } : {}),
    });
    report = result.report;
    if (result.changed) {
      rewritten = result.model;
      runBytes = encodeModel(result.model);
    }
  }
  const backend = await provider.createSession(runBytes, {
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    ...(options.disableCpuFallback ? { disableCpuFallback: true } : {}),
    ...(options.wasmPaths !== undefined ? { wasmPaths: options.wasmPaths } : {}),
    ...(options.placement === false ? { placement: false } : {}),
  });
  const inputs = declaredInputs(rewritten ?? model);
  const session = new Session(
    backend,
    provider.name,
    inputs,
    backend.outputNames,
    fallbackReport(model, provider, rewritten, backend.placement),
    report,
  );
  for (let i = 0; i < (options.warmup ?? 0); i++)
    await session.run(randomFeeds(rewritten ?? model, { seed: i + 1 }));
  return session;
}
