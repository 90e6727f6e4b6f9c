// Compares inferShapes with python3-onnx's shape inference (onnx 1.12,
// /usr/bin/python3, with data_prop so it folds shape subgraphs too) on the
// ONNX conformance models and the npm-shipped real models: both start from
// the same stripped model (no value_info, no output
// types), and the script counts the tensors python shapes, how many of those
// inferShapes shapes too, and contradictions (different element types,
// ranks or fixed sizes). Missed tensors are grouped by op to steer work.
//
// Usage: pnpm --filter @rectify/onnx compare-shapes [--misses] [model folders or files…]
// (--misses lists every tensor python shapes and inferShapes does not)
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  DataType,
  decodeModel,
  encodeModel,
  inferShapes,
  type Model,
  tensorTypeInfo,
} from "../src/index.js";
import { stripIntermediateTypes } from "../test/support/shape-oracle.js";

interface PythonType {
  kind: string;
  elem?: number;
  shape?: (number | string | null)[] | null;
}

interface Job {
  id: string;
  suite: string;
  file: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "..", "..", "..");
const conformance = "/usr/share/libonnx-testdata/data";

function modelsUnder(directory: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) found.push(...modelsUnder(path));
    else if (entry.isFile() && entry.name.endsWith(".onnx")) found.push(path);
  }
  return found.sort();
}

function defaultJobs(): Job[] {
  const jobs: Job[] = [];
  for (const suite of ["node", "pytorch-converted", "pytorch-operator", "simple"]) {
    const directory = join(conformance, suite);
    if (!existsSync(directory)) continue;
    for (const name of readdirSync(directory).sort()) {
      const file = join(directory, name, "model.onnx");
      if (existsSync(file)) jobs.push({ id: `${suite}/${name}`, suite, file });
    }
  }
  const cache = join(repoRoot, ".cache", "models");
  if (existsSync(cache))
    for (const file of modelsUnder(cache))
      jobs.push({ id: `real/${basename(file)}`, suite: "real", file });
  // The PyTorch exports with dynamic dims (tooling/models).
  const torch = join(repoRoot, "tooling", "models", "torch");
  if (existsSync(torch))
    for (const file of modelsUnder(torch))
      jobs.push({ id: `torch/${basename(file)}`, suite: "torch", file });
  return jobs;
}

function argumentJobs(paths: string[]): Job[] {
  return paths.flatMap((path) =>
    (statSync(path).isDirectory() ? modelsUnder(path) : [path]).map((file) => ({
      id: file,
      suite: "given",
      file,
    })),
  );
}

/** IR 10 adds 4-bit types and function overloads; without them a model reads the same as IR 9. */
function lowerableToIr9(model: Model): boolean {
  if (model.functions.some((fn) => fn.overload !== "")) return false;
  for (const graph of model.graphs()) {
    for (const node of graph.nodes) if (node.overload !== "") return false;
    for (const value of graph.localValues()) {
      const type = tensorTypeInfo(value.type)?.elementType ?? value.initializer?.dataType;
      if (type === DataType.UINT4 || type === DataType.INT4) return false;
    }
  }
  return true;
}

function main(): void {
  const args = process.argv.slice(2).filter((arg) => arg !== "--misses");
  const listMisses = process.argv.includes("--misses");
  const jobs = args.length > 0 ? argumentJobs(args) : defaultJobs();
  const work = mkdtempSync(join(tmpdir(), "compare-shapes-"));
  try {
    const ours = new Map<string, Model>();
    const pythonJobs: { id: string; path: string }[] = [];
    let skippedIr = 0;
    let unreadable = 0;
    for (const [index, job] of jobs.entries()) {
      let model: Model;
      try {
        model = decodeModel(readFileSync(job.file));
      } catch {
        unreadable++;
        continue;
      }
      stripIntermediateTypes(model);
      if (model.irVersion >= 10) {
        if (!lowerableToIr9(model)) {
          skippedIr++;
          continue;
        }
        model.irVersion = 9;
      }
      const path = join(work, `${index}.onnx`);
      writeFileSync(path, encodeModel(model));
      pythonJobs.push({ id: job.id, path });
      ours.set(job.id, decodeModel(readFileSync(path)));
    }
    const list = join(work, "jobs.json");
    writeFileSync(list, JSON.stringify(pythonJobs));
    const output = execFileSync("/usr/bin/python3", [join(here, "python-shapes.py"), list], {
      encoding: "utf8",
      maxBuffer: 1 << 30,
    });
    const suiteOf = new Map(jobs.map((job) => [job.id, job.suite]));
    const totals = new Map<
      string,
      { shaped: number; covered: number; contradictions: number; models: number }
    >();
    const missedByOp = new Map<string, number>();
    const contradictions: string[] = [];
    let pythonFailed = 0;
    let inferenceMilliseconds = 0;
    for (const line of output.split("\n")) {
      if (!line) continue;
      const result = JSON.parse(line) as {
        id: string;
        types?: Record<string, PythonType | null>;
        error?: string;
      };
      const model = ours.get(result.id);
      if (!model) continue;
      if (!result.types) {
        pythonFailed++;
        continue;
      }
      const started = performance.now();
      inferShapes(model);
      inferenceMilliseconds += performance.now() - started;
      const suite = suiteOf.get(result.id) ?? "given";
      const total = totals.get(suite) ?? { shaped: 0, covered: 0, contradictions: 0, models: 0 };
      totals.set(suite, total);
      total.models++;
      const values = new Map<
        string,
        { type: ReturnType<typeof tensorTypeInfo>; op: string; input: boolean }
      >();
      for (const graph of model.graphs()) {
        for (const value of graph.localValues()) {
          values.set(value.name, {
            type: tensorTypeInfo(value.type),
            op: value.producer?.opType ?? "",
            input: value.isGraphInput || value.initializer !== undefined,
          });
        }
      }
      for (const [name, theirs] of Object.entries(result.types)) {
        if (theirs?.kind !== "tensor" || !theirs.shape) continue;
        const mine = values.get(name);
        if (!mine || mine.input) continue;
        total.shaped++;
        if (mine.type?.shape) total.covered++;
        else {
          missedByOp.set(mine.op || "?", (missedByOp.get(mine.op || "?") ?? 0) + 1);
          if (listMisses) console.log(`missed: ${result.id} ${name} (${mine.op})`);
        }
        const why = contradiction(theirs, mine.type);
        if (why) {
          total.contradictions++;
          contradictions.push(`${result.id} ${name} (${mine.op}): ${why}`);
        }
      }
    }
    for (const line of contradictions) console.log(`contradiction: ${line}`);
    const missed = [...missedByOp].sort((a, b) => b[1] - a[1]).slice(0, 25);
    if (missed.length > 0)
      console.log(`missed tensors by op: ${missed.map(([op, n]) => `${op} ${n}`).join(", ")}`);
    let shaped = 0;
    let covered = 0;
    let contradicted = 0;
    let models = 0;
    for (const [suite, total] of totals) {
      shaped += total.shaped;
      covered += total.covered;
      contradicted += total.contradictions;
      models += total.models;
      console.log(
        `${suite.padEnd(18)} ${String(total.models).padStart(5)} models  python shapes ${String(total.shaped).padStart(6)}  ours too ${String(total.covered).padStart(6)} (${percent(total.covered, total.shaped)})  contradictions ${total.contradictions}`,
      );
    }
    console.log(
      `summary: ${models} models compared, python3-onnx shapes ${shaped} tensors, inferShapes shapes ${covered} of them (${percent(covered, shaped)}), ${contradicted} contradictions; skipped: ${skippedIr} IR 10 models not lowerable to IR 9, ${pythonFailed} python failures, ${unreadable} unreadable; inferShapes took ${inferenceMilliseconds.toFixed(0)} ms in all`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function percent(part: number, whole: number): string {
  return whole === 0 ? "n/a" : `${((100 * part) / whole).toFixed(2)}%`;
}

/** Why python's type and ours contradict (a symbol against a size is not a contradiction). */
function contradiction(
  theirs: PythonType,
  mine: ReturnType<typeof tensorTypeInfo>,
): string | undefined {
  if (!mine) return undefined;
  if (theirs.elem && mine.elementType && theirs.elem !== mine.elementType)
    return `element type ${theirs.elem} vs ${mine.elementType}`;
  if (!theirs.shape || !mine.shape) return undefined;
  const show = (shape: readonly (number | string | null)[]) =>
    `[${shape.map((d) => d ?? "?").join(", ")}]`;
  if (theirs.shape.length !== mine.shape.length)
    return `rank ${show(theirs.shape)} vs ${show(mine.shape)}`;
  for (const [index, dim] of theirs.shape.entries()) {
    const other = mine.shape[index];
    if (typeof dim === "number" && typeof other === "number" && dim !== other)
      return `shape ${show(theirs.shape)} vs ${show(mine.shape)}`;
  }
  return undefined;
}

main();
