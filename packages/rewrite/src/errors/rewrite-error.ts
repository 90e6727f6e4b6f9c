/** Stable machine-readable codes for every failure @rectify/rewrite reports. */
export type RewriteErrorCode =
  /** A target profile is unknown or malformed. */
  | "TARGET_INVALID"
  /** Options (budget, parameters) are out of range. */
  | "OPTIONS_INVALID"
  /** Input feeds are missing, unreadable or do not fit the model. */
  | "INPUTS_INVALID"
  /** The model cannot be rewritten (unsupported structure). */
  | "MODEL_UNSUPPORTED"
  /** The measured output error exceeds the limit even after rolling back. */
  | "BUDGET_NOT_MET"
  /** The evaluator failed to run a model. */
  | "EVALUATOR_FAILED"
  /** The original model cannot run on the verification inputs: the inputs (sizes, files) need changing. */
  | "FEEDS_UNRUNNABLE"
  /** A bug: an invariant of the rewriter broke. */
  | "INTERNAL";

/** Where a problem was found. */
export interface RewriteErrorLocation {
  /** File the problem concerns. */
  file?: string;
  /** Node concerned. */
  node?: string;
  /** JSON path inside a profile or inputs file, e.g. `ops.Sqrt.cost`. */
  path?: string;
  /** Graph input or output concerned. */
  value?: string;
}

/** The one error class of @rectify/rewrite; `code` is stable, the message says where and what to do. */
export class RewriteError extends Error {
  override readonly name = "RewriteError";
  readonly code: RewriteErrorCode;
  readonly location: RewriteErrorLocation;

  constructor(
    code: RewriteErrorCode,
    message: string,
    location: RewriteErrorLocation = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.location = location;
  }
}

/** True when `error` is a RewriteError, optionally with the given code. */
export function isRewriteError(error: unknown, code?: RewriteErrorCode): error is RewriteError {
  return error instanceof RewriteError && (code === undefined || error.code === code);
}
