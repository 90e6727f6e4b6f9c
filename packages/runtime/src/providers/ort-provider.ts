import type { EngineProfile, Feeds, ProfileOptions } from "@rectify/rewrite/light";
import { isRuntimeError, RuntimeError } from "../errors.js";
import { type Placement, parsePlacement } from "../report/placement.js";
import { runtimeSettings } from "../settings.js";
import { backendFailure } from "./backend-failure.js";
import { withOrtLogCapture } from "./log-capture.js";
import type { OrtModule, OrtSessionLike } from "./ort-tensors.js";
import { runOrtSession } from "./ort-tensors.js";
import type { OrtWebBuild } from "./ort-web-builds.js";
import type {
  Availability,
  BackendOptions,
  BackendSession,
  ExecutionProvider,
} from "./provider.js";

/** A session opened for profiling: onnxruntime's own (to end its profile) and the provider's wrapper (to run it). */
export interface OpenedOrtSession {
  readonly session: OrtSessionLike;
  readonly backend: BackendSession;
}

/** What a profiler is given: the model, feeds and counts, and how to open a session of the provider. */
export interface ProfileRequest {
  readonly model: Uint8Array;
  readonly feeds: Feeds;
  readonly options: ProfileOptions;
  /** A session with the provider's usual options (threads, …) plus `extra` (the profiler's). */
  open(extra: Record<string, unknown>): Promise<OpenedOrtSession>;
}

/** Profiles one model on an onnxruntime provider (Node only: see ort-profiling.ts). */
export type OrtProfiler = (request: ProfileRequest) => Promise<EngineProfile>;

/** What differs between the onnxruntime-backed providers. */
export type OrtProviderSpec = {
  readonly name: string;
  readonly priority: number;
  readonly target: string;
  /** The onnxruntime execution provider name passed to InferenceSession.create. */
  readonly executionProvider: string;
  /** What the environment must offer before the package is even loaded (a WebGPU adapter): a page without one never downloads the build. */
  readonly environment?: () => Promise<Availability>;
  /** Extra availability checks after the package loads (a session on onnxruntime-node's WebGPU, …). */
  readonly check?: (ort: OrtModule) => Promise<Availability>;
  /** Read where onnxruntime placed each node from its verbose session log (browser builds, which log to the console). */
  readonly readsPlacement?: boolean;
  /** Session options for this provider and the caller's options. */
  readonly sessionOptions?: (options: BackendOptions, ort: OrtModule) => Record<string, unknown>;
  /** How to profile a model here; the provider has no `profile` without one (Node files pass it, so browser bundles never load it). */
  readonly profiler?: OrtProfiler;
} & (
  | {
      /** An onnxruntime-web build: its .wasm file is placed by wasmPaths, and a failure to fetch it is diagnosed. */
      readonly build: OrtWebBuild;
    }
  | {
      /** Any other onnxruntime package (onnxruntime-node). */
      readonly load: () => Promise<OrtModule>;
    }
);

/** onnxruntime's CPU provider under its names in onnxruntime-node and -web: nothing falls back from it, and disabling CPU fallback there would reject every model. */
const cpuExecutionProviders = new Set(["cpu", "wasm"]);

/** An ExecutionProvider over one onnxruntime package and execution provider. */
export function ortProvider(spec: OrtProviderSpec): ExecutionProvider {
  const build = "build" in spec ? spec.build : undefined;
  const load = (options: BackendOptions): Promise<OrtModule> =>
    "build" in spec
      ? spec.build.load(options.wasmPaths ?? runtimeSettings().wasmPaths)
      : spec.load();
  // A build whose .wasm file could not be had fails the same way for the page's lifetime (onnxruntime-web does not retry).
  let startFailure: RuntimeError | undefined;
  let availability: Promise<Availability> | undefined;
  const profiler = spec.profiler;

  /** A session of `model` with the provider's options, the caller's and `extra`; MODEL_INVALID when onnxruntime rejects it. */
  async function open(
    model: Uint8Array,
    options: BackendOptions,
    extra: Record<string, unknown>,
  ): Promise<OpenedOrtSession> {
    const ort = await load(options);
    if (startFailure) throw startFailure;
    let session: Awaited<ReturnType<OrtModule["InferenceSession"]["create"]>>;
    let placement: Placement | undefined;
    let runOptions: Record<string, unknown> | undefined;
    const started = build?.starting();
    try {
      const create = (logging: Record<string, unknown>) =>
        ort.InferenceSession.create(model, {
          executionProviders: [spec.executionProvider],
          ...spec.sessionOptions?.(options, ort),
          ...(options.disableCpuFallback && !cpuExecutionProviders.has(spec.executionProvider)
            ? { extra: { session: { disable_cpu_ep_fallback: "1" } } }
            : {}),
          ...logging,
          ...extra,
        });
      if (spec.readsPlacement && options.placement !== false) {
        // Verbose for this session only: its log is the one place onnxruntime says where each node went.
        const captured = await withOrtLogCapture(() => create({ logSeverityLevel: 0 }));
        session = captured.value;
        placement = parsePlacement(captured.lines);
        // The session logger stays verbose; its runs log at warning, as any other session's
        // (one object per session: onnxruntime-web fills in the options it is given).
        runOptions = { logSeverityLevel: 2 };
        // onnxruntime's warnings (an unused initializer it drops, a node it leaves on the CPU) are not
        // the user's to act on and used to print over the CLI's output; failures still throw with its message.
      } else session = await create({ logSeverityLevel: 3 });
    } catch (error) {
      const failure = build ? await backendFailure(spec.name, build, error) : undefined;
      if (failure) {
        startFailure = failure;
        throw failure;
      }
      const message = error instanceof Error ? error.message : String(error);
      throw new RuntimeError(
        "MODEL_INVALID",
        `onnxruntime (${spec.name}) rejected the model: ${message}`,
        { cause: error },
      );
    } finally {
      started?.();
    }
    const fail = (error: unknown): never => {
      const message = error instanceof Error ? error.message : String(error);
      throw new RuntimeError("RUN_FAILED", `onnxruntime (${spec.name}) failed to run: ${message}`, {
        cause: error,
      });
    };
    const backend: BackendSession = {
      inputNames: session.inputNames,
      outputNames: session.outputNames,
      ...(placement ? { placement } : {}),
      run(feeds, finished) {
        try {
          return runOrtSession(ort, session, feeds, fail, finished, runOptions);
        } catch (error) {
          return Promise.reject(fail(error));
        }
      },
      release: () => session.release(),
    };
    return { session, backend };
  }

  return {
    name: spec.name,
    priority: spec.priority,
    target: spec.target,
    availability() {
      availability ??= (async (): Promise<Availability> => {
        const environment = await spec.environment?.();
        if (environment && !environment.available) return environment;
        let ort: OrtModule;
        try {
          ort = await load({});
        } catch (error) {
          return {
            available: false,
            reason: error instanceof Error ? error.message : String(error),
            ...(isRuntimeError(error, "PACKAGE_MISSING") && error.missingPackage
              ? { missingPackage: error.missingPackage }
              : {}),
          };
        }
        return spec.check ? spec.check(ort) : { available: true };
      })();
      return availability;
    },
    createSession: async (model, options) => (await open(model, options, {})).backend,
    ...(profiler
      ? {
          profile: (
            model: Uint8Array,
            feeds: Feeds,
            options: BackendOptions,
            profileOptions: ProfileOptions = {},
          ) =>
            profiler({
              model,
              feeds,
              options: profileOptions,
              open: (extra) => open(model, options, extra),
            }),
        }
      : {}),
  };
}
