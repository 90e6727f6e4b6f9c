import { isOnnxError } from "@rectify/onnx";
import { isRewriteError } from "@rectify/rewrite";
import { isRuntimeError } from "@rectify/runtime";

/** Exit codes of every rectify command. */
export const exitCodes = {
  ok: 0,
  /** A bug or an unexpected failure (such as a full disk while writing). */
  internal: 1,
  /** Bad input: usage, a missing file, not an ONNX model, an invalid model, an unknown target, a malformed profile or inputs file, an output path that cannot be written. */
  badInput: 2,
  /** The error budget, --max-output-error or verify's tolerance was not met. */
  budgetNotMet: 3,
  /** onnxruntime is not installed where a command needs it (RUNTIME_MISSING), failed to load, or failed to run a model. */
  runtimeFailure: 4,
} as const;

/** Stable codes of the failures the CLI itself reports (the packages' errors keep their own codes). */
export type CliErrorCode =
  /** Bad arguments or options. */
  | "USAGE"
  /** A file named on the command line does not exist. */
  | "FILE_NOT_FOUND"
  /** An unknown built-in target name. */
  | "TARGET_UNKNOWN"
  /** A target profile file is not valid JSON. */
  | "PROFILE_INVALID"
  /** An output path (-o, its external-data file, --report) cannot or must not be written. */
  | "OUTPUT_INVALID"
  /** The onnxruntime package verification needs (onnxruntime-node, or onnxruntime-web for --provider wasm) is not installed. */
  | "RUNTIME_MISSING"
  /** A bug or an unexpected failure. */
  | "INTERNAL";

/** A failure the CLI reports in one line with a stable code and its exit code. */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    readonly code: CliErrorCode,
    message: string,
    readonly exitCode: number = exitCodes.badInput,
  ) {
    super(message);
  }
}

/** How a failure is reported: the exit code, the stable code of the error class that raised it, one line of message. */
export interface Failure {
  readonly exitCode: number;
  readonly code: string;
  readonly message: string;
}

/** The exit code, stable code and one-line message for any error a command throws. */
export function describeFailure(error: unknown): Failure {
  if (error instanceof CliError)
    return { exitCode: error.exitCode, code: error.code, message: error.message };
  const unloadable = packageMissing(error);
  if (unloadable) return unloadable;
  if (isRewriteError(error)) {
    const exitCode =
      error.code === "BUDGET_NOT_MET"
        ? exitCodes.budgetNotMet
        : error.code === "EVALUATOR_FAILED"
          ? exitCodes.runtimeFailure
          : error.code === "INTERNAL"
            ? exitCodes.internal
            : exitCodes.badInput;
    return { exitCode, code: error.code, message: oneLine(error.message) };
  }
  if (isRuntimeError(error)) {
    const bad =
      error.code === "PROVIDER_UNKNOWN" ||
      error.code === "INPUT_INVALID" ||
      error.code === "MODEL_INVALID";
    return {
      exitCode: bad ? exitCodes.badInput : exitCodes.runtimeFailure,
      code: error.code,
      message: oneLine(error.message),
    };
  }
  if (isOnnxError(error)) {
    const file = error.location.file;
    const where = file && !error.message.includes(file) ? ` (${file})` : "";
    return {
      // Outputs are checked before anything is written, so a failed write is unexpected (a full disk).
      exitCode: error.code === "IO_WRITE" ? exitCodes.internal : exitCodes.badInput,
      code: error.code,
      message: oneLine(`${error.message}${where}`),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    exitCode: exitCodes.internal,
    code: "INTERNAL",
    message: oneLine(`internal error: ${message} (run with --debug for the stack trace)`),
  };
}

/**
 * An onnxruntime package that is installed but failed to load (a missing
 * native library, a broken copy): the rewriter wraps the runtime's
 * PACKAGE_MISSING as a failed evaluation (or as inputs the original cannot
 * run on), which would blame the model or the inputs. Reported as what it
 * is, with the loader's own message.
 */
function packageMissing(error: unknown): Failure | undefined {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 8; depth++) {
    if (isRuntimeError(cause, "PACKAGE_MISSING")) {
      const reason = cause.cause instanceof Error ? `: ${cause.cause.message}` : "";
      return {
        exitCode: exitCodes.runtimeFailure,
        code: cause.code,
        message: oneLine(`${cause.message}${reason}`),
      };
    }
    cause = cause.cause;
  }
  return undefined;
}

/** Error lines are one line each, so scripts can grep them. */
function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, "; ");
}
