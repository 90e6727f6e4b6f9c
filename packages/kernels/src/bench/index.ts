// @rectify/kernels/bench: the kernels' throughput measurements as functions
// returning plain data (elements per second), for the benchmark CLIs and app.
// Node and browsers alike: nothing here imports node: modules.
export { type BenchmarkKind, benchmarkIds } from "./benchmark-list.js";
export {
  type KernelThroughput,
  type KernelThroughputOptions,
  type KernelThroughputRow,
  measureKernelThroughput,
} from "./kernel-throughput.js";
export {
  measureOpFloor,
  type OpFloor,
  type OpFloorOptions,
  type OpFloorRow,
} from "./op-floor.js";
export {
  measureWgslThroughput,
  type WebGpuTimingDevice,
  type WgslThroughput,
  type WgslThroughputOptions,
  type WgslThroughputRow,
} from "./wgsl-throughput.js";
