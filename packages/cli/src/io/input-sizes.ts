import { type Dimension, type Model, tensorType, tensorTypeInfo } from "@rectify/onnx";
import { randomFeedDims } from "@rectify/rewrite";
import { InvalidArgumentError } from "commander";

/** Sizes for random verification inputs, as `--dim` and `--input-shape` give them. */
export interface InputSizeOptions {
  /** `--dim NAME=N`: sizes of symbolic dims. */
  readonly dim?: Readonly<Record<string, number>>;
  /** `--input-shape INPUT=D1,D2,…`: whole shapes of inputs. */
  readonly inputShape?: Readonly<Record<string, readonly number[]>>;
}

const size = /^(0|[1-9]\d{0,9})$/;

function split(value: string, what: string): [string, string] {
  const at = value.lastIndexOf("=");
  if (at <= 0 || at === value.length - 1)
    throw new InvalidArgumentError(`expected ${what}, got "${value}"`);
  return [value.slice(0, at), value.slice(at + 1)];
}

/** Commander collector for a repeatable `--dim NAME=N`. */
export function collectDim(
  value: string,
  previous: Record<string, number> | undefined,
): Record<string, number> {
  const [name, text] = split(value, "NAME=N (a symbolic dim and its size)");
  if (!size.test(text))
    throw new InvalidArgumentError(`--dim ${name}: "${text}" is not a size (a whole number ≥ 0)`);
  return { ...previous, [name]: Number(text) };
}

/** Commander collector for a repeatable `--input-shape INPUT=D1,D2,…`. */
export function collectInputShape(
  value: string,
  previous: Record<string, number[]> | undefined,
): Record<string, number[]> {
  const [name, text] = split(value, "INPUT=D1,D2,… (an input's name and its dims)");
  const dims = text === "scalar" ? [] : text.split(/[,x×]/);
  if (!dims.every((dim) => size.test(dim.trim())))
    throw new InvalidArgumentError(
      `--input-shape ${name}: "${text}" is not a list of sizes (e.g. 1,3,224,224; "scalar" for rank 0)`,
    );
  return { ...previous, [name]: dims.map((dim) => Number(dim.trim())) };
}

/** The random-feed options for `optimizeModel`/`randomFeeds` from the CLI's size options. */
export function randomSizes(options: InputSizeOptions): {
  dims?: Readonly<Record<string, number>>;
  inputShapes?: Readonly<Record<string, readonly number[]>>;
} {
  return {
    ...(options.dim ? { dims: options.dim } : {}),
    ...(options.inputShape ? { inputShapes: options.inputShape } : {}),
  };
}

/** Help text shared by the commands that take sizes. */
export const inputSizeHelp = {
  dim: "size of a symbolic input dim for random inputs, e.g. --dim batch=1 --dim time=16000 (repeatable)",
  inputShape:
    "whole shape of an input for random inputs, e.g. --input-shape image=1,3,224,224 (repeatable; its named dims size the same dims of other inputs)",
};

/**
 * Writes `--dim` and `--input-shape` sizes into the model's input
 * declarations (for `inspect`, which runs nothing: shape inference then sees
 * them). Shapes that contradict a declaration are refused as in random inputs.
 */
export function declareInputSizes(model: Model, options: InputSizeOptions): void {
  if (!options.dim && !options.inputShape) return;
  const sized = randomFeedDims(model, {
    ...(options.dim ? { dynamicDims: options.dim } : {}),
    ...(options.inputShape ? { inputShapes: options.inputShape } : {}),
  });
  for (const value of model.graph.inputs) {
    const info = tensorTypeInfo(value.type);
    const dims = sized[value.name];
    if (!info || !dims) continue;
    const named = (dim: Dimension, axis: number): Dimension =>
      options.inputShape?.[value.name] !== undefined ||
      (typeof dim === "string" && dim !== "" && options.dim?.[dim] !== undefined)
        ? dims[axis]!
        : dim;
    value.type = tensorType(
      info.elementType,
      (info.shape ?? dims).map((dim, axis) => named(dim, axis)),
    );
  }
}
