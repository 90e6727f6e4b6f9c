import type { Activation } from "../activation/activation.js";
import { KernelsError } from "../errors/kernels-error.js";
import { fusedStructures, wasmBase64 } from "./generated/wasm-module.js";
import {
  hostWebAssembly,
  type WasmInstance,
  type WasmMemory,
  type WasmModule,
} from "./wasm-api.js";
import { WasmKernelRunner } from "./wasm-kernel-runner.js";

/**
 * A WASM SIMD kernel for one activation: f over `input` into `output` (which
 * may be `input`; a new array when omitted). Reducing activations (softmax,
 * LogSumExp) act on consecutive rows of `rowLength` elements (default: the
 * whole input), writing one value per row when they reduce to a scalar.
 * Arrays inside the module's memory (from `WasmKernels.allocate`) are used in
 * place; others are staged through WASM memory in chunks.
 */
export interface WasmKernel {
  (input: Float32Array, output?: Float32Array, rowLength?: number): Float32Array;
  /** True when a fused kernel was compiled for this expression structure; false when the interpreter runs it. */
  readonly fused: boolean;
}

/** How `WasmKernels.kernel` builds a kernel. */
export interface WasmKernelOptions {
  /** false: run the block interpreter even when a fused kernel exists (tests and benchmarks compare the two). */
  readonly fused?: boolean;
}

/** The loaded WASM SIMD module: kernels for any activation, and arrays inside its memory. */
export interface WasmKernels {
  /** The kernel for an activation at its parameters (fused when its structure was prebuilt, else interpreted). */
  kernel(activation: Activation, options?: WasmKernelOptions): WasmKernel;
  /**
   * A Float32Array of `length` floats inside WASM memory: kernels read and
   * write it with no copy. Allocating may grow the memory, which detaches
   * every earlier view: pass those through `refresh` before using them again
   * (kernels reject detached views with INPUT_INVALID).
   */
  allocate(length: number): Float32Array;
  /** Frees an array from `allocate`. */
  release(view: Float32Array): void;
  /** A live view of the same floats as an `allocate`d view that memory growth detached (the view itself if still live). */
  refresh(view: Float32Array): Float32Array;
  /** Copies `source` into `target` (same length, both from `allocate`) with WASM's memory.copy: the speed of light for kernels. */
  copy(source: Float32Array, target: Float32Array): void;
  /** The module's memory. */
  readonly memory: WasmMemory;
}

// The smallest module with a v128 result: validates only where WASM SIMD is supported.
const simdProbe = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
]);

let compiled: Promise<WasmModule> | undefined;

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Compiles (once) and instantiates the WASM SIMD kernels; each call returns
 * an instance with its own memory. Throws WASM_UNAVAILABLE where WebAssembly
 * or its SIMD extension is missing.
 */
export async function loadWasmKernels(): Promise<WasmKernels> {
  const webAssembly = hostWebAssembly();
  if (webAssembly === undefined)
    throw new KernelsError(
      "WASM_UNAVAILABLE",
      "WebAssembly is not available in this environment; use activation.kernel (plain JS) instead",
    );
  if (!webAssembly.validate(simdProbe))
    throw new KernelsError(
      "WASM_UNAVAILABLE",
      "this WebAssembly engine does not support SIMD (f32x4); Node ≥ 16.4, Chrome ≥ 91, Firefox ≥ 89 and Safari ≥ 16.4 do; use activation.kernel (plain JS) instead",
    );
  compiled ??= webAssembly.compile(decodeBase64(wasmBase64));
  let instance: WasmInstance;
  try {
    instance = await webAssembly.instantiate(await compiled, {
      env: {
        abort: () => {
          throw new KernelsError("WASM_UNAVAILABLE", "the WASM kernels module aborted");
        },
      },
    });
  } catch (cause) {
    compiled = undefined;
    throw new KernelsError(
      "WASM_UNAVAILABLE",
      `the WASM kernels module failed to load (${String(cause)}); rebuild @rectify/kernels with pnpm build`,
      { cause },
    );
  }
  return new WasmKernelRunner(instance, fusedStructures);
}
