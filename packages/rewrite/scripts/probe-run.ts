// Runs one probe case on an onnxruntime module (onnxruntime-node,
// onnxruntime-web in Node, or onnxruntime-web in a browser page). Browser-safe:
// no Node built-ins, plain data in and out, so the Chromium page of
// probe-page.ts and the Node side of probe-providers.ts share it.

/** A tensor as plain data: raw little-endian element bytes in base64, or strings. */
export interface ProbeTensor {
  readonly name: string;
  /** onnxruntime-common's type name (float32, int64, bool, string, …). */
  readonly type: string;
  readonly dims: readonly number[];
  readonly base64?: string;
  readonly strings?: readonly string[];
}

/** How a case went: "ran" (session created and ran), "rejected" (session creation failed), "run-failed", "timeout". */
export type ProbeStatus = "ran" | "rejected" | "run-failed" | "timeout";

/** The raw result of running a case; outputs are compared with the reference on the Node side. */
export interface ProbeOutcome {
  readonly status: ProbeStatus;
  /** onnxruntime's message, first line, when it failed. */
  readonly error?: string;
  readonly outputs?: readonly ProbeTensor[];
}

/** What running a case needs besides the model. */
export interface ProbeRunOptions {
  /** The onnxruntime execution provider name (cpu, wasm, webgpu). */
  readonly executionProvider: string;
  /** Make session creation fail when a node would be placed on the CPU provider (as the runtime's disableCpuFallback does). */
  readonly disableCpuFallback: boolean;
}

/** The part of onnxruntime-common's API a probe uses (both packages export it). */
export interface ProbeOrt {
  readonly Tensor: new (type: string, data: unknown, dims: readonly number[]) => unknown;
  readonly InferenceSession: {
    create(model: Uint8Array, options: Record<string, unknown>): Promise<ProbeSession>;
  };
}

interface ProbeSession {
  readonly outputNames: readonly string[];
  run(feeds: Record<string, unknown>): Promise<Record<string, ProbeOrtTensor>>;
  release(): Promise<void>;
}

interface ProbeOrtTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
}

type TypedArrayType = new (
  buffer: ArrayBuffer,
  offset: number,
  length: number,
) => ArrayLike<unknown>;

/** onnxruntime-common's element types with their array classes (4-bit types are packed bytes). */
const arrayTypes: Readonly<Record<string, TypedArrayType>> = {
  float32: Float32Array,
  float64: Float64Array,
  float16: Uint16Array,
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  int4: Uint8Array,
  uint4: Uint8Array,
};

/** Element bytes as base64 (btoa exists in browsers and Node 20). */
export function bytesToBase64(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000)
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/** The inverse of bytesToBase64, into a fresh aligned buffer. */
export function base64ToBytes(base64: string): Uint8Array {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

function elementCount(dims: readonly number[]): number {
  return dims.reduce((product, dim) => product * dim, 1);
}

function toOrtTensor(ort: ProbeOrt, tensor: ProbeTensor): unknown {
  if (tensor.type === "string")
    return new ort.Tensor("string", [...(tensor.strings ?? [])], tensor.dims);
  const ArrayType = arrayTypes[tensor.type];
  if (!ArrayType) throw new Error(`probe tensor ${tensor.name}: no array type for ${tensor.type}`);
  const bytes = base64ToBytes(tensor.base64 ?? "");
  const packed = tensor.type === "int4" || tensor.type === "uint4";
  const length = packed
    ? bytes.byteLength
    : bytes.byteLength / (ArrayType as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  return new ort.Tensor(
    tensor.type,
    new ArrayType(bytes.buffer as ArrayBuffer, 0, length),
    tensor.dims,
  );
}

function fromOrtTensor(name: string, tensor: ProbeOrtTensor): ProbeTensor {
  if (tensor.type === "string")
    return {
      name,
      type: "string",
      dims: [...tensor.dims],
      strings: [...(tensor.data as string[])],
    };
  const data = tensor.data as ArrayBufferView;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return { name, type: tensor.type, dims: [...tensor.dims], base64: bytesToBase64(bytes) };
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0]!.slice(0, 400);
}

/** Creates a session of `model` on one provider, runs it once on `feeds`, and releases it. */
export async function runProbeCase(
  ort: ProbeOrt,
  model: Uint8Array,
  feeds: readonly ProbeTensor[],
  options: ProbeRunOptions,
): Promise<ProbeOutcome> {
  let session: ProbeSession;
  try {
    session = await ort.InferenceSession.create(model, {
      executionProviders: [options.executionProvider],
      logSeverityLevel: 3,
      ...(options.disableCpuFallback
        ? { extra: { session: { disable_cpu_ep_fallback: "1" } } }
        : {}),
    });
  } catch (error) {
    return { status: "rejected", error: firstLine(error) };
  }
  try {
    const inputs: Record<string, unknown> = {};
    for (const feed of feeds) inputs[feed.name] = toOrtTensor(ort, feed);
    const results = await session.run(inputs);
    const outputs = session.outputNames
      .filter((name) => results[name] !== undefined)
      .map((name) => fromOrtTensor(name, results[name]!));
    return { status: "ran", outputs };
  } catch (error) {
    return { status: "run-failed", error: firstLine(error) };
  } finally {
    await session.release().catch(() => undefined);
  }
}

export { elementCount };
