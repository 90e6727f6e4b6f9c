/**
 * A lowered substitute before it becomes nodes: a straight-line list of ONNX
 * ops over the site's input, constants and existing values. The planner costs
 * and checks it (which ops, how many) without touching the graph; `emitProgram`
 * turns it into nodes.
 */
export type ProgramOperand =
  /** The activation's argument (the site input, plus its bias when there is one). */
  | { readonly kind: "input" }
  /** The output of an earlier step. */
  | { readonly kind: "step"; readonly index: number }
  /** A scalar constant of the site's element type. */
  | { readonly kind: "constant"; readonly value: number }
  /** A 1-D constant of the site's element type (OneHot's [off, on] values). */
  | { readonly kind: "vector"; readonly values: readonly number[] }
  /** An int64 vector constant (Reduce* axes from opset 13/18). */
  | { readonly kind: "axes"; readonly axes: readonly number[] }
  /** The site's parameter tensor at `index` (PRelu's slope): programs name it by position, so one plan applies to any copy of the model. */
  | { readonly kind: "parameter"; readonly index: number };

/** An attribute of a step, with its ONNX type spelled out. */
export type StepAttribute =
  | { readonly name: string; readonly type: "int"; readonly value: number }
  | { readonly name: string; readonly type: "ints"; readonly value: readonly number[] }
  | { readonly name: string; readonly type: "float"; readonly value: number }
  | { readonly name: string; readonly type: "string"; readonly value: string };

/** One ONNX node of a program. */
export interface ProgramStep {
  readonly opType: string;
  readonly domain: string;
  readonly inputs: readonly (ProgramOperand | null)[];
  readonly attributes: readonly StepAttribute[];
  /** The output is a bool tensor (comparisons). */
  readonly bool: boolean;
  /**
   * Values the step computes per element of the site (default 1): K for the
   * ramps of a K-knot piecewise-linear fit, whose Sub and Relu run over a
   * K-wide axis and whose MatMul does K multiply-adds per element.
   */
  readonly width?: number;
}

/** A substitute as a list of steps and the operand holding the result. */
export interface Program {
  readonly steps: readonly ProgramStep[];
  readonly result: ProgramOperand;
}

/** How many nodes of each op type a program emits (`com.microsoft.X` for other domains). */
export function programOpCounts(program: Program): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const step of program.steps) {
    const key = step.domain ? `${step.domain}.${step.opType}` : step.opType;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/**
 * The work of a program's wide steps beyond one pass each, as an op
 * histogram (a step of width K adds K − 1 of its op): added to the node
 * counts, it prices a program by the elements it touches.
 */
export function programExtraWork(program: Program): Record<string, number> {
  const extra: Record<string, number> = {};
  for (const step of program.steps) {
    const width = step.width ?? 1;
    if (width <= 1) continue;
    const key = step.domain ? `${step.domain}.${step.opType}` : step.opType;
    extra[key] = (extra[key] ?? 0) + width - 1;
  }
  return extra;
}

/** Builds programs step by step; `add` returns the operand of the new step's output. */
export class ProgramBuilder {
  readonly steps: ProgramStep[] = [];

  add(
    opType: string,
    inputs: readonly (ProgramOperand | null)[],
    options: {
      attributes?: readonly StepAttribute[];
      bool?: boolean;
      domain?: string;
      width?: number;
    } = {},
  ): ProgramOperand {
    this.steps.push({
      opType,
      domain: options.domain ?? "",
      inputs,
      attributes: options.attributes ?? [],
      bool: options.bool ?? false,
      ...(options.width !== undefined && options.width > 1 ? { width: options.width } : {}),
    });
    return { kind: "step", index: this.steps.length - 1 };
  }

  /** True when `operand` is the output of a bool-valued step. */
  isBool(operand: ProgramOperand): boolean {
    return operand.kind === "step" && this.steps[operand.index]!.bool;
  }

  finish(result: ProgramOperand): Program {
    return { steps: [...this.steps], result };
  }
}
