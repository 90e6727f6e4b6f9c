/** Stable codes of every KernelsError. */
export type KernelsErrorCode =
  /** A parameter is missing its constraint (e.g. ELU's alpha < 0), not a number, or unknown. */
  | "PARAM_INVALID"
  /** No activation or approximation with that name is registered. */
  | "UNKNOWN_ACTIVATION"
  /** An expression is malformed (wrong arity, unknown op, not a DAG over one input). */
  | "EXPRESSION_INVALID"
  /** Input data has the wrong type or length. */
  | "INPUT_INVALID"
  /** A fit did not converge or its inputs cannot support it. */
  | "FIT_FAILED"
  /** The WASM module cannot be loaded here (no SIMD support, missing file). */
  | "WASM_UNAVAILABLE"
  /** No WebGPU adapter, or a shader failed to compile or run. */
  | "WEBGPU_UNAVAILABLE";

/** The one error class of @rectify/kernels: a stable code and a message that says what to do. */
export class KernelsError extends Error {
  override name = "KernelsError";
  constructor(
    readonly code: KernelsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
