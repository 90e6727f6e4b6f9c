/** Stable codes for every failure @rectify/runtime reports. */
export type RuntimeErrorCode =
  /** An onnxruntime package the chosen provider needs is not installed. */
  | "PACKAGE_MISSING"
  /** No requested provider is available here; the message lists each and why. */
  | "NO_PROVIDER"
  /** An unknown provider name. */
  | "PROVIDER_UNKNOWN"
  /** The model could not be read or onnxruntime rejected it. */
  | "MODEL_INVALID"
  /** Feeds do not match the model's declared inputs. */
  | "INPUT_INVALID"
  /** onnxruntime failed while running. */
  | "RUN_FAILED"
  /** The session was used after dispose(). */
  | "DISPOSED";

/** The one error class of @rectify/runtime; `code` is stable, the message says what and what to do. */
export class RuntimeError extends Error {
  override readonly name = "RuntimeError";
  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True when `error` is a RuntimeError, optionally with the given code. */
export function isRuntimeError(error: unknown, code?: RuntimeErrorCode): error is RuntimeError {
  return error instanceof RuntimeError && (code === undefined || error.code === code);
}
