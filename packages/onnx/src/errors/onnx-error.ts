/** Stable machine-readable codes for every failure @rectify/onnx reports. */
export type OnnxErrorCode =
  | "DECODE_TRUNCATED"
  | "DECODE_WIRE_TYPE"
  | "DECODE_INVALID"
  | "DECODE_TOO_DEEP"
  | "DECODE_EMPTY"
  | "ENCODE_TOO_LARGE"
  | "ENCODE_INVALID"
  | "TENSOR_INVALID"
  | "TENSOR_UNSUPPORTED"
  | "EXTERNAL_DATA"
  | "GRAPH_INVALID"
  | "GRAPH_CYCLE"
  | "VALIDATION_FAILED"
  | "BUILDER_INVALID"
  | "IO_READ"
  | "IO_WRITE";

/** Where in the input a problem was found: a byte offset, a field path, a node or value name. */
export interface OnnxErrorLocation {
  /** Byte offset into the decoded buffer. */
  offset?: number;
  /** Dotted protobuf field path, e.g. `graph.node[3].attribute[0].t`. */
  path?: string;
  /** Name of the node concerned. */
  node?: string;
  /** Name of the value or tensor concerned. */
  value?: string;
  /** File the problem concerns. */
  file?: string;
}

/** The one error class of @rectify/onnx; `code` is stable, the message says where and what to do. */
export class OnnxError extends Error {
  override readonly name = "OnnxError";
  readonly code: OnnxErrorCode;
  readonly location: OnnxErrorLocation;

  constructor(
    code: OnnxErrorCode,
    message: string,
    location: OnnxErrorLocation = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.location = location;
  }
}

/** True when `error` is an OnnxError, optionally with the given code. */
export function isOnnxError(error: unknown, code?: OnnxErrorCode): error is OnnxError {
  return error instanceof OnnxError && (code === undefined || error.code === code);
}
