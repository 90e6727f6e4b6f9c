// Browser side of the WebGPU tests (bundled by browser-harness.ts): exposes
// `rectifyWebGpu` on the page, which runs the package's own generated WGSL
// kernels on the page's WebGPU adapter and hands the raw float32 results back
// to the Node test, which compares them with the float64 reference.
import { instantiate, type Parameters } from "../../activation/activation.js";
import { getActivation } from "../../activations/index.js";
import { KernelsError } from "../../errors/kernels-error.js";
import { createWebGpuKernel } from "../webgpu-kernel.js";
import type { WebGpuDevice } from "../webgpu-types.js";

/** One activation with its parameters, over the given inputs. */
export interface KernelCase {
  readonly name: string;
  readonly params: Parameters;
  readonly inputs: readonly number[];
  /** Rows of this length for reducing activations. */
  readonly rowLength?: number;
}

/** The float32 outputs of a case, or the error it raised. */
export interface KernelResult {
  readonly id: string;
  readonly outputs?: number[];
  readonly error?: string;
}

/** An error's code and message, as the page saw it. */
export interface ErrorReport {
  readonly code?: string;
  readonly message: string;
}

interface GpuAdapter {
  readonly info?: { vendor?: string; architecture?: string; description?: string };
  requestDevice(): Promise<WebGpuDevice>;
}
interface GpuEntry {
  requestAdapter(): Promise<GpuAdapter | null>;
}

let devicePromise: Promise<WebGpuDevice> | undefined;
let adapterDescription = "";

async function openDevice(): Promise<WebGpuDevice> {
  const gpu = (globalThis as { navigator?: { gpu?: GpuEntry } }).navigator?.gpu;
  if (!gpu) throw new Error("navigator.gpu is missing: this browser has no WebGPU");
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error("navigator.gpu.requestAdapter() returned null: no WebGPU adapter");
  const info = adapter.info ?? {};
  adapterDescription = [info.vendor, info.architecture, info.description].filter(Boolean).join(" ");
  return adapter.requestDevice();
}

function device(): Promise<WebGpuDevice> {
  devicePromise ??= openDevice();
  return devicePromise;
}

function report(error: unknown): ErrorReport {
  if (error instanceof KernelsError) return { code: error.code, message: error.message };
  return { message: error instanceof Error ? error.message : String(error) };
}

const driver = {
  /** Describes the adapter, or throws with why there is none. */
  async adapter(): Promise<string> {
    await device();
    return adapterDescription || "(no adapter info)";
  },

  /** Runs each case's generated shader (one kernel per case) and returns the float32 outputs. */
  async runCases(cases: readonly KernelCase[]): Promise<KernelResult[]> {
    const gpu = await device();
    const results: KernelResult[] = [];
    for (const kernelCase of cases) {
      const activation = instantiate(getActivation(kernelCase.name), kernelCase.params);
      try {
        const kernel = await createWebGpuKernel(gpu, activation);
        const output = await kernel.run(
          new Float32Array(kernelCase.inputs),
          undefined,
          kernelCase.rowLength,
        );
        kernel.destroy();
        results.push({ id: activation.id, outputs: Array.from(output) });
      } catch (error) {
        results.push({ id: activation.id, error: report(error).message });
      }
    }
    return results;
  },

  /** The error createWebGpuKernel raises for a shader that does not compile. */
  async compileBroken(source: string): Promise<ErrorReport | undefined> {
    try {
      await createWebGpuKernel(await device(), instantiate(getActivation("relu")), { source });
      return undefined;
    } catch (error) {
      return report(error);
    }
  },

  /** The errors `run` raises for bad input (each entry: undefined when it did not throw). */
  async badInputs(): Promise<(ErrorReport | undefined)[]> {
    const gpu = await device();
    const relu = await createWebGpuKernel(gpu, instantiate(getActivation("relu")));
    const softmax = await createWebGpuKernel(gpu, instantiate(getActivation("softmax")));
    const attempts: (() => Promise<unknown>)[] = [
      () => relu.run([1, 2, 3] as unknown as Float32Array),
      () => relu.run(new Float32Array(4), new Float32Array(3)),
      () => softmax.run(new Float32Array(6), undefined, 4),
      () => softmax.run(new Float32Array(6), undefined, 0),
    ];
    const reports: (ErrorReport | undefined)[] = [];
    for (const attempt of attempts) {
      try {
        await attempt();
        reports.push(undefined);
      } catch (error) {
        reports.push(report(error));
      }
    }
    // The kernel still works after refusing bad input.
    const after = await relu.run(new Float32Array([-1, 2]));
    reports.push(after[0] === 0 && after[1] === 2 ? undefined : { message: "relu broke" });
    relu.destroy();
    softmax.destroy();
    return reports;
  },

  /**
   * ReLU over `length` elements (more than 65535 workgroups need the 2-D grid):
   * how many outputs differ from max(x, 0), and the first few of them.
   */
  async largeRelu(length: number): Promise<{ mismatches: number; examples: number[] }> {
    const kernel = await createWebGpuKernel(await device(), instantiate(getActivation("relu")));
    const input = new Float32Array(length);
    for (let i = 0; i < length; i++) input[i] = (i % 2 === 0 ? -1 : 1) * (i + 1);
    const output = await kernel.run(input);
    kernel.destroy();
    let mismatches = 0;
    const examples: number[] = [];
    for (let i = 0; i < length; i++) {
      if (output[i] !== Math.max(input[i]!, 0)) {
        mismatches++;
        if (examples.length < 5) examples.push(i);
      }
    }
    return { mismatches, examples };
  },
};

/** What the page exposes to the test. */
export type PageDriver = typeof driver;

(globalThis as { rectifyWebGpu?: PageDriver }).rectifyWebGpu = driver;
