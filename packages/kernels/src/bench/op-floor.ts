// The hardware floor of one f32x4 op over 64K floats (cache-resident), next
// to a plain copy: a load → op → store loop in a hand-assembled WASM module
// per op, so nothing but the op differs from the copy. It shows why a kernel
// cannot come within 1.25× of the copy on CPUs where f32x4.sqrt alone takes
// twice the copy's time.
import { KernelsError } from "../errors/kernels-error.js";
import { median } from "./timing.js";

/** Options of measureOpFloor. */
export interface OpFloorOptions {
  /** Interleaved rounds; the median is reported (default 7). */
  readonly rounds?: number;
  /** Calls of each loop per round (default 2000). */
  readonly callsPerRound?: number;
}

/** One op's floor. */
export interface OpFloorRow {
  /** "copy", or the f32x4 instruction ("f32x4.mul", "f32x4.sqrt", …). */
  readonly op: string;
  /** Elements per second through load → op → store. */
  readonly elementsPerSecond: number;
  /** Microseconds per call over `floats` elements. */
  readonly microsecondsPerCall: number;
  /** This op's time over the copy's (1 for the copy). */
  readonly relativeToCopy: number;
}

/** What measureOpFloor measured: plain, JSON-able data. */
export interface OpFloor {
  /** Elements per call (65536: cache-resident). */
  readonly floats: number;
  readonly rounds: number;
  readonly callsPerRound: number;
  /** The copy first, then each op. */
  readonly rows: OpFloorRow[];
}

/** The WebAssembly JS API parts used here (the package compiles without the DOM lib). */
interface WebAssemblyHost {
  Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer };
  instantiate(
    bytes: Uint8Array,
    imports: object,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
}

const floats = 65536;
const bytes = floats * 4;

/** (func (param $in i32) (param $out i32) (param $i i32) loop { store(out+i, OP(load(in+i))); i += 16 } while i < bytes) */
function loopModule(op: readonly number[]): Uint8Array {
  const limit = [0x80, 0x80, 0x10]; // LEB128 of 262144 = bytes
  const body = [
    ...[0x03, 0x40],
    ...[0x20, 1, 0x20, 2, 0x6a],
    ...[0x20, 0, 0x20, 2, 0x6a, 0xfd, 0, 4, 0],
    ...op,
    ...[0xfd, 11, 4, 0],
    ...[0x20, 2, 0x41, 16, 0x6a, 0x22, 2],
    ...[0x41, ...limit, 0x49, 0x0d, 0],
    0x0b,
  ];
  const code = [0, ...body, 0x0b];
  const fn = [code.length, ...code];
  return new Uint8Array([
    ...[0, 97, 115, 109, 1, 0, 0, 0],
    ...[1, 7, 1, 0x60, 3, 0x7f, 0x7f, 0x7f, 0],
    ...[2, 8, 1, 1, 101, 1, 109, 2, 0, 8],
    ...[3, 2, 1, 0],
    ...[7, 5, 1, 1, 102, 0, 0],
    ...[10, fn.length + 1, 1, ...fn],
  ]);
}

const loadSecond = [0x20, 0, 0xfd, 0, 4, 0]; // the same vector again as second operand
const ops: Record<string, readonly number[]> = {
  copy: [],
  "f32x4.mul": [...loadSecond, 0xfd, 0xe6, 0x01],
  "f32x4.pmax": [...loadSecond, 0xfd, 0xf7, 0x01],
  "f32x4.max": [...loadSecond, 0xfd, 0xe9, 0x01],
  "f32x4.div": [...loadSecond, 0xfd, 0xe7, 0x01],
  "f32x4.sqrt": [0xfd, 0xe3, 0x01],
};

/**
 * Measures one f32x4 op (mul, pmax, max, div, sqrt) per element over 64K
 * floats against a plain load/store copy, median of interleaved rounds.
 * Works in Node and in browsers; WASM_UNAVAILABLE without WebAssembly SIMD.
 */
export async function measureOpFloor(options: OpFloorOptions = {}): Promise<OpFloor> {
  const rounds = options.rounds ?? 7;
  const callsPerRound = options.callsPerRound ?? 2000;
  for (const [name, value] of [
    ["rounds", rounds],
    ["callsPerRound", callsPerRound],
  ] as const)
    if (!Number.isInteger(value) || value < 1)
      throw new KernelsError("INPUT_INVALID", `${name} must be a positive integer, got ${value}`);
  const host = (globalThis as { WebAssembly?: WebAssemblyHost }).WebAssembly;
  if (host === undefined)
    throw new KernelsError("WASM_UNAVAILABLE", "WebAssembly is not available in this environment");
  const memory = new host.Memory({ initial: 16 });
  const values = new Float32Array(memory.buffer, 0, floats);
  for (let i = 0; i < floats; i++) values[i] = (i % 100) + 0.5;
  const runs: [string, (input: number, output: number, start: number) => void][] = [];
  for (const [name, op] of Object.entries(ops)) {
    let instance: { exports: Record<string, unknown> };
    try {
      ({ instance } = await host.instantiate(loopModule(op), { e: { m: memory } }));
    } catch (cause) {
      throw new KernelsError(
        "WASM_UNAVAILABLE",
        `the ${name} loop did not compile: this WebAssembly engine lacks SIMD (f32x4)`,
        { cause },
      );
    }
    runs.push([name, instance.exports.f as (input: number, output: number, start: number) => void]);
  }
  const times = new Map<string, number[]>(runs.map(([name]) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, f] of runs) {
      const start = performance.now();
      for (let i = 0; i < callsPerRound; i++) f(0, bytes, 0);
      times.get(name)!.push(((performance.now() - start) / callsPerRound) * 1000);
    }
  }
  const copy = median(times.get("copy")!);
  const rows = [...times].map(([op, samples]): OpFloorRow => {
    const microseconds = median(samples);
    return {
      op,
      elementsPerSecond: floats / (microseconds / 1e6),
      microsecondsPerCall: microseconds,
      relativeToCopy: microseconds / copy,
    };
  });
  return { floats, rounds, callsPerRound, rows };
}
