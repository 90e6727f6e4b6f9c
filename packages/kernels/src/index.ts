export {
  type Activation,
  type ActivationDefinition,
  type ActivationProperties,
  activationId,
  defineActivation,
  instantiate,
  type ParameterSpec,
  type Parameters,
  resolveParameters,
} from "./activation/activation.js";
export {
  defineExpressionActivation,
  type ExpressionActivationSpec,
} from "./activation/expression-activation.js";
export { expBySquaring, logByRoots } from "./activations/algebraic-exp-log.js";
export { algebraicForms } from "./activations/algebraic-forms.js";
export { activations, exactActivations, getActivation } from "./activations/index.js";
/** Piecewise-linear pieces: a fitted form's own (piecesOf), evaluated, and written as an expression of ops integer NPUs run. */
export { piecesOf, pwlExpression, pwlLinesExpression } from "./activations/pwl-forms.js";
/** The measured catalog: `catalog()` rows (op counts, max abs/rel error, mean |err| under N(0,1)), as Markdown or JSON. */
export {
  type CatalogRow,
  catalog,
  catalogJson,
  catalogMarkdown,
  catalogRow,
  catalogSection,
  formatSignificant,
  replaceCatalogSection,
} from "./approximations/catalog.js";
/** The error engine: `measureError(exact, approximation)` and `measureEntry(entry)` over ℝ, a domain, or rows. */
export {
  type ErrorMeasurement,
  type ErrorOptions,
  errorGrid,
  instantiateEntry,
  measureEntry,
  measureError,
  type Unbounded,
  type VectorRow,
  type VectorSummary,
  vectorRows,
} from "./approximations/error.js";
/** Parameter fitting: `fitMinimax(entry)` over ℝ, `fitToSample(entry, samples, { objective })` over observed inputs. */
export {
  type FitObjective,
  type FitOptions,
  type FitResult,
  fitMinimax,
  fitToSample,
  type SampleFitOptions,
} from "./approximations/fit.js";
export {
  type ApproximationDefinition,
  approximations,
  approximationsFor,
} from "./approximations/index.js";
export { evaluatePwl, type Line, type PiecewiseLinear } from "./approximations/pwl-fit.js";
/** Integer devices: per-tensor quantization grids, int8/int16 activation tables, and errors computed input by input as the device computes them. */
export {
  calibratedGrid,
  type DeviceErrors,
  dequantize,
  deviceErrors,
  deviceTableValue,
  fitQuantizedTable,
  integerRange,
  outputGrid,
  type QuantizationGrid,
  type QuantizedTable,
  quantize,
  quantizedTableExpression,
  snapPwlToGrid,
} from "./approximations/quantized.js";
export { KernelsError, type KernelsErrorCode } from "./errors/kernels-error.js";
export { applyOp, type CompiledExpression, compileExpression } from "./expression/evaluate.js";
export {
  Expr,
  expandOps,
  expressionNodes,
  formatExpression,
  type Operand,
  opCounts,
  opsUsed,
  type PrimitiveOp,
  primitiveOps,
  reductionOps,
  toExpr,
  transcendentalOps,
  where,
} from "./expression/expression.js";
export {
  type ExpandBuilder,
  type OpDefinition,
  opDefinitions,
  type WgslHelperName,
} from "./expression/ops.js";
export { erf, erfc, normalCdf, normalPdf, sigmoid, softplus } from "./math/special.js";
export type { WasmMemory } from "./wasm/wasm-api.js";
/** WASM SIMD (f32x4) kernels for every activation: `loadWasmKernels()` → `wasm.kernel(activation)`, `wasm.allocate(n)`. */
export {
  loadWasmKernels,
  type WasmKernel,
  type WasmKernelOptions,
  type WasmKernels,
} from "./wasm/wasm-kernels.js";
/** WGSL compute shaders for every activation, generated from its expression, and a kernel that runs them on a GPUDevice. */
export {
  createWebGpuKernel,
  type WebGpuKernel,
  type WebGpuKernelOptions,
} from "./webgpu/webgpu-kernel.js";
export type {
  WebGpuBindGroup,
  WebGpuBindGroupLayout,
  WebGpuBuffer,
  WebGpuCommandBuffer,
  WebGpuCommandEncoder,
  WebGpuCompilationMessage,
  WebGpuComputePass,
  WebGpuComputePipeline,
  WebGpuDevice,
  WebGpuError,
  WebGpuQueue,
  WebGpuShaderModule,
} from "./webgpu/webgpu-types.js";
export { type WgslOptions, wgslSource } from "./webgpu/wgsl.js";
