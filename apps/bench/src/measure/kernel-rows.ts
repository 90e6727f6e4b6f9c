import type { KernelThroughput, OpFloor, WgslThroughput } from "@rectify/kernels/bench";
import type { KernelsEntry } from "../report/schema.js";

type Row = KernelsEntry["rows"][number];

/** The kernels package's measurements as report rows; WGSL rates joined by id and size. */
export function kernelRows(throughput: KernelThroughput, wgsl?: WgslThroughput): Row[] {
  return throughput.rows.map((row) => {
    const gpu = wgsl?.rows.find((entry) => entry.id === row.id && entry.size === row.size);
    return {
      id: row.id,
      kind: row.kind,
      transcendental: row.transcendental,
      fused: row.fused,
      n: row.size,
      js: row.js,
      wasm: row.wasm,
      copyJs: row.copyJs,
      copyWasm: row.copyWasm,
      ...(gpu ? { wgsl: gpu.wgsl, copyWgsl: gpu.copyWgsl } : {}),
    };
  });
}

/** The op floor as report rows (the copy itself left out). */
export function opFloorRows(floor: OpFloor): NonNullable<KernelsEntry["opFloor"]> {
  return floor.rows
    .filter((row) => row.op !== "copy")
    .map((row) => ({ op: row.op, ratioToCopy: row.relativeToCopy }));
}

/**
 * The rectifier family and the stand-ins rectify substitutes most: what
 * --quick measures and what the kernels chart shows (a full run measures
 * every activation and approximation; the report's table lists them all).
 */
export const featuredKernels = [
  "relu",
  "leaky-relu",
  "elu",
  "gelu",
  "gelu-tanh",
  "hard-gelu",
  "gelu-squaring",
  "silu",
  "hard-swish",
  "algebraic-silu",
  "silu-squaring",
  "softplus",
  "squareplus",
  "softplus-squaring",
  "mish",
  "mish-squareplus",
  "sigmoid",
  "hard-sigmoid",
  "algebraic-sigmoid",
  "tanh",
];

/**
 * Sizes, rounds and kernels of the kernels section: 64K floats (cache-resident)
 * and, in a full run, 1M (4 MB, past the caches). WGSL gets 3 rounds: on a
 * software adapter a 1M dispatch takes ~25 ms, and a full run has 95 kernels.
 */
export const kernelSettings = (quick: boolean, engine: "cpu" | "wgsl" = "cpu") =>
  quick
    ? { sizes: [65536], rounds: 3, ids: featuredKernels }
    : { sizes: [65536, 1024 * 1024], rounds: engine === "wgsl" ? 3 : 5 };
