import type { Activation } from "../activation/activation.js";
import { KernelsError } from "../errors/kernels-error.js";
import {
  type ExpressionPlan,
  isReduction,
  planExpression,
  reductionsOfPass,
} from "./expression-plan.js";
import { instructionBytes, interpreterBlock, interpreterOpcodes } from "./opcodes.js";
import type { WasmInstance, WasmMemory } from "./wasm-api.js";
import { WasmHeap } from "./wasm-heap.js";
import type { WasmKernel, WasmKernelOptions, WasmKernels } from "./wasm-kernels.js";

interface KernelExports {
  memory: WasmMemory;
  heapBase(): number;
  copy(target: number, source: number, bytes: number): void;
  interpret(
    program: number,
    length: number,
    slots: number,
    input: number,
    output: number,
    n: number,
  ): void;
  [fused: `fused${number}`]: (
    input: number,
    output: number,
    n: number,
    rows: number,
    constants: number,
  ) => void;
}

/** Runs `rows` rows of `n` floats from byte offset `input` to byte offset `output`. */
type RowRunner = (input: number, output: number, n: number, rows: number) => void;

/** Floats staged per chunk for arrays outside WASM memory (256 KiB: stays in L2). */
const stageFloats = 65536;
const slotBytes = interpreterBlock * 4;
const opcode = new Map<string, number>(interpreterOpcodes.map((op, code) => [op, code]));

/** The WasmKernels implementation over one module instance. */
export class WasmKernelRunner implements WasmKernels {
  readonly memory: WasmMemory;
  private readonly exports: KernelExports;
  private readonly heap: WasmHeap;
  private readonly fusedIndex: Map<string, number>;
  private stageOffset: number;
  private stageCapacity = stageFloats;

  constructor(instance: WasmInstance, fusedStructures: readonly string[]) {
    this.exports = instance.exports as unknown as KernelExports;
    this.memory = this.exports.memory;
    this.heap = new WasmHeap(this.memory, this.exports.heapBase());
    this.fusedIndex = new Map(fusedStructures.map((structure, i) => [structure, i]));
    this.stageOffset = this.heap.allocateBytes(this.stageCapacity * 4);
  }

  allocate(length: number): Float32Array {
    return this.heap.allocate(length);
  }

  release(view: Float32Array): void {
    this.heap.release(view);
  }

  refresh(view: Float32Array): Float32Array {
    return this.heap.refresh(view);
  }

  copy(source: Float32Array, target: Float32Array): void {
    for (const [name, view] of [
      ["source", source],
      ["target", target],
    ] as const) {
      this.checkLive(view, `copy: ${name}`);
      if (!(view instanceof Float32Array) || view.buffer !== this.memory.buffer)
        throw new KernelsError(
          "INPUT_INVALID",
          `copy: ${name} must be a Float32Array from allocate()`,
        );
    }
    if (source.length !== target.length)
      throw new KernelsError(
        "INPUT_INVALID",
        `copy: target length ${target.length} differs from source length ${source.length}`,
      );
    this.exports.copy(target.byteOffset, source.byteOffset, source.byteLength);
  }

  kernel(activation: Activation, options: WasmKernelOptions = {}): WasmKernel {
    if (typeof activation !== "object" || activation === null || !activation.expression)
      throw new KernelsError(
        "INPUT_INVALID",
        "kernel: expected an Activation (from instantiate(definition, params))",
      );
    const plan = planExpression(activation.expression);
    // Fused kernels use pmax/pmin against constants, which keep NaN only from the
    // varying operand: a NaN constant (never from a valid activation) goes to the interpreter.
    const fused =
      options.fused === false || plan.constants.some(Number.isNaN)
        ? undefined
        : this.fusedIndex.get(plan.structure);
    const run =
      fused === undefined
        ? this.interpreted(planExpression(activation.expression, "interpreter"))
        : this.fusedRunner(plan, fused);
    const name = activation.id;
    const apply = (input: Float32Array, output?: Float32Array, rowLength?: number) =>
      this.apply(name, plan, run, input, output, rowLength);
    return Object.assign(apply, { fused: fused !== undefined });
  }

  private floats(): Float32Array {
    return new Float32Array(this.memory.buffer);
  }

  private writeConstants(plan: ExpressionPlan): number {
    const offset = this.heap.allocateBytes(Math.max(1, plan.constants.length) * 4);
    this.floats().set(plan.constants, offset / 4);
    return offset;
  }

  private fusedRunner(plan: ExpressionPlan, index: number): RowRunner {
    const constants = this.writeConstants(plan);
    const fn = this.exports[`fused${index}`]!;
    return (input, output, n, rows) => fn(input, output, n, rows, constants);
  }

  /** Programs for the block interpreter: one per reduction pass, then the final pass that stores. */
  private interpreted(plan: ExpressionPlan): RowRunner {
    const slots = this.heap.allocateBytes(plan.nodes.length * slotBytes);
    const floats = this.floats();
    plan.nodes.forEach((node, i) => {
      if (node.op === "Constant") {
        const start = (slots + i * slotBytes) / 4;
        floats.fill(plan.constants[node.constant]!, start, start + interpreterBlock);
      }
    });
    const encode = (targets: number[], tail: number[][]) => {
      const needed = new Set<number>();
      const visit = (i: number) => {
        const node = plan.nodes[i]!;
        if (needed.has(i) || node.op === "Constant" || isReduction(node.op)) return;
        needed.add(i);
        for (const input of node.inputs) visit(input);
      };
      for (const target of targets) {
        const node = plan.nodes[target]!;
        visit(isReduction(node.op) ? node.inputs[0]! : target);
      }
      const instructions = [...needed]
        .sort((a, b) => a - b)
        .map((i) => {
          const node = plan.nodes[i]!;
          const [a = 0, b = 0, c = 0] = node.inputs;
          return [opcode.get(node.op)!, i, a, b, c];
        });
      instructions.push(...tail);
      const offset = this.heap.allocateBytes(instructions.length * instructionBytes);
      new Int32Array(this.memory.buffer, offset, instructions.length * 5).set(instructions.flat());
      return { offset, length: instructions.length };
    };
    const passes = Array.from({ length: plan.reductionPasses }, (_, pass) => {
      const reductions = reductionsOfPass(plan, pass);
      const program = encode(
        reductions,
        reductions.map((r) => [opcode.get(plan.nodes[r]!.op)!, r, plan.nodes[r]!.inputs[0]!, 0, 0]),
      );
      return { program, reductions };
    });
    const root = plan.nodes.length - 1;
    const final = encode([root], [[opcode.get("Store")!, 0, root, 0, 0]]);
    const interpret = this.exports.interpret;
    return (input, output, n, rows) => {
      const outputStride = plan.rootVarying ? n * 4 : 4;
      for (let row = 0; row < rows; row++) {
        const rowInput = input + row * n * 4;
        for (const { program, reductions } of passes) {
          let floats = this.floats();
          for (const r of reductions) {
            const start = (slots + r * slotBytes) / 4;
            floats.fill(plan.nodes[r]!.op === "ReduceMax" ? -Infinity : 0, start, start + 4);
          }
          interpret(program.offset, program.length, slots, rowInput, 0, n);
          floats = this.floats();
          for (const r of reductions) {
            const start = (slots + r * slotBytes) / 4;
            const lanes = floats.subarray(start, start + 4);
            const value =
              plan.nodes[r]!.op === "ReduceMax"
                ? lanes.some(Number.isNaN)
                  ? Number.NaN
                  : Math.max(...lanes)
                : Math.fround(
                    Math.fround(lanes[0]! + lanes[2]!) + Math.fround(lanes[1]! + lanes[3]!),
                  );
            floats.fill(value, start, start + interpreterBlock);
          }
        }
        interpret(
          final.offset,
          final.length,
          slots,
          rowInput,
          output + row * outputStride,
          plan.rootVarying ? n : 1,
        );
      }
    };
  }

  private checkLive(view: Float32Array, what: string): void {
    if (this.heap.isDetached(view))
      throw new KernelsError(
        "INPUT_INVALID",
        `${what} was detached when WASM memory grew (a later allocate()); use wasm.refresh(view)`,
      );
  }

  private apply(
    name: string,
    plan: ExpressionPlan,
    run: RowRunner,
    input: Float32Array,
    output: Float32Array | undefined,
    rowLength: number | undefined,
  ): Float32Array {
    const problem = (message: string) =>
      new KernelsError("INPUT_INVALID", `${name} WASM kernel: ${message}`);
    if (!(input instanceof Float32Array))
      throw problem(`input must be a Float32Array, got ${describe(input)}`);
    this.checkLive(input, `${name} WASM kernel: input`);
    let row = input.length;
    if (plan.reduces) {
      row = rowLength ?? input.length;
      if (!Number.isInteger(row) || row <= 0 || input.length % row !== 0)
        throw problem(
          `rowLength must be a positive integer dividing the input length ${input.length}, got ${row}`,
        );
    } else if (rowLength !== undefined && (!Number.isInteger(rowLength) || rowLength <= 0))
      throw problem(`rowLength must be a positive integer, got ${rowLength}`);
    const rows = row === 0 ? 0 : input.length / row;
    const outLength = plan.rootVarying ? input.length : rows;
    const out = output ?? new Float32Array(outLength);
    if (!(out instanceof Float32Array) || out.length !== outLength)
      throw problem(
        `output must be a Float32Array of length ${outLength}, got ${out instanceof Float32Array ? `length ${out.length}` : describe(out)}`,
      );
    this.checkLive(out, `${name} WASM kernel: output`);
    if (input.length === 0) return out;
    if (out.buffer === input.buffer) {
      const inStart = input.byteOffset;
      const outStart = out.byteOffset;
      const overlap = inStart < outStart + out.byteLength && outStart < inStart + input.byteLength;
      if (overlap && !(inStart === outStart && out.length === input.length))
        throw problem("output overlaps input without being the same array");
    }
    const buffer = this.memory.buffer;
    const inResident = input.buffer === buffer;
    const outResident = out.buffer === buffer;
    if (!plan.reduces) {
      if (inResident && outResident) {
        run(input.byteOffset, out.byteOffset, input.length, 1);
        return out;
      }
      for (let start = 0; start < input.length; start += this.stageCapacity) {
        const count = Math.min(this.stageCapacity, input.length - start);
        this.chunk(run, input, out, start, count, start, count, count, 1);
      }
      return out;
    }
    if (inResident && outResident) {
      run(input.byteOffset, out.byteOffset, row, rows);
      return out;
    }
    if (row > this.stageCapacity) {
      this.heap.releaseBytes(this.stageOffset, this.stageCapacity * 4);
      this.stageCapacity = row;
      this.stageOffset = this.heap.allocateBytes(row * 4);
    }
    const rowsPerChunk = Math.floor(this.stageCapacity / row);
    const outPerRow = plan.rootVarying ? row : 1;
    for (let first = 0; first < rows; first += rowsPerChunk) {
      const count = Math.min(rowsPerChunk, rows - first);
      this.chunk(
        run,
        input,
        out,
        first * row,
        count * row,
        first * outPerRow,
        count * outPerRow,
        row,
        count,
      );
    }
    return out;
  }

  /** Runs one chunk, staging whichever of input and output lives outside WASM memory. */
  private chunk(
    run: RowRunner,
    input: Float32Array,
    out: Float32Array,
    inStart: number,
    inCount: number,
    outStart: number,
    outCount: number,
    n: number,
    rows: number,
  ): void {
    const buffer = this.memory.buffer;
    let source: number;
    if (input.buffer === buffer) source = input.byteOffset + inStart * 4;
    else {
      new Float32Array(buffer, this.stageOffset, inCount).set(
        input.subarray(inStart, inStart + inCount),
      );
      source = this.stageOffset;
    }
    const target = out.buffer === buffer ? out.byteOffset + outStart * 4 : this.stageOffset;
    run(source, target, n, rows);
    if (out.buffer !== this.memory.buffer)
      out.set(new Float32Array(this.memory.buffer, this.stageOffset, outCount), outStart);
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  return (value as object).constructor?.name ?? "object";
}
