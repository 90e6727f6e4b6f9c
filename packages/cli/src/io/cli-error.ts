import { isOnnxError } from "@rectify/onnx";
import { isRewriteError } from "@rectify/rewrite";
import { isRuntimeError } from "@rectify/runtime";

/** Exit codes of every rectify command. */
export const exitCodes = {
  ok: 0,
  /** A bug or an unexpected failure. */
  internal: 1,
  /** Bad input: usage, a missing file, not an ONNX model, an unknown target, a malformed profile or inputs file. */
  badInput: 2,
  /** The error budget or --max-output-error was not met. */
  budgetNotMet: 3,
  /** onnxruntime failed to run a model. */
  runtimeFailure: 4,
} as const;

/** A failure the CLI reports in one line with its exit code. */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** The exit code and one-line message for any error a command throws. */
export function describeFailure(error: unknown): { code: number; message: string } {
  if (error instanceof CliError) return { code: error.exitCode, message: error.message };
  if (isRewriteError(error)) {
    const code =
      error.code === "BUDGET_NOT_MET"
        ? exitCodes.budgetNotMet
        : error.code === "EVALUATOR_FAILED"
          ? exitCodes.runtimeFailure
          : error.code === "INTERNAL"
            ? exitCodes.internal
            : exitCodes.badInput;
    return { code, message: error.message };
  }
  if (isRuntimeError(error)) {
    const bad =
      error.code === "PROVIDER_UNKNOWN" ||
      error.code === "INPUT_INVALID" ||
      error.code === "MODEL_INVALID";
    return { code: bad ? exitCodes.badInput : exitCodes.runtimeFailure, message: error.message };
  }
  if (isOnnxError(error)) {
    const where = error.location.file ? ` (${error.location.file})` : "";
    return {
      code: error.code === "IO_WRITE" ? exitCodes.runtimeFailure : exitCodes.badInput,
      message: `${error.message}${where}`,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: exitCodes.internal,
    message: `internal error: ${message} (run with --debug for the stack trace)`,
  };
}
