import type { Activation } from "../activation/activation.js";
import { KernelsError } from "../errors/kernels-error.js";
import {
  bufferUsage,
  mapModeRead,
  type WebGpuBindGroup,
  type WebGpuBuffer,
  type WebGpuComputePipeline,
  type WebGpuDevice,
} from "./webgpu-types.js";
import { defaultWorkgroupSize, type WgslOptions, wgslShapeBytes, wgslSource } from "./wgsl.js";

/** Options of createWebGpuKernel. */
export interface WebGpuKernelOptions extends WgslOptions {
  /** WGSL to run instead of the generated shader (same bindings and entry point `main`). */
  readonly source?: string;
}

/** An activation compiled for one GPUDevice. */
export interface WebGpuKernel {
  readonly activation: Activation;
  /** The WGSL it runs. */
  readonly source: string;
  /**
   * f over `input` in float32 on the GPU, into `output` (a new array when
   * omitted). Reducing activations act on consecutive rows of `rowLength`
   * elements (default: the whole input is one row) and write one value per
   * row when they reduce to a scalar. Calls on one kernel run one at a time.
   */
  run(input: Float32Array, output?: Float32Array, rowLength?: number): Promise<Float32Array>;
  /** Frees the kernel's GPU buffers; `run` fails afterwards. */
  destroy(): void;
}

/** Compiled pipelines per device and source, so that kernels for the same activation share one. */
const pipelineCache = new WeakMap<WebGpuDevice, Map<string, Promise<WebGpuComputePipeline>>>();

/**
 * Compiles the activation's WGSL shader for `device` (cached per device and
 * source); WEBGPU_UNAVAILABLE carries the compiler's messages when it fails.
 */
export async function createWebGpuKernel(
  device: WebGpuDevice,
  activation: Activation,
  options: WebGpuKernelOptions = {},
): Promise<WebGpuKernel> {
  const workgroupSize = options.workgroupSize ?? defaultWorkgroupSize;
  const source = options.source ?? wgslSource(activation, { workgroupSize });
  if (workgroupSize > device.limits.maxComputeInvocationsPerWorkgroup)
    throw new KernelsError(
      "WEBGPU_UNAVAILABLE",
      `${activation.id}: workgroupSize ${workgroupSize} exceeds this device's limit of ${device.limits.maxComputeInvocationsPerWorkgroup}`,
    );
  const pipeline = await cachedPipeline(device, source, activation.id);
  return new GpuActivationKernel(device, activation, source, pipeline, workgroupSize);
}

/** The compiled pipeline of `source` on `device`, shared by every kernel (and benchmark) with that source. */
export function cachedPipeline(
  device: WebGpuDevice,
  source: string,
  label: string,
): Promise<WebGpuComputePipeline> {
  let bySource = pipelineCache.get(device);
  if (!bySource) {
    bySource = new Map();
    pipelineCache.set(device, bySource);
  }
  let pipeline = bySource.get(source);
  if (!pipeline) {
    pipeline = compilePipeline(device, source, label);
    bySource.set(source, pipeline);
    const cache = bySource;
    // A failed compilation is not cached: the caller may fix the device or source and retry.
    pipeline.catch(() => cache.delete(source));
  }
  return pipeline;
}

async function compilePipeline(
  device: WebGpuDevice,
  source: string,
  label: string,
): Promise<WebGpuComputePipeline> {
  device.pushErrorScope("validation");
  const module = device.createShaderModule({ code: source, label });
  const { messages } = await module.getCompilationInfo();
  const errors = messages.filter((message) => message.type === "error");
  let pipeline: WebGpuComputePipeline | undefined;
  let pipelineError: unknown;
  try {
    pipeline = await device.createComputePipelineAsync({
      label,
      layout: "auto",
      compute: { module, entryPoint: "main" },
    });
  } catch (error) {
    pipelineError = error;
  }
  const validationError = await device.popErrorScope();
  if (errors.length > 0 || pipeline === undefined || validationError) {
    const lines = source.split("\n");
    const details = errors.map(
      (error) =>
        `  line ${error.lineNum}:${error.linePos}: ${error.message}\n    ${lines[error.lineNum - 1]?.trim() ?? ""}`,
    );
    if (details.length === 0)
      details.push(
        `  ${validationError?.message ?? (pipelineError instanceof Error ? pipelineError.message : String(pipelineError))}`,
      );
    throw new KernelsError(
      "WEBGPU_UNAVAILABLE",
      `${label}: the WGSL compute shader failed to compile on this device:\n${details.join("\n")}`,
      { cause: pipelineError },
    );
  }
  return pipeline;
}

/** Buffers sized for the largest chunk run so far, and the bind group over them. */
interface Resources {
  readonly capacity: number;
  readonly input: WebGpuBuffer;
  readonly output: WebGpuBuffer;
  readonly readback: WebGpuBuffer;
  readonly shape: WebGpuBuffer;
  readonly bindGroup: WebGpuBindGroup;
}

class GpuActivationKernel implements WebGpuKernel {
  private resources: Resources | undefined;
  private destroyed = false;
  /** Runs are serialised: they share the buffers. */
  private pending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly device: WebGpuDevice,
    readonly activation: Activation,
    readonly source: string,
    private readonly pipeline: WebGpuComputePipeline,
    private readonly workgroupSize: number,
  ) {}

  run(input: Float32Array, output?: Float32Array, rowLength?: number): Promise<Float32Array> {
    const result = this.pending.then(() => this.runNow(input, output, rowLength));
    this.pending = result.catch(() => undefined);
    return result;
  }

  destroy(): void {
    this.destroyed = true;
    this.releaseResources();
  }

  private problem(message: string): KernelsError {
    return new KernelsError("INPUT_INVALID", `${this.activation.id} WebGPU kernel: ${message}`);
  }

  private async runNow(
    input: Float32Array,
    given: Float32Array | undefined,
    rowLength: number | undefined,
  ): Promise<Float32Array> {
    if (this.destroyed)
      throw new KernelsError(
        "WEBGPU_UNAVAILABLE",
        `${this.activation.id} WebGPU kernel: it was destroyed; create a new one`,
      );
    if (!(input instanceof Float32Array)) throw this.problem("input must be a Float32Array");
    const reduces = this.activation.reduces;
    const row = reduces ? (rowLength ?? Math.max(input.length, 1)) : 1;
    if (reduces && (!Number.isInteger(row) || row <= 0 || input.length % row !== 0))
      throw this.problem(
        `rowLength must be a positive integer dividing the input length ${input.length}, got ${String(rowLength)}`,
      );
    const toScalar = reduces && this.activation.reducesToScalar;
    const outputLength = toScalar ? input.length / row : input.length;
    const output = given ?? new Float32Array(outputLength);
    if (!(output instanceof Float32Array) || output.length !== outputLength)
      throw this.problem(`output must be a Float32Array of length ${outputLength}`);
    if (input.length === 0) return output;

    const { maxStorageBufferBindingSize, maxBufferSize } = this.device.limits;
    const maxElements = Math.floor(Math.min(maxStorageBufferBindingSize, maxBufferSize) / 4);
    const rowsPerChunk = Math.floor(maxElements / row);
    if (rowsPerChunk === 0)
      throw this.problem(
        `a row of ${row} floats exceeds this device's largest storage buffer (${maxElements} floats)`,
      );
    const rows = input.length / row;
    for (let first = 0; first < rows; first += rowsPerChunk) {
      const count = Math.min(rowsPerChunk, rows - first);
      const inputChunk = input.subarray(first * row, (first + count) * row);
      const outputChunk = toScalar
        ? output.subarray(first, first + count)
        : output.subarray(first * row, (first + count) * row);
      await this.runChunk(inputChunk, outputChunk, reduces ? count : inputChunk.length, row);
    }
    return output;
  }

  /** One dispatch over `items` elements (or rows) that fit the buffers. */
  private async runChunk(
    input: Float32Array,
    output: Float32Array,
    items: number,
    rowLength: number,
  ): Promise<void> {
    const device = this.device;
    const resources = this.buffersFor(Math.max(input.length, output.length));
    const maxPerDimension = device.limits.maxComputeWorkgroupsPerDimension;
    const workgroups = Math.ceil(items / this.workgroupSize);
    const gridX = Math.min(workgroups, maxPerDimension);
    const gridY = Math.ceil(workgroups / gridX);
    if (gridY > maxPerDimension) throw this.problem(`${items} items exceed the dispatch grid`);

    device.pushErrorScope("out-of-memory");
    device.pushErrorScope("validation");
    // writeBuffer rejects views of a SharedArrayBuffer in some implementations: copy those.
    device.queue.writeBuffer(
      resources.input,
      0,
      input.buffer instanceof ArrayBuffer ? input : input.slice(),
    );
    device.queue.writeBuffer(
      resources.shape,
      0,
      new Uint32Array([items, rowLength, gridX * this.workgroupSize, 0]),
    );
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, resources.bindGroup);
    pass.dispatchWorkgroups(gridX, gridY);
    pass.end();
    const bytes = output.length * 4;
    encoder.copyBufferToBuffer(resources.output, 0, resources.readback, 0, bytes);
    device.queue.submit([encoder.finish()]);
    const validation = await device.popErrorScope();
    const outOfMemory = await device.popErrorScope();
    const failure = validation ?? outOfMemory;
    if (failure)
      throw new KernelsError(
        "WEBGPU_UNAVAILABLE",
        `${this.activation.id} WebGPU kernel: the dispatch failed: ${failure.message}`,
      );
    try {
      await resources.readback.mapAsync(mapModeRead, 0, bytes);
    } catch (error) {
      throw new KernelsError(
        "WEBGPU_UNAVAILABLE",
        `${this.activation.id} WebGPU kernel: reading the result back failed (device lost?)`,
        { cause: error },
      );
    }
    output.set(new Float32Array(resources.readback.getMappedRange(0, bytes)));
    resources.readback.unmap();
  }

  private buffersFor(elements: number): Resources {
    if (this.resources && this.resources.capacity >= elements) return this.resources;
    this.releaseResources();
    const device = this.device;
    const bytes = Math.max(elements, 1) * 4;
    const label = this.activation.id;
    const input = device.createBuffer({
      label: `${label} input`,
      size: bytes,
      usage: bufferUsage.storage | bufferUsage.copyDestination,
    });
    const output = device.createBuffer({
      label: `${label} output`,
      size: bytes,
      usage: bufferUsage.storage | bufferUsage.copySource,
    });
    const readback = device.createBuffer({
      label: `${label} readback`,
      size: bytes,
      usage: bufferUsage.mapRead | bufferUsage.copyDestination,
    });
    const shape = device.createBuffer({
      label: `${label} shape`,
      size: wgslShapeBytes,
      usage: bufferUsage.uniform | bufferUsage.copyDestination,
    });
    const bindGroup = device.createBindGroup({
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: input } },
        { binding: 1, resource: { buffer: output } },
        { binding: 2, resource: { buffer: shape } },
      ],
    });
    this.resources = { capacity: Math.max(elements, 1), input, output, readback, shape, bindGroup };
    return this.resources;
  }

  private releaseResources(): void {
    const resources = this.resources;
    this.resources = undefined;
    if (!resources) return;
    for (const buffer of [resources.input, resources.output, resources.readback, resources.shape])
      buffer.destroy();
  }
}
