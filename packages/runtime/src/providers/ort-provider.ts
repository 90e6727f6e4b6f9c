import { RuntimeError } from "../errors.js";
import type { OrtModule } from "./ort-tensors.js";
import { runOrtSession } from "./ort-tensors.js";
import type {
  Availability,
  BackendOptions,
  BackendSession,
  ExecutionProvider,
} from "./provider.js";

/** What differs between the onnxruntime-backed providers. */
export interface OrtProviderSpec {
  readonly name: string;
  readonly priority: number;
  readonly target: string;
  /** The onnxruntime execution provider name passed to InferenceSession.create. */
  readonly executionProvider: string;
  readonly load: () => Promise<OrtModule>;
  /** Extra availability checks after the package loads (a GPU adapter, …). */
  readonly check?: (ort: OrtModule) => Promise<Availability>;
  /** Session options for this provider and the caller's options. */
  readonly sessionOptions?: (options: BackendOptions, ort: OrtModule) => Record<string, unknown>;
}

/** onnxruntime's CPU provider under its names in onnxruntime-node and -web: nothing falls back from it, and disabling CPU fallback there would reject every model. */
const cpuExecutionProviders = new Set(["cpu", "wasm"]);

/** An ExecutionProvider over one onnxruntime package and execution provider. */
export function ortProvider(spec: OrtProviderSpec): ExecutionProvider {
  let availability: Promise<Availability> | undefined;
  return {
    name: spec.name,
    priority: spec.priority,
    target: spec.target,
    availability() {
      availability ??= (async (): Promise<Availability> => {
        let ort: OrtModule;
        try {
          ort = await spec.load();
        } catch (error) {
          return {
            available: false,
            reason: error instanceof Error ? error.message : String(error),
          };
        }
        return spec.check ? spec.check(ort) : { available: true };
      })();
      return availability;
    },
    async createSession(model, options): Promise<BackendSession> {
      const ort = await spec.load();
      let session: Awaited<ReturnType<OrtModule["InferenceSession"]["create"]>>;
      try {
        session = await ort.InferenceSession.create(model, {
          executionProviders: [spec.executionProvider],
          ...spec.sessionOptions?.(options, ort),
          ...(options.disableCpuFallback && !cpuExecutionProviders.has(spec.executionProvider)
            ? { extra: { session: { disable_cpu_ep_fallback: "1" } } }
            : {}),
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new RuntimeError(
          "MODEL_INVALID",
          `onnxruntime (${spec.name}) rejected the model: ${message}`,
          { cause: error },
        );
      }
      const fail = (error: unknown): never => {
        const message = error instanceof Error ? error.message : String(error);
        throw new RuntimeError(
          "RUN_FAILED",
          `onnxruntime (${spec.name}) failed to run: ${message}`,
          { cause: error },
        );
      };
      return {
        inputNames: session.inputNames,
        outputNames: session.outputNames,
        run(feeds, finished) {
          try {
            return runOrtSession(ort, session, feeds, fail, finished);
          } catch (error) {
            return Promise.reject(fail(error));
          }
        },
        release: () => session.release(),
      };
    },
  };
}
