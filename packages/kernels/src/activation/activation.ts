import { KernelsError } from "../errors/kernels-error.js";
import { type CompiledExpression, compileExpression } from "../expression/evaluate.js";
import type { Expr } from "../expression/expression.js";

/** A typed parameter of an activation, with its default and constraints. */
export interface ParameterSpec {
  readonly name: string;
  readonly default: number;
  readonly description: string;
  readonly min?: number;
  readonly max?: number;
  /** The bound itself is not allowed (e.g. k > 0). */
  readonly minExclusive?: boolean;
  readonly maxExclusive?: boolean;
  readonly integer?: boolean;
  /** Values seen in practice, [lo, hi]: what property tests sample and fits search (defaults to the constraints, else ±10). */
  readonly typical?: readonly [number, number];
}

/** Parameter values by name. */
export type Parameters = Readonly<Record<string, number>>;

/** Claims about an activation that the catalog's property tests check. */
export interface ActivationProperties {
  /** Shape of f over ℝ. */
  readonly monotonic?: "increasing" | "nondecreasing";
  /** f(ℝ) ⊆ [lo, hi] (±Infinity for unbounded). */
  readonly range?: (p: Parameters) => readonly [number, number];
  /** Points where f′ jumps (finite-difference checks skip their neighbourhood). */
  readonly kinks?: (p: Parameters) => readonly number[];
  /** Only defined on this interval (e.g. exp approximations on (−∞, 0]). */
  readonly domain?: readonly [number, number];
  /**
   * A proven bound on |f − the activation it stands for| over every input,
   * for forms over vectors, whose measurement samples rows and can miss the
   * worst one: the measurement reports the larger of the two.
   */
  readonly errorBound?: (p: Parameters) => number;
}

/**
 * One elementwise activation, defined once: parameters, float64 f and f′,
 * the expression over primitive ops (the single source of truth for the
 * rewriter and the WASM/WGSL kernels), and optionally a hand-written
 * Float32Array loop (otherwise one is made from f).
 */
export interface ActivationDefinition<P extends Parameters = Parameters> {
  /** Identifier used by the catalog, the CLI and target profiles (kebab-case). */
  readonly name: string;
  /** Display name. */
  readonly title: string;
  /** The formula, for docs and tables. */
  readonly formula: string;
  readonly parameters: readonly ParameterSpec[];
  f(x: number, p: P): number;
  df(x: number, p: P): number;
  expression(p: P): Expr;
  /** A specialised plain-JS loop (output may alias input). Elementwise activations only. */
  kernel?(input: Float32Array, output: Float32Array, p: P): void;
  /**
   * For multivariable activations (softmax, LogSumExp; their expressions
   * reduce): f over one row in float64, a row (softmax) or one value (LSE).
   * `f` and `df` then describe a row of length 1.
   */
  fVector?(x: Float64Array, p: P): Float64Array | number;
  readonly properties: ActivationProperties;
  /**
   * True when f′ is the expression's own derivative (approximating forms);
   * such forms may have small kinks wherever a Max, Abs or Where switches.
   */
  readonly derivativeFromExpression?: boolean;
  /** The ONNX op that computes it natively, when there is one (with the attributes its parameters map to). */
  readonly onnx?: {
    readonly opType: string;
    readonly since: number;
    attributes?(p: P): Record<string, number | string>;
  };
}

/** An activation with its parameters fixed and checked. */
export interface Activation {
  readonly definition: ActivationDefinition;
  readonly params: Parameters;
  /** `name` or `name{a=…,b=…}` for non-default parameters. */
  readonly id: string;
  f(x: number): number;
  df(x: number): number;
  readonly expression: Expr;
  readonly compiled: CompiledExpression;
  /** True for multivariable activations (softmax, LSE) that act on rows. */
  readonly reduces: boolean;
  /** For reducing activations: values per output row (1 for LSE, the row length for softmax). */
  readonly reducesToScalar: boolean;
  /** f over one row in float64 (elementwise activations map f). */
  fVector(x: Float64Array): Float64Array | number;
  /**
   * Applies f in float32 into `output` (which may be `input`; a new array
   * when omitted). Reducing activations act on consecutive rows of
   * `rowLength` elements (default: the whole input is one row), and write one
   * value per row when they reduce to a scalar.
   */
  kernel(input: Float32Array, output?: Float32Array, rowLength?: number): Float32Array;
}

/** Checks a definition's parameter specs once, at definition time. */
export function defineActivation<P extends Parameters>(
  definition: ActivationDefinition<P>,
): ActivationDefinition<P> {
  for (const spec of definition.parameters) {
    const problem = parameterProblem(spec, spec.default);
    if (problem)
      throw new Error(`activation ${definition.name}: default of ${spec.name} ${problem}`);
  }
  return definition;
}

function parameterProblem(spec: ParameterSpec, value: number): string | undefined {
  if (typeof value !== "number" || Number.isNaN(value))
    return `must be a number, got ${String(value)}`;
  if (spec.integer && !Number.isInteger(value)) return `must be an integer, got ${value}`;
  if (spec.min !== undefined && (spec.minExclusive ? value <= spec.min : value < spec.min))
    return `must be ${spec.minExclusive ? ">" : "≥"} ${spec.min}, got ${value}`;
  if (spec.max !== undefined && (spec.maxExclusive ? value >= spec.max : value > spec.max))
    return `must be ${spec.maxExclusive ? "<" : "≤"} ${spec.max}, got ${value}`;
  if (!Number.isFinite(value)) return `must be finite, got ${value}`;
  return undefined;
}

/** Fills in defaults and checks every parameter; PARAM_INVALID names the activation, parameter and constraint. */
export function resolveParameters(
  definition: ActivationDefinition,
  given: Partial<Parameters> = {},
): Parameters {
  const known = new Set(definition.parameters.map((spec) => spec.name));
  for (const name of Object.keys(given)) {
    if (!known.has(name)) {
      const list = [...known].join(", ") || "none";
      throw new KernelsError(
        "PARAM_INVALID",
        `${definition.name} has no parameter "${name}" (its parameters: ${list})`,
      );
    }
  }
  const params: Record<string, number> = {};
  for (const spec of definition.parameters) {
    const value = given[spec.name] ?? spec.default;
    const problem = parameterProblem(spec, value);
    if (problem)
      throw new KernelsError(
        "PARAM_INVALID",
        `${definition.name}: ${spec.name} ${problem} (${spec.description})`,
      );
    params[spec.name] = value;
  }
  return Object.freeze(params);
}

/** `name{a=1,b=2}` listing the parameters that differ from their defaults. */
export function activationId(definition: ActivationDefinition, params: Parameters): string {
  const changed = definition.parameters
    .filter((spec) => params[spec.name] !== spec.default)
    .map((spec) => `${spec.name}=${params[spec.name]}`);
  return changed.length === 0 ? definition.name : `${definition.name}{${changed.join(",")}}`;
}

/** Fixes an activation's parameters (defaults for the ones not given). */
export function instantiate(
  definition: ActivationDefinition,
  given: Partial<Parameters> = {},
): Activation {
  const params = resolveParameters(definition, given);
  const expression = definition.expression(params);
  const compiled = compileExpression(expression);
  const f = (x: number) => definition.f(x, params);
  const reduces = compiled.reduces;
  const reducesToScalar = reduces && rootIsReduced(expression);
  const fVector = (x: Float64Array): Float64Array | number => {
    if (definition.fVector) return definition.fVector(x, params);
    if (reduces) return compiled.evaluateVector(x);
    return x.map(f);
  };
  const loop =
    definition.kernel !== undefined
      ? (input: Float32Array, output: Float32Array) => definition.kernel!(input, output, params)
      : (input: Float32Array, output: Float32Array) => {
          for (let i = 0; i < input.length; i++) output[i] = f(input[i]!);
        };
  const problem = (message: string) =>
    new KernelsError("INPUT_INVALID", `${definition.name} kernel: ${message}`);
  return {
    definition,
    params,
    id: activationId(definition, params),
    f,
    df: (x) => definition.df(x, params),
    expression,
    compiled,
    reduces,
    reducesToScalar,
    fVector,
    kernel(input, output, rowLength) {
      if (!(input instanceof Float32Array)) throw problem("input must be a Float32Array");
      if (!reduces) {
        const out = output ?? new Float32Array(input.length);
        if (!(out instanceof Float32Array) || out.length !== input.length)
          throw problem(`output must be a Float32Array of the input's length ${input.length}`);
        loop(input, out);
        return out;
      }
      const row = rowLength ?? input.length;
      if (!Number.isInteger(row) || row <= 0 || input.length % row !== 0)
        throw problem(
          `rowLength must be a positive integer dividing the input length ${input.length}, got ${row}`,
        );
      const rows = input.length / row;
      const outLength = reducesToScalar ? rows : input.length;
      const out = output ?? new Float32Array(outLength);
      if (!(out instanceof Float32Array) || out.length !== outLength)
        throw problem(`output must be a Float32Array of length ${outLength}`);
      const values = new Float64Array(row);
      for (let r = 0; r < rows; r++) {
        for (let i = 0; i < row; i++) values[i] = input[r * row + i]!;
        const y = fVector(values);
        if (typeof y === "number") out[r] = y;
        else out.set(y, r * row);
      }
      return out;
    },
  };
}

/** True when every path from the root to the input passes a reduction (the result is one value per row). */
function rootIsReduced(root: Expr): boolean {
  const memo = new Map<Expr, boolean>();
  const vectorValued = (node: Expr): boolean => {
    const known = memo.get(node);
    if (known !== undefined) return known;
    let result: boolean;
    if (node.op === "Input") result = true;
    else if (node.op === "Constant" || node.op === "ReduceMax" || node.op === "ReduceSum")
      result = false;
    else result = node.inputs.some(vectorValued);
    memo.set(node, result);
    return result;
  };
  return !vectorValued(root);
}
