// The CPU throughput of every activation's kernels: plain JS (activation.kernel)
// against WASM SIMD on allocate()d views (no copies), next to the two copies
// that bound them (a JS TypedArray.set and WASM memory.copy). The four are
// interleaved in every round so that drift on a shared machine hits them all,
// and the median of the rounds is reported.
import { loadWasmKernels } from "../wasm/wasm-kernels.js";
import {
  type BenchmarkKind,
  benchmarkEntries,
  benchmarkRowLength,
  checkSizesAndRounds,
} from "./benchmark-list.js";
import { elementsPerSecond, median } from "./timing.js";

/** Options of measureKernelThroughput. */
export interface KernelThroughputOptions {
  /** Float32 elements per call; each a positive multiple of 64 (default [65536, 16777216]: cache-resident and not). */
  readonly sizes?: readonly number[];
  /** Interleaved rounds per size; the median is reported (default 5; at most 3 above 1M elements). */
  readonly rounds?: number;
  /** Activation ids to measure (default: every activation and approximation, see benchmarkIds()). */
  readonly ids?: readonly string[];
  /** Called after each (size, id) is measured. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Each sample repeats its call until this much time has passed (default 20 ms). */
  readonly minimumMilliseconds?: number;
}

/** The measured rates of one activation at one size. All rates are in elements per second. */
export interface KernelThroughputRow {
  /** The activation's id (as `activation.id`: name and non-default parameters). */
  readonly id: string;
  readonly kind: BenchmarkKind;
  /** Elements per call. */
  readonly size: number;
  /** Rounds whose median is reported (fewer than asked above 1M elements). */
  readonly rounds: number;
  /** True when the WASM module has a fused kernel for this expression structure (else its interpreter ran). */
  readonly fused: boolean;
  /** True when the expression uses a transcendental op (Exp, Log, Erf, Tanh, …). */
  readonly transcendental: boolean;
  /** Plain JS `activation.kernel`, elements per second (on at most the first 1M elements of larger sizes). */
  readonly js: number;
  /** The WASM SIMD kernel on views inside WASM memory, elements per second. */
  readonly wasm: number;
  /** A JS Float32Array copy (`set`) of the same size, elements per second. */
  readonly copyJs: number;
  /** WASM memory.copy of the same size, elements per second. */
  readonly copyWasm: number;
}

/** What measureKernelThroughput measured: plain, JSON-able data. */
export interface KernelThroughput {
  /** The sizes measured (elements per call). */
  readonly sizes: number[];
  /** The rounds asked for. */
  readonly rounds: number;
  /** One row per size and id, sizes in the order given, ids in benchmark order. */
  readonly rows: KernelThroughputRow[];
}

/** Above this many elements plain JS runs on the first 1M only: its slowest loops take ~10 s per 16M call. */
const jsLengthLimit = 1 << 20;

/** A deterministic spread of inputs over [-10, 10). */
function fillInput(input: Float32Array): void {
  for (let i = 0; i < input.length; i++) input[i] = ((i * 7919) % 20011) / 1000 - 10;
}

/**
 * Measures plain JS, WASM SIMD and the two copies for every activation and
 * approximation (or `ids`), in elements per second, median of interleaved
 * rounds. Works in Node and in browsers (the WASM module is embedded).
 * Timings on a shared machine are noisy: compare ratios within one run.
 */
export async function measureKernelThroughput(
  options: KernelThroughputOptions = {},
): Promise<KernelThroughput> {
  const { sizes, rounds } = checkSizesAndRounds(
    options.sizes ?? [65536, 16 * 1024 * 1024],
    options.rounds ?? 5,
  );
  const entries = benchmarkEntries(options.ids);
  const minimum = options.minimumMilliseconds ?? 20;
  const wasm = await loadWasmKernels();
  const rows: KernelThroughputRow[] = [];
  const total = sizes.length * entries.length;
  for (const n of sizes) {
    // One pair of buffers per size, inside WASM memory, reused by every kernel.
    let input = wasm.allocate(n);
    const output = wasm.allocate(n);
    input = wasm.refresh(input);
    try {
      fillInput(input);
      const jsInput = new Float32Array(input);
      const jsOutput = new Float32Array(n);
      const jsLength = Math.min(n, jsLengthLimit);
      // The plain-JS kernels of reducing activations box every row through
      // float64 arrays: slow enough that three rounds above 1M are plenty.
      const roundsHere = n > jsLengthLimit ? Math.min(rounds, 3) : rounds;
      for (const { activation, kind, transcendental } of entries) {
        const kernel = wasm.kernel(activation);
        const rowLength = activation.reduces ? benchmarkRowLength : undefined;
        const outLength = activation.reducesToScalar ? n / benchmarkRowLength : n;
        const jsOutLength = activation.reducesToScalar ? jsLength / benchmarkRowLength : jsLength;
        const wasmOutput = output.subarray(0, outLength);
        const jsIn = jsInput.subarray(0, jsLength);
        const jsOut = jsOutput.subarray(0, jsOutLength);
        const samples = { js: [] as number[], wasm: [] as number[], copyJs: [] as number[] };
        const copyWasm: number[] = [];
        for (let round = 0; round < roundsHere; round++) {
          samples.wasm.push(
            elementsPerSecond(n, () => kernel(input, wasmOutput, rowLength), minimum),
          );
          samples.js.push(
            elementsPerSecond(jsLength, () => activation.kernel(jsIn, jsOut, rowLength), minimum),
          );
          samples.copyJs.push(elementsPerSecond(n, () => jsOutput.set(jsInput), minimum));
          copyWasm.push(elementsPerSecond(n, () => wasm.copy(input, output), minimum));
        }
        rows.push({
          id: activation.id,
          kind,
          size: n,
          rounds: roundsHere,
          fused: kernel.fused,
          transcendental,
          js: median(samples.js),
          wasm: median(samples.wasm),
          copyJs: median(samples.copyJs),
          copyWasm: median(copyWasm),
        });
        options.onProgress?.(rows.length, total);
      }
    } finally {
      wasm.release(output);
      wasm.release(input);
    }
  }
  return { sizes, rounds, rows };
}
