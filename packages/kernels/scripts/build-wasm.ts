// Generates the WASM SIMD kernels from the registered activations and
// compiles them with AssemblyScript. Writes (both gitignored):
//   src/wasm/generated/kernels.as       the AssemblyScript source, for reading
//   src/wasm/generated/wasm-module.ts   the binary as base64 + the fused structures
// One fused f32x4 kernel per distinct expression structure (constants are
// read at run time, so other parameter values with the same structure reuse
// it), plus a block-wise interpreter that runs any other expression.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";
import { type Activation, instantiate, type Parameters } from "../src/activation/activation.js";
import { activations, getActivation } from "../src/activations/index.js";
import { approximations } from "../src/approximations/index.js";
import { opsUsed } from "../src/expression/expression.js";
import { opDefinitions, type PrimitiveOp } from "../src/expression/ops.js";
import {
  type ExpressionPlan,
  isReduction,
  planExpression,
  reductionsOfPass,
  varyingClosure,
} from "../src/wasm/expression-plan.js";
import { interpreterBlock, interpreterOpcodes } from "../src/wasm/opcodes.js";

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const outputDirectory = join(packageRoot, "src/wasm/generated");

/** An elementwise op as an AssemblyScript f32x4 expression over its operands (from the vocabulary). */
function opTemplate(op: PrimitiveOp, operands: readonly string[]): string {
  const template = opDefinitions[op].wasm;
  if (template === undefined)
    throw new Error(`build-wasm: ${op} has no f32x4 form; plans expand it (kernelComputes)`);
  return template(operands);
}

const neutral = { ReduceMax: "splat(-Infinity as f32)", ReduceSum: "zeros()" } as const;
const combine = { ReduceMax: "f32x4.max", ReduceSum: "f32x4.add" } as const;
const horizontal = { ReduceMax: "horizontalMax", ReduceSum: "horizontalSum" } as const;

/** The AssemblyScript expression computing node `i` from named operands. */
function nodeExpression(plan: ExpressionPlan, i: number, name: (j: number) => string): string {
  const node = plan.nodes[i]!;
  if (node.op === "Identity") return name(node.inputs[0]!);
  if (node.op === "Input" || node.op === "Constant" || isReduction(node.op))
    throw new Error(`build-wasm: ${node.op} is not computed by an expression`);
  // f32x4.max/min cost V8 several x86 instructions each (NaN and ±0 rules); pmax/pmin are
  // single maxps/minps. With a constant (never NaN) operand, pmax(x, c) = x < c ? c : x
  // still passes x's NaN through, so those forms are the same values, bar the sign of a zero
  // result. The runner sends expressions with a NaN constant to the interpreter.
  const constant = (j: number) => plan.nodes[j]!.op === "Constant";
  const [a, b, c] = node.inputs;
  if ((node.op === "Max" || node.op === "Min") && (constant(a!) || constant(b!))) {
    const [x, k] = constant(b!) ? [a!, b!] : [b!, a!];
    return `f32x4.p${node.op === "Max" ? "max" : "min"}(${name(x)}, ${name(k)})`;
  }
  if (node.op === "Relu") return `f32x4.pmax(${name(a!)}, zeros())`;
  if (node.op === "Clip" && constant(b!) && constant(c!))
    return `f32x4.pmin(f32x4.pmax(${name(a!)}, ${name(b!)}), ${name(c!)})`;
  return opTemplate(node.op, node.inputs.map(name));
}

/**
 * Statements computing `closure` (varying nodes) for the vector at `x`,
 * naming node j `n{j}{suffix}` (not v…: v128 is a type) (row-uniform nodes keep their plain names).
 */
function vectorBody(plan: ExpressionPlan, closure: number[], x: string, suffix: string): string[] {
  const name = (j: number) => (plan.nodes[j]!.varying ? `n${j}${suffix}` : `n${j}`);
  return closure.map((i) =>
    plan.nodes[i]!.op === "Input"
      ? `const n${i}${suffix} = ${x};`
      : `const n${i}${suffix} = ${nodeExpression(plan, i, name)};`,
  );
}

/** Row-uniform nodes (not constants, not reductions) known once reduction pass `depth` − 1 is done. */
function uniformStatements(plan: ExpressionPlan, depth: number): string[] {
  const lines: string[] = [];
  plan.nodes.forEach((node, i) => {
    if (node.varying || node.op === "Constant" || isReduction(node.op)) return;
    if (node.depth !== depth) return;
    lines.push(`const n${i} = ${nodeExpression(plan, i, (j) => `n${j}`)};`);
  });
  return lines;
}

const unroll = 2;

/** A fused kernel: fn(input, output, rowLength, rows, constants). Elementwise plans run as one row. */
function fusedKernel(plan: ExpressionPlan, name: string): string {
  const lines: string[] = [];
  const emit = (indent: number, text: string[] | string) => {
    for (const line of typeof text === "string" ? [text] : text)
      lines.push(`${"  ".repeat(indent)}${line}`);
  };
  emit(0, `// ${plan.structure}`);
  emit(
    0,
    `export function ${name}(input: usize, output: usize, n: i32, rows: i32, constants: usize): void {`,
  );
  plan.nodes.forEach((node, i) => {
    if (node.op === "Constant")
      emit(1, `const n${i} = v128.load32_splat(constants + ${node.constant * 4});`);
  });
  emit(1, uniformStatements(plan, 0));
  const root = plan.nodes.length - 1;
  emit(1, "for (let row = 0; row < rows; row++) {");
  emit(2, "const rowInput = input + ((<usize>row * <usize>n) << 2);");
  for (let pass = 0; pass < plan.reductionPasses; pass++) {
    const reductions = reductionsOfPass(plan, pass);
    const closure = varyingClosure(plan, reductions);
    const reduce = (r: number, value: string, suffix: string) => {
      const op = plan.nodes[r]!.op as "ReduceMax" | "ReduceSum";
      return `acc${r}${suffix} = ${combine[op]}(acc${r}${suffix}, ${value});`;
    };
    for (const r of reductions) {
      const op = plan.nodes[r]!.op as "ReduceMax" | "ReduceSum";
      for (const suffix of ["a", "b"]) emit(2, `let acc${r}${suffix} = ${neutral[op]};`);
    }
    emit(2, "{");
    emit(3, "let i = 0;");
    emit(3, "for (; i + 8 <= n; i += 8) {");
    for (const [suffix, offset] of [
      ["a", 0],
      ["b", 16],
    ] as const) {
      emit(
        4,
        vectorBody(plan, closure, `v128.load(rowInput + (<usize>i << 2), ${offset})`, suffix),
      );
      for (const r of reductions)
        emit(4, reduce(r, `n${plan.nodes[r]!.inputs[0]}${suffix}`, suffix));
    }
    emit(3, "}");
    emit(3, "for (; i < n; i += 4) {");
    emit(4, "const count = n - i;");
    emit(4, "const full = count >= 4;");
    emit(
      4,
      vectorBody(
        plan,
        closure,
        "full ? v128.load(rowInput + (<usize>i << 2)) : loadPartial(rowInput + (<usize>i << 2), count)",
        "a",
      ),
    );
    emit(4, "const mask = laneMask(count);");
    for (const r of reductions) {
      const op = plan.nodes[r]!.op as "ReduceMax" | "ReduceSum";
      emit(
        4,
        reduce(r, `v128.bitselect(n${plan.nodes[r]!.inputs[0]}a, ${neutral[op]}, mask)`, "a"),
      );
    }
    emit(3, "}");
    emit(2, "}");
    for (const r of reductions) {
      const op = plan.nodes[r]!.op as "ReduceMax" | "ReduceSum";
      emit(2, `const n${r} = ${horizontal[op]}(${combine[op]}(acc${r}a, acc${r}b));`);
    }
    emit(2, uniformStatements(plan, pass + 1));
  }
  if (plan.rootVarying) {
    const closure = varyingClosure(plan, [root]);
    emit(2, "const rowOutput = output + ((<usize>row * <usize>n) << 2);");
    emit(2, "let i = 0;");
    emit(2, `for (; i + ${4 * unroll} <= n; i += ${4 * unroll}) {`);
    emit(3, "const at = <usize>i << 2;");
    const suffixes = Array.from({ length: unroll }, (_, k) => String.fromCharCode(97 + k));
    suffixes.forEach((suffix, k) => {
      emit(3, vectorBody(plan, closure, `v128.load(rowInput + at, ${16 * k})`, suffix));
    });
    suffixes.forEach((suffix, k) => {
      emit(3, `v128.store(rowOutput + at, n${root}${suffix}, ${16 * k});`);
    });
    emit(2, "}");
    emit(2, "for (; i < n; i += 4) {");
    emit(3, "const at = <usize>i << 2;");
    emit(3, "const count = n - i;");
    emit(3, "if (count >= 4) {");
    emit(4, vectorBody(plan, closure, "v128.load(rowInput + at)", "a"));
    emit(4, `v128.store(rowOutput + at, n${root}a);`);
    emit(3, "} else {");
    emit(4, vectorBody(plan, closure, "loadPartial(rowInput + at, count)", "a"));
    emit(4, `storePartial(rowOutput + at, n${root}a, count);`);
    emit(3, "}");
    emit(2, "}");
  } else {
    emit(2, `store<f32>(output + (<usize>row << 2), f32x4.extract_lane(n${root}, 0));`);
  }
  emit(1, "}");
  emit(0, "}");
  return lines.join("\n");
}

/** The fallback: runs an encoded program block by block (one dispatch per instruction per 256 floats). */
function interpreter(): string {
  const slotShift = Math.log2(interpreterBlock * 4);
  const cases: string[] = [];
  interpreterOpcodes.forEach((op, code) => {
    let body: string;
    if (op === "Input")
      body = "memory.copy(target, input + (<usize>start << 2), <usize>count << 2);";
    else if (op === "Store")
      body = "memory.copy(output + (<usize>start << 2), a, <usize>count << 2);";
    else if (op === "ReduceMax" || op === "ReduceSum") {
      const reduction: "ReduceMax" | "ReduceSum" = op;
      body = [
        "let acc = v128.load(target);",
        `for (let j: usize = 0; j + 1 < vectors; j++) acc = ${combine[reduction]}(acc, v128.load(a + (j << 4)));`,
        `acc = ${combine[reduction]}(acc, v128.bitselect(v128.load(a + ((vectors - 1) << 4)), ${neutral[reduction]}, lastMask));`,
        "v128.store(target, acc);",
      ].join("\n          ");
    } else {
      const arity = op === "Identity" ? 1 : opDefinitions[op].arity;
      if (typeof arity !== "number") throw new Error(`build-wasm: ${op} cannot be interpreted`);
      const operands = ["va", "vb", "vc"].slice(0, arity);
      const expression = op === "Identity" ? "va" : opTemplate(op, operands);
      const loads = operands.map(
        (operand) => `const ${operand} = v128.load(${operand.slice(1)} + offset);`,
      );
      body = [
        "for (let j: usize = 0; j < vectors; j++) {",
        "  const offset = j << 4;",
        ...loads.map((line) => `  ${line}`),
        `  v128.store(target + offset, ${expression});`,
        "}",
      ].join("\n          ");
    }
    cases.push(`      case ${code}: { // ${op}\n          ${body}\n          break;\n        }`);
  });
  return `
/** Runs \`length\` instructions (op, target, a, b, c: int32 slot numbers) over a row of n floats. */
export function interpret(program: usize, length: i32, slots: usize, input: usize, output: usize, n: i32): void {
  for (let start = 0; start < n; start += ${interpreterBlock}) {
    const count = min(${interpreterBlock}, n - start);
    const vectors = <usize>((count + 3) >> 2);
    const lastMask = laneMask(count - ((<i32>vectors - 1) << 2));
    for (let k = 0; k < length; k++) {
      const instruction = program + <usize>k * 20;
      const target = slots + (<usize>load<i32>(instruction, 4) << ${slotShift});
      const a = slots + (<usize>load<i32>(instruction, 8) << ${slotShift});
      const b = slots + (<usize>load<i32>(instruction, 12) << ${slotShift});
      const c = slots + (<usize>load<i32>(instruction, 16) << ${slotShift});
      switch (load<i32>(instruction)) {
${cases.join("\n")}
      }
    }
  }
}
`;
}

/** Activations whose structures get a fused kernel: every registered one at its defaults, at another parameter set, and as used by the approximation catalog. */
function prebuiltActivations(): Activation[] {
  const list: Activation[] = [];
  const tryAdd = (make: () => Activation) => {
    try {
      list.push(make());
    } catch {
      // A parameter set outside the constraints: nothing to prebuild.
    }
  };
  for (const definition of activations) {
    tryAdd(() => instantiate(definition));
    const other: Record<string, number> = {};
    for (const spec of definition.parameters) {
      const [lo, hi] = spec.typical ?? [spec.min ?? -10, spec.max ?? 10];
      const value = lo + (hi - lo) * 0.37;
      other[spec.name] = spec.integer ? Math.round(value) : value;
    }
    tryAdd(() => instantiate(definition, other));
  }
  for (const entry of approximations) {
    tryAdd(() => {
      const exact = instantiate(getActivation(entry.exact), entry.exactParams);
      const params =
        typeof entry.params === "function" ? entry.params(exact.params) : (entry.params ?? {});
      return instantiate(getActivation(entry.approximation), params as Partial<Parameters>);
    });
  }
  return list;
}

async function main() {
  const structures = new Map<string, { plan: ExpressionPlan; users: string[] }>();
  for (const activation of prebuiltActivations()) {
    // Tables (Lookup) expand to one ramp per cell: they run on the interpreter rather than
    // make the module hundreds of kilobytes larger.
    if (opsUsed(activation.expression).includes("Lookup")) continue;
    const plan = planExpression(activation.expression);
    // Likewise a reducing form with a long ramp sum (softmax-pwl): each pass over the row repeats it.
    const longestRampSum = Math.max(
      0,
      ...plan.nodes.filter((node) => node.op === "ReluSum").map((node) => node.inputs.length >> 1),
    );
    if (plan.reduces && longestRampSum > 64) continue;
    const entry = structures.get(plan.structure) ?? { plan, users: [] };
    if (!entry.users.includes(activation.id)) entry.users.push(activation.id);
    structures.set(plan.structure, entry);
  }
  const structureList = [...structures.values()];
  const math = readFileSync(join(packageRoot, "src/wasm/assembly/simd-math.as"), "utf8");
  const source = [
    "// Generated by scripts/build-wasm.ts from the registered activations. Do not edit.",
    math,
    interpreter(),
    ...structureList.map(
      (entry, i) => `// ${entry.users.join(", ")}\n${fusedKernel(entry.plan, `fused${i}`)}\n`,
    ),
  ].join("\n");
  mkdirSync(outputDirectory, { recursive: true });
  writeFileSync(join(outputDirectory, "kernels.as"), source);

  const result = await asc.compileString(
    { "kernels.ts": source },
    {
      optimizeLevel: 3,
      shrinkLevel: 0,
      runtime: "stub",
      noAssert: true,
      enable: ["simd"],
      initialMemory: 64,
    },
  );
  if (result.error || !result.binary) {
    process.stderr.write(result.stderr.toString());
    throw new Error(
      `build-wasm: AssemblyScript failed (${result.error?.message ?? "no binary"}); source in src/wasm/generated/kernels.as`,
    );
  }
  const base64 = Buffer.from(result.binary).toString("base64");
  const module = [
    "// Generated by scripts/build-wasm.ts (pnpm build). Do not edit; not checked in.",
    "",
    "/** The WASM SIMD kernels module, base64. */",
    `export const wasmBase64 =\n  "${base64}";`,
    "",
    "/** Expression structures with a fused kernel: structure i is the export fused<i>. */",
    "export const fusedStructures: readonly string[] = [",
    ...structureList.map((entry) => `  ${JSON.stringify(entry.plan.structure)},`),
    "];",
    "",
  ].join("\n");
  writeFileSync(join(outputDirectory, "wasm-module.ts"), module);
  process.stdout.write(
    `build-wasm: ${structureList.length} fused kernels + interpreter, ${result.binary.length} bytes\n`,
  );
}

await main();
