import type { EngineProfile, Feeds, FeedTensor, ProfileOptions } from "@rectify/rewrite/light";
import type { Placement } from "../report/placement.js";
import type { WasmPaths } from "../settings.js";

/** Whether a provider can run here, and if not, why. */
export type Availability =
  | { readonly available: true }
  | {
      readonly available: false;
      readonly reason: string;
      /** The onnxruntime package that is not installed, when that is why. */
      readonly missingPackage?: string;
    };

/** A session of one onnxruntime backend: what @rectify/runtime's sessions wrap. */
export interface BackendSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Where onnxruntime placed each node, when the provider reads it (the browser GPU providers). */
  readonly placement?: Placement;
  /** Runs; `finished`, when given, is called as the outputs arrive (saves the caller a promise hop for timing). */
  run(feeds: Feeds, finished?: () => void): Promise<Record<string, FeedTensor>>;
  release(): Promise<void>;
}

/** Options a provider passes on to onnxruntime. */
export interface BackendOptions {
  /** Intra-op threads (cpu) or WASM threads; onnxruntime's default when omitted. */
  readonly threads?: number;
  /**
   * Sessions timed in turns with others (an evaluator's compareLatency): the
   * cpu provider stops its intra-op threads spinning at the end of each run
   * (onnxruntime's `session.force_spinning_stop`), so the threads of the
   * sessions waiting their turn leave the cores to the one running. See
   * evaluator.ts for the measurements.
   */
  readonly sideBySide?: boolean;
  /**
   * Fail session creation when onnxruntime would place any node on its CPU
   * provider (its `session.disable_cpu_ep_fallback` option), so a session that
   * exists runs wholly on the chosen (GPU) provider. The cpu and wasm providers
   * are onnxruntime's CPU provider themselves and ignore it.
   */
  readonly disableCpuFallback?: boolean;
  /** Read onnxruntime's node placement from its session log where the provider can (default true). */
  readonly placement?: boolean;
  /** Where onnxruntime-web's .wasm files are (overrides configureRuntime's; see WasmPaths). */
  readonly wasmPaths?: WasmPaths;
}

/**
 * An execution provider rectify can run models on: a name, a priority
 * (higher is tried first), the target profile its native op set is described
 * by, an availability check and a session factory. Register more with
 * `registerProvider`, as onnxruntime's registerBackend does.
 */
export interface ExecutionProvider {
  readonly name: string;
  readonly priority: number;
  /** The @rectify/rewrite target profile of what this provider runs natively. */
  readonly target: string;
  availability(): Promise<Availability>;
  createSession(model: Uint8Array, options: BackendOptions): Promise<BackendSession>;
  /** Runs of a case in a row when its sessions are timed side by side (LatencyOptions.turn; default 1). */
  readonly latencyTurn?: number;
  /**
   * Runs `model` on `feeds` with the engine's profiler on and returns each
   * node's kernel time. Optional: a provider that cannot profile (onnxruntime's
   * GPU providers, and the built-in providers in browsers) has none, and an
   * Evaluator on it is no ProfilingEvaluator.
   */
  profile?(
    model: Uint8Array,
    feeds: Feeds,
    options: BackendOptions,
    profileOptions?: ProfileOptions,
  ): Promise<EngineProfile>;
}
