// The part of the WebGPU API the kernels use, declared structurally so that
// this package needs neither the DOM lib nor @webgpu/types: a browser's
// GPUDevice (or the `webgpu` npm package's) satisfies these interfaces.

/** GPUBufferUsage flags (values fixed by the WebGPU spec). */
export const bufferUsage = {
  mapRead: 0x0001,
  copySource: 0x0004,
  copyDestination: 0x0008,
  uniform: 0x0040,
  storage: 0x0080,
} as const;

/** GPUMapMode.READ. */
export const mapModeRead = 0x0001;

/** A GPUBuffer. */
export interface WebGpuBuffer {
  readonly size: number;
  mapAsync(mode: number, offset?: number, size?: number): Promise<void>;
  getMappedRange(offset?: number, size?: number): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}

/** One message of GPUCompilationInfo. */
export interface WebGpuCompilationMessage {
  readonly message: string;
  readonly type: "error" | "warning" | "info";
  readonly lineNum: number;
  readonly linePos: number;
}

/** A GPUShaderModule. */
export interface WebGpuShaderModule {
  getCompilationInfo(): Promise<{ readonly messages: readonly WebGpuCompilationMessage[] }>;
}

/** A GPUBindGroupLayout (opaque here). */
export type WebGpuBindGroupLayout = object;
/** A GPUBindGroup (opaque here). */
export type WebGpuBindGroup = object;

/** A GPUComputePipeline. */
export interface WebGpuComputePipeline {
  getBindGroupLayout(index: number): WebGpuBindGroupLayout;
}

/** A GPUComputePassEncoder. */
export interface WebGpuComputePass {
  setPipeline(pipeline: WebGpuComputePipeline): void;
  setBindGroup(index: number, bindGroup: WebGpuBindGroup): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}

/** A GPUCommandBuffer (opaque here). */
export type WebGpuCommandBuffer = object;

/** A GPUCommandEncoder. */
export interface WebGpuCommandEncoder {
  beginComputePass(descriptor?: { label?: string }): WebGpuComputePass;
  copyBufferToBuffer(
    source: WebGpuBuffer,
    sourceOffset: number,
    destination: WebGpuBuffer,
    destinationOffset: number,
    size: number,
  ): void;
  finish(): WebGpuCommandBuffer;
}

/** A GPUQueue. */
export interface WebGpuQueue {
  writeBuffer(buffer: WebGpuBuffer, bufferOffset: number, data: ArrayBufferView): void;
  submit(commandBuffers: WebGpuCommandBuffer[]): void;
}

/** A GPUError. */
export interface WebGpuError {
  readonly message: string;
}

/** A GPUDevice: what createWebGpuKernel needs of it. */
export interface WebGpuDevice {
  readonly limits: {
    readonly maxStorageBufferBindingSize: number;
    readonly maxBufferSize: number;
    readonly maxComputeWorkgroupsPerDimension: number;
    readonly maxComputeInvocationsPerWorkgroup: number;
  };
  readonly queue: WebGpuQueue;
  createShaderModule(descriptor: { code: string; label?: string }): WebGpuShaderModule;
  createComputePipelineAsync(descriptor: {
    label?: string;
    layout: "auto";
    compute: { module: WebGpuShaderModule; entryPoint: string };
  }): Promise<WebGpuComputePipeline>;
  createBuffer(descriptor: { size: number; usage: number; label?: string }): WebGpuBuffer;
  createBindGroup(descriptor: {
    layout: WebGpuBindGroupLayout;
    entries: { binding: number; resource: { buffer: WebGpuBuffer } }[];
  }): WebGpuBindGroup;
  createCommandEncoder(): WebGpuCommandEncoder;
  pushErrorScope(filter: "validation" | "out-of-memory" | "internal"): void;
  popErrorScope(): Promise<WebGpuError | null>;
}
