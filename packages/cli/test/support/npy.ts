import { writeFileSync } from "node:fs";

/** The element types the suite writes, with their .npy descriptors. */
const descriptors = { float32: "<f4", int64: "<i8" } as const;

/** Writes a little-endian .npy (version 1.0) file: what `rectify --inputs` reads. */
export function writeNpy(
  path: string,
  type: keyof typeof descriptors,
  dims: readonly number[],
  data: Float32Array | BigInt64Array,
): void {
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(", ")})`;
  let header = `{'descr': '${descriptors[type]}', 'fortran_order': False, 'shape': ${shape}, }`;
  // Magic (6) + version (2) + length (2) + header + newline, padded to a multiple of 64.
  const padding = 64 - ((10 + header.length + 1) % 64);
  header = `${header}${" ".repeat(padding % 64)}\n`;
  const bytes = new Uint8Array(10 + header.length + data.byteLength);
  bytes.set([0x93, ...new TextEncoder().encode("NUMPY"), 1, 0], 0);
  new DataView(bytes.buffer).setUint16(8, header.length, true);
  bytes.set(new TextEncoder().encode(header), 10);
  bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  writeFileSync(path, bytes);
}
