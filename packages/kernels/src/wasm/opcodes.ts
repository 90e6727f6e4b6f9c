import type { PlanOp } from "./expression-plan.js";

/**
 * Instruction codes of the WASM fallback interpreter, by position. Shared by
 * scripts/build-wasm.ts (which generates the interpreter's switch) and the
 * loader (which encodes programs). `Store` writes a slot to the output.
 */
export const interpreterOpcodes = [
  "Input",
  "Store",
  "Identity",
  "ReduceMax",
  "ReduceSum",
  "Add",
  "Sub",
  "Mul",
  "Div",
  "Max",
  "Min",
  "Pow",
  "Greater",
  "Less",
  "GreaterOrEqual",
  "Neg",
  "Abs",
  "Sqrt",
  "Reciprocal",
  "Exp",
  "Log",
  "Erf",
  "Tanh",
  "Sigmoid",
  "Relu",
  "Sign",
  "Floor",
  "Where",
  "Clip",
] as const satisfies readonly (Exclude<PlanOp, "Constant"> | "Store")[];

/** An interpreter instruction's op. */
export type InterpreterOp = (typeof interpreterOpcodes)[number];

/** Floats per interpreter slot: the block of a row evaluated per instruction dispatch. */
export const interpreterBlock = 256;

/** Bytes per interpreter instruction: op, target, a, b, c as int32. */
export const instructionBytes = 20;
