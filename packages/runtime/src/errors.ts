/** Stable codes for every failure @rectify/runtime reports. */
export type RuntimeErrorCode =
  /** An onnxruntime package the chosen provider needs is not installed. */
  | "PACKAGE_MISSING"
  /**
   * onnxruntime-web could not fetch the .wasm file its build loads at run
   * time; the message names the URL tried and the file to serve there.
   */
  | "RUNTIME_FILE_MISSING"
  /** An onnxruntime build failed to start although its files were there. */
  | "BACKEND_FAILED"
  /** Options that cannot be honoured (wasmPaths changed after onnxruntime-web started). */
  | "OPTIONS_INVALID"
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
  /** With PACKAGE_MISSING: the package to install. */
  readonly missingPackage?: string;
  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
    options?: { cause?: unknown; missingPackage?: string },
  ) {
    super(message, options);
    if (options?.missingPackage !== undefined) this.missingPackage = options.missingPackage;
  }
}

/** True when `error` is a RuntimeError, optionally with the given code. */
export function isRuntimeError(error: unknown, code?: RuntimeErrorCode): error is RuntimeError {
  return error instanceof RuntimeError && (code === undefined || error.code === code);
}
