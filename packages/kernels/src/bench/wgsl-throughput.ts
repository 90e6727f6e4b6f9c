// The GPU throughput of the generated WGSL kernels, each next to a WGSL copy
// with the same bindings, size and dispatch shape. A sample submits one
// command buffer of `dispatches` dispatches and awaits
// queue.onSubmittedWorkDone(), repeated until enough time has passed; kernel
// and copy are interleaved in every round and the median is reported.
import { KernelsError } from "../errors/kernels-error.js";
import { cachedPipeline } from "../webgpu/webgpu-kernel.js";
import {
  bufferUsage,
  type WebGpuBindGroup,
  type WebGpuBuffer,
  type WebGpuComputePipeline,
  type WebGpuDevice,
  type WebGpuQueue,
} from "../webgpu/webgpu-types.js";
import { defaultWorkgroupSize, wgslBindings, wgslShapeBytes, wgslSource } from "../webgpu/wgsl.js";
import {
  type BenchmarkKind,
  benchmarkEntries,
  benchmarkRowLength,
  checkSizesAndRounds,
} from "./benchmark-list.js";
import { elementsPerSecondAsync, median } from "./timing.js";

/** A GPUDevice whose queue reports when submitted work is done (every browser's does). */
export interface WebGpuTimingDevice extends WebGpuDevice {
  readonly queue: WebGpuQueue & { onSubmittedWorkDone(): Promise<void> };
}

/** Options of measureWgslThroughput. */
export interface WgslThroughputOptions {
  /** Float32 elements per dispatch; each a positive multiple of 64 (default [65536, 1048576]). */
  readonly sizes?: readonly number[];
  /** Interleaved rounds per size; the median is reported (default 5). */
  readonly rounds?: number;
  /** Activation ids to measure (default: every activation and approximation, see benchmarkIds()). */
  readonly ids?: readonly string[];
  /** Dispatches per submitted command buffer (default 10). */
  readonly dispatches?: number;
  /** Invocations per workgroup of kernels and copy (default 64, as createWebGpuKernel). */
  readonly workgroupSize?: number;
  /** Each sample repeats its submission until this much time has passed (default 20 ms). */
  readonly minimumMilliseconds?: number;
  /** Called after each (size, id) is measured. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The measured rates of one WGSL kernel at one size, in elements per second. */
export interface WgslThroughputRow {
  /** The activation's id (as `activation.id`). */
  readonly id: string;
  readonly kind: BenchmarkKind;
  /** Elements per dispatch. */
  readonly size: number;
  /** True when the expression uses a transcendental op (Exp, Log, Erf, Tanh, …). */
  readonly transcendental: boolean;
  /** The generated kernel, elements per second (input elements, dispatch to work done). */
  readonly wgsl: number;
  /**
   * The WGSL copy of the same size and dispatch shape (one invocation per
   * element, or per row of 64 for reducing activations), elements per second.
   */
  readonly copyWgsl: number;
}

/** What measureWgslThroughput measured: plain, JSON-able data. */
export interface WgslThroughput {
  /** The sizes measured (elements per dispatch). */
  readonly sizes: number[];
  readonly rounds: number;
  readonly dispatches: number;
  readonly workgroupSize: number;
  /** One row per size and id, sizes in the order given, ids in benchmark order. */
  readonly rows: WgslThroughputRow[];
}

function copySource(workgroupSize: number, rows: boolean): string {
  const body = rows
    ? `  let first = item * shape.rowLength;
  for (var i = 0u; i < shape.rowLength; i++) {
    output[first + i] = input[first + i];
  }`
    : "  output[item] = input[item];";
  return `// copy: the bindings and dispatch shape of the generated kernels, no arithmetic.
${wgslBindings}

@compute @workgroup_size(${workgroupSize})
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let item = id.x + id.y * shape.gridWidth;
  if (item >= shape.count) {
    return;
  }
${body}
}
`;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new KernelsError("INPUT_INVALID", `${name} must be a positive integer, got ${value}`);
  return value;
}

/** The buffers of one size: input, output, and the shape uniforms of elementwise and row kernels. */
interface SizeBuffers {
  readonly input: WebGpuBuffer;
  readonly output: WebGpuBuffer;
  readonly elementShape: WebGpuBuffer;
  readonly rowShape: WebGpuBuffer;
  readonly elementGrid: [number, number];
  readonly rowGrid: [number, number];
}

/**
 * Measures the generated WGSL kernel of every activation and approximation
 * (or `ids`) on `device`, in elements per second, each against a WGSL copy
 * of the same size and dispatch shape. Needs a GPUDevice (browsers; Node
 * with the `webgpu` package). Timing covers submission to
 * onSubmittedWorkDone, so small sizes mostly measure dispatch overhead. On a
 * software adapter (SwiftShader in headless Chromium) this is slow and says
 * nothing about GPU speed: only the kernel/copy ratio means something there.
 */
export async function measureWgslThroughput(
  device: WebGpuTimingDevice,
  options: WgslThroughputOptions = {},
): Promise<WgslThroughput> {
  const { sizes, rounds } = checkSizesAndRounds(
    options.sizes ?? [65536, 1 << 20],
    options.rounds ?? 5,
  );
  const dispatches = positiveInteger("dispatches", options.dispatches ?? 10);
  const workgroupSize = positiveInteger(
    "workgroupSize",
    options.workgroupSize ?? defaultWorkgroupSize,
  );
  const minimum = options.minimumMilliseconds ?? 20;
  const entries = benchmarkEntries(options.ids);
  const { limits } = device;
  if (workgroupSize > limits.maxComputeInvocationsPerWorkgroup)
    throw new KernelsError(
      "WEBGPU_UNAVAILABLE",
      `workgroupSize ${workgroupSize} exceeds this device's limit of ${limits.maxComputeInvocationsPerWorkgroup}`,
    );
  const maxElements = Math.floor(
    Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize) / 4,
  );
  const tooLarge = sizes.filter((n) => n > maxElements);
  if (tooLarge.length > 0)
    throw new KernelsError(
      "INPUT_INVALID",
      `sizes [${tooLarge.join(", ")}] exceed this device's largest storage buffer (${maxElements} floats)`,
    );

  const grid = (items: number): [number, number] => {
    const workgroups = Math.ceil(items / workgroupSize);
    const x = Math.min(workgroups, limits.maxComputeWorkgroupsPerDimension);
    return [x, Math.ceil(workgroups / x)];
  };
  const copyPipelines = {
    elements: await cachedPipeline(device, copySource(workgroupSize, false), "copy"),
    rows: await cachedPipeline(device, copySource(workgroupSize, true), "row copy"),
  };
  const bindGroup = (pipeline: WebGpuComputePipeline, buffers: SizeBuffers, rows: boolean) =>
    device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: buffers.input } },
        { binding: 1, resource: { buffer: buffers.output } },
        { binding: 2, resource: { buffer: rows ? buffers.rowShape : buffers.elementShape } },
      ],
    });
  const submit = async (
    pipeline: WebGpuComputePipeline,
    group: WebGpuBindGroup,
    [x, y]: [number, number],
  ) => {
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    for (let i = 0; i < dispatches; i++) pass.dispatchWorkgroups(x, y);
    pass.end();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
  };

  const rows: WgslThroughputRow[] = [];
  const total = sizes.length * entries.length;
  for (const n of sizes) {
    const buffers = createSizeBuffers(device, n, workgroupSize, grid);
    try {
      for (const { activation, kind, transcendental } of entries) {
        const reduces = activation.reduces;
        const pipeline = await cachedPipeline(
          device,
          wgslSource(activation, { workgroupSize }),
          activation.id,
        );
        const copyPipeline = reduces ? copyPipelines.rows : copyPipelines.elements;
        const kernelGroup = bindGroup(pipeline, buffers, reduces);
        const copyGroup = bindGroup(copyPipeline, buffers, reduces);
        const shape = reduces ? buffers.rowGrid : buffers.elementGrid;
        // One untimed submission of each: first use compiles lazily on some adapters, and errors show here.
        device.pushErrorScope("validation");
        await submit(pipeline, kernelGroup, shape);
        await submit(copyPipeline, copyGroup, shape);
        const failure = await device.popErrorScope();
        if (failure)
          throw new KernelsError(
            "WEBGPU_UNAVAILABLE",
            `${activation.id}: the benchmark dispatch failed: ${failure.message}`,
          );
        const kernelSamples: number[] = [];
        const copySamples: number[] = [];
        for (let round = 0; round < rounds; round++) {
          kernelSamples.push(
            await elementsPerSecondAsync(
              n * dispatches,
              () => submit(pipeline, kernelGroup, shape),
              minimum,
            ),
          );
          copySamples.push(
            await elementsPerSecondAsync(
              n * dispatches,
              () => submit(copyPipeline, copyGroup, shape),
              minimum,
            ),
          );
        }
        rows.push({
          id: activation.id,
          kind,
          size: n,
          transcendental,
          wgsl: median(kernelSamples),
          copyWgsl: median(copySamples),
        });
        options.onProgress?.(rows.length, total);
      }
    } finally {
      for (const buffer of [buffers.input, buffers.output, buffers.elementShape, buffers.rowShape])
        buffer.destroy();
    }
  }
  return { sizes, rounds, dispatches, workgroupSize, rows };
}

function createSizeBuffers(
  device: WebGpuDevice,
  n: number,
  workgroupSize: number,
  grid: (items: number) => [number, number],
): SizeBuffers {
  const input = device.createBuffer({
    label: "benchmark input",
    size: n * 4,
    usage: bufferUsage.storage | bufferUsage.copyDestination,
  });
  const output = device.createBuffer({
    label: "benchmark output",
    size: n * 4,
    usage: bufferUsage.storage | bufferUsage.copySource,
  });
  const shape = (label: string, items: number, rowLength: number, [x]: [number, number]) => {
    const buffer = device.createBuffer({
      label,
      size: wgslShapeBytes,
      usage: bufferUsage.uniform | bufferUsage.copyDestination,
    });
    device.queue.writeBuffer(buffer, 0, new Uint32Array([items, rowLength, x * workgroupSize, 0]));
    return buffer;
  };
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = ((i * 7919) % 20011) / 1000 - 10;
  device.queue.writeBuffer(input, 0, values);
  const elementGrid = grid(n);
  const rowGrid = grid(n / benchmarkRowLength);
  return {
    input,
    output,
    elementShape: shape("benchmark shape", n, 1, elementGrid),
    rowShape: shape("benchmark row shape", n / benchmarkRowLength, benchmarkRowLength, rowGrid),
    elementGrid,
    rowGrid,
  };
}
