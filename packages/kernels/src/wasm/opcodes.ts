import { opDefinitions, type PrimitiveOp } from "../expression/ops.js";
import { kernelComputes, type PlanOp } from "./expression-plan.js";

/**
 * Instruction codes of the WASM fallback interpreter, by position: the
 * vocabulary's ops with at most three operands and an f32x4 form. Shared by
 * scripts/build-wasm.ts (which generates the interpreter's switch) and the
 * loader (which encodes programs). `Store` writes a slot to the output.
 */
export const interpreterOpcodes: readonly InterpreterOp[] = [
  "Input",
  "Store",
  "Identity",
  ...(Object.keys(opDefinitions) as PrimitiveOp[]).filter((op) =>
    kernelComputes(op, "interpreter"),
  ),
];

/** An interpreter instruction's op. */
export type InterpreterOp = Exclude<PlanOp, "Constant"> | "Store";

/** Floats per interpreter slot: the block of a row evaluated per instruction dispatch. */
export const interpreterBlock = 256;

/** Bytes per interpreter instruction: op, target, a, b, c as int32. */
export const instructionBytes = 20;
