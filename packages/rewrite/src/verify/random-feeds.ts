import { type Dimension, float32ToFloat16Bits, SeededRandom } from "@rectify/onnx";
import { RewriteError } from "../errors/rewrite-error.js";
import type { Feeds, FeedTensor } from "./evaluator.js";
import {
  allocateFeedData,
  declaredInputs,
  feedElementCount,
  formatDims,
  type InputDeclaration,
  type InputSource,
} from "./feeds.js";

/** Options of randomFeeds. */
export interface RandomFeedsOptions {
  /** Seed (default 0). An input's values depend only on the seed and its name, type and dims. */
  readonly seed?: number;
  /** Floats are drawn from N(0, scale²) (default scale 1). */
  readonly scale?: number;
  /** Draw floats from U(low, high) instead. */
  readonly uniform?: readonly [number, number];
  /** Integers are drawn uniformly from [low, high) (default [0, 10)). */
  readonly integerRange?: readonly [number, number];
  /** Sizes of symbolic dims, by dim_param name. */
  readonly dynamicDims?: Readonly<Record<string, number>>;
  /**
   * Whole shapes of some inputs, by input name. Each must have the declared
   * rank and agree with its static dims; its symbolic dims then size the
   * same-named dims of every other input (unless dynamicDims names them).
   */
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
  /** Size of a dynamic dim that dynamicDims does not name and that is not batch-like (default 16). */
  readonly defaultDim?: number;
}

/** More elements than this in one random input is almost surely a mistaken dim; refuse before allocating. */
const maxRandomElements = 1 << 28;

/**
 * Seeded random feeds for every required input, from the declared element types
 * and shapes: floats ~ N(0, 1) (see options), integers in 0..9, bools 0/1.
 * Inputs with an initializer of the same name (defaults) are skipped.
 * Dynamic dims are sized by `concreteDims`'s rule, so the result is the same
 * for the same seed on every machine.
 */
export function randomFeeds(source: InputSource, options: RandomFeedsOptions = {}): Feeds {
  checkOptions(options);
  const declarations = declaredInputs(source);
  const sized = withInputShapes(declarations, options);
  const feeds: Record<string, FeedTensor> = {};
  for (const declaration of declarations) {
    if (declaration.optional && !options.inputShapes?.[declaration.name]) continue;
    feeds[declaration.name] = randomTensor(declaration, sized);
  }
  return feeds;
}

/**
 * The dims random feeds would give each input (nothing is allocated): what
 * `--dim`/`--input-shape` make of the declared shapes. Inputs of unknown
 * rank that no given shape covers are left out.
 */
export function randomFeedDims(
  source: InputSource,
  options: RandomFeedsOptions = {},
): Record<string, number[]> {
  checkOptions(options);
  const declarations = declaredInputs(source);
  const sized = withInputShapes(declarations, options);
  const dims: Record<string, number[]> = {};
  for (const declaration of declarations) {
    if (declaration.shape === undefined && !options.inputShapes?.[declaration.name]) continue;
    dims[declaration.name] = concreteDims(declaration, sized);
  }
  return dims;
}

/** The options with `inputShapes` checked against the declarations and their symbolic dims added to dynamicDims. */
function withInputShapes(
  declarations: readonly InputDeclaration[],
  options: RandomFeedsOptions,
): RandomFeedsOptions {
  const shapes = options.inputShapes;
  if (!shapes) return options;
  const byName = new Map(declarations.map((declaration) => [declaration.name, declaration]));
  const implied: Record<string, number> = {};
  for (const [name, dims] of Object.entries(shapes)) {
    const declaration = byName.get(name);
    const fail = (problem: string) =>
      new RewriteError("OPTIONS_INVALID", `input shape for "${name}": ${problem}`, { value: name });
    if (!declaration)
      throw fail(`the model has no such input (inputs: ${[...byName.keys()].join(", ")})`);
    const declared = declaration.shape;
    if (declared && declared.length !== dims.length)
      throw fail(
        `it has ${dims.length} dims, the model declares ${declared.length} (${formatDims(declared)})`,
      );
    declared?.forEach((dim, axis) => {
      const size = dims[axis]!;
      if (typeof dim === "number" && dim !== size)
        throw fail(`dim ${axis} is ${size}, the model fixes it at ${dim}`);
      if (typeof dim === "string" && dim !== "" && options.dynamicDims?.[dim] === undefined) {
        if (implied[dim] !== undefined && implied[dim] !== size)
          throw fail(`"${dim}" is ${size} here but ${implied[dim]} in another given shape`);
        implied[dim] = size;
      }
    });
  }
  return { ...options, dynamicDims: { ...implied, ...options.dynamicDims } };
}

/**
 * The dims random feeds use for an input. A static dim keeps its size; a dynamic
 * dim takes `dynamicDims[dim_param]` when given, else 1 when its name is
 * batch-like (contains "batch", or is exactly "N" or "n"), else `defaultDim` (16).
 * Unnamed dynamic dims (no dim_value, no dim_param) take `defaultDim`.
 */
export function concreteDims(
  declaration: InputDeclaration,
  options: RandomFeedsOptions = {},
): number[] {
  const { name, shape } = declaration;
  const given = options.inputShapes?.[name];
  if (given) return [...given];
  if (shape === undefined) {
    throw new RewriteError(
      "INPUTS_INVALID",
      `graph input "${name}" declares no shape (unknown rank), so random inputs cannot be made for it; give the input a shape in the model or pass input files`,
      { value: name },
    );
  }
  return shape.map((dim) => dimensionSize(dim, options));
}

function dimensionSize(dim: Dimension, options: RandomFeedsOptions): number {
  if (typeof dim === "number") return dim;
  const defaultDim = options.defaultDim ?? 16;
  if (dim === null || dim === "") return defaultDim;
  const given = options.dynamicDims?.[dim];
  if (given !== undefined) return given;
  return /batch/i.test(dim) || dim === "N" || dim === "n" ? 1 : defaultDim;
}

function randomTensor(declaration: InputDeclaration, options: RandomFeedsOptions): FeedTensor {
  const { name, type } = declaration;
  const dims = concreteDims(declaration, options);
  const count = feedElementCount(dims);
  if (Number.isNaN(count)) {
    throw new RewriteError(
      "INPUTS_INVALID",
      `graph input "${name}" declares dims ${formatDims(dims)}; every dim must be a non-negative integer (fix the model or pass input files)`,
      { value: name },
    );
  }
  if (count > maxRandomElements) {
    throw new RewriteError(
      "INPUTS_INVALID",
      `graph input "${name}" would get dims ${formatDims(dims)} (${count} elements), too many for random inputs; set smaller sizes with dynamicDims or pass input files`,
      { value: name },
    );
  }
  const random = new SeededRandom(inputSeed(options.seed ?? 0, name));
  const data = allocateFeedData(type, count);
  const [low, high] = options.integerRange ?? [0, 10];
  const floatValue = () =>
    options.uniform
      ? random.uniform(options.uniform[0], options.uniform[1])
      : random.normal(0, options.scale ?? 1);
  for (let i = 0; i < count; i++) {
    let value: number | bigint;
    if (type === "float32" || type === "float64") value = floatValue();
    else if (type === "float16") value = float32ToFloat16Bits(floatValue());
    else if (type === "bool") value = random.int(0, 2);
    else if (type === "int64" || type === "uint64") value = BigInt(random.int(low, high));
    else value = random.int(low, high);
    (data as unknown as { [index: number]: number | bigint })[i] = value;
  }
  return { type, dims, data };
}

/** Mixes the seed with the input's name (FNV-1a) so inputs get independent streams and adding one leaves the others unchanged. */
function inputSeed(seed: number, name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ hash) >>> 0;
}

function checkOptions(options: RandomFeedsOptions): void {
  const fail = (path: string, problem: string) =>
    new RewriteError("OPTIONS_INVALID", `random feeds option ${path} ${problem}`, { path });
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed))
    throw fail("seed", `is ${options.seed}; use an integer`);
  if (options.scale !== undefined && !(Number.isFinite(options.scale) && options.scale >= 0))
    throw fail("scale", `is ${options.scale}; use a finite number ≥ 0`);
  if (options.uniform !== undefined) {
    const [low, high] = options.uniform;
    if (!(Number.isFinite(low) && Number.isFinite(high) && low <= high))
      throw fail("uniform", `is [${low}, ${high}]; use finite [low, high] with low ≤ high`);
  }
  if (options.integerRange !== undefined) {
    const [low, high] = options.integerRange;
    if (!(Number.isSafeInteger(low) && Number.isSafeInteger(high) && low < high))
      throw fail("integerRange", `is [${low}, ${high}); use integers with low < high`);
  }
  const isSize = (value: number) => Number.isSafeInteger(value) && value >= 0;
  if (options.defaultDim !== undefined && !isSize(options.defaultDim))
    throw fail("defaultDim", `is ${options.defaultDim}; use a non-negative integer`);
  for (const [dim, size] of Object.entries(options.dynamicDims ?? {})) {
    if (!isSize(size)) throw fail(`dynamicDims.${dim}`, `is ${size}; use a non-negative integer`);
  }
  for (const [input, dims] of Object.entries(options.inputShapes ?? {})) {
    if (!dims.every(isSize))
      throw fail(`inputShapes.${input}`, `is [${dims.join(", ")}]; use non-negative integers`);
  }
}
