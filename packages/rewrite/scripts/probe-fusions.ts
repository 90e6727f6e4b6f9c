// Probes what onnxruntime's graph optimiser (level "all", the sessions' default)
// makes of each activation form after each producer, as the graph's output or read
// by a next layer (fusion-cases.ts): on
// onnxruntime-node's CPU provider the optimized model it saves (op histogram, and
// the activation attribute of a node that absorbed one), on onnxruntime-web's
// WASM provider in Node the kernels its profiler shows (it cannot save the
// model). Writes src/targets/probed/fusions.json, which
// src/targets/fusions.test.ts holds to the engine.
//
// Usage: tsx scripts/probe-fusions.ts [--only <regex over form/producer/consumer>] [--no-write]
import fs from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as ortNode from "onnxruntime-node";
import * as ortWeb from "onnxruntime-web";
import {
  activationForms,
  buildFusionCase,
  type Consumer,
  type CpuOutcome,
  consumers,
  type FusionOrt,
  kernelsOnWasm,
  optimizeOnCpu,
  producers,
} from "./fusion-cases.js";
import { formatJson } from "./probe-format.js";

/** One case's result as written to fusions.json. */
interface FusionRecord {
  readonly form: string;
  readonly producer: string;
  readonly consumer: Consumer;
  /** The op histogram of the model as built. */
  readonly built: Record<string, number>;
  readonly cpu: (CpuOutcome & { change: string }) | { error: string };
  readonly wasm: { kernels: Record<string, number>; change: string } | { error: string };
}

const output = fileURLToPath(new URL("../src/targets/probed/fusions.json", import.meta.url));

/** "A×2 B" from a histogram. */
const spell = (ops: Record<string, number>) =>
  Object.entries(ops)
    .map(([op, count]) => (count > 1 ? `${op}×${count}` : op))
    .join(" ");

/**
 * The ops of `before` that `after` lacks, and the ones it adds, as "removed → added"
 * ("unchanged" when equal); `bare` compares op types without domains, as kernel names
 * in WASM's profile carry none.
 */
function change(
  before: Record<string, number>,
  after: Record<string, number>,
  bare = false,
): string {
  const strip = (ops: Record<string, number>) => {
    if (!bare) return ops;
    const counts: Record<string, number> = {};
    for (const [key, count] of Object.entries(ops)) {
      const op = key.slice(key.lastIndexOf(".") + 1);
      counts[op] = (counts[op] ?? 0) + count;
    }
    return counts;
  };
  const [b, a] = [strip(before), strip(after)];
  const removed: Record<string, number> = {};
  const added: Record<string, number> = {};
  for (const op of new Set([...Object.keys(b), ...Object.keys(a)])) {
    const delta = (a[op] ?? 0) - (b[op] ?? 0);
    if (delta < 0) removed[op] = -delta;
    if (delta > 0) added[op] = delta;
  }
  if (!Object.keys(removed).length && !Object.keys(added).length) return "unchanged";
  return `${spell(removed) || "nothing"} → ${spell(added) || "nothing"}`;
}

const firstLine = (error: unknown) =>
  String(error instanceof Error ? error.message : error).split("\n")[0]!;

function packageVersion(name: string): string {
  const path = join(
    fileURLToPath(new URL("..", import.meta.url)),
    "node_modules",
    name,
    "package.json",
  );
  return (JSON.parse(fs.readFileSync(path, "utf8")) as { version: string }).version;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { only: { type: "string" }, "no-write": { type: "boolean", default: false } },
  });
  const only = values.only ? new RegExp(values.only) : undefined;
  ortWeb.env.wasm.numThreads = 1;
  ortWeb.env.logLevel = "error";
  const started = performance.now();
  const records: FusionRecord[] = [];
  for (const form of activationForms)
    for (const producer of producers)
      for (const consumer of consumers) {
        if (only && !only.test(`${form.id}/${producer.id}/${consumer}`)) continue;
        const fusion = buildFusionCase(form, producer, consumer);
        let cpu: FusionRecord["cpu"];
        let wasm: FusionRecord["wasm"];
        try {
          const outcome = await optimizeOnCpu(ortNode as unknown as FusionOrt, fusion);
          cpu = { ...outcome, change: change(fusion.built, outcome.ops) };
        } catch (error) {
          cpu = { error: firstLine(error) };
        }
        try {
          const kernels = await kernelsOnWasm(ortWeb as unknown as FusionOrt, fusion);
          wasm = { kernels, change: change(fusion.built, kernels, true) };
        } catch (error) {
          wasm = { error: firstLine(error) };
        }
        records.push({
          form: form.id,
          producer: producer.id,
          consumer,
          built: fusion.built,
          cpu,
          wasm,
        });
        const cell = (result: { change: string } | { error: string }) =>
          "error" in result ? `error: ${result.error}` : result.change;
        console.log(
          `${`${form.id} after ${producer.id}, ${consumer}`.padEnd(46)} cpu: ${cell(cpu)}\n${" ".repeat(46)} wasm: ${cell(wasm)}`,
        );
      }
  const seconds = (performance.now() - started) / 1000;
  console.log(`${records.length} cases in ${seconds.toFixed(0)} s`);
  if (values["no-write"] || only) {
    if (only) console.log("--only: not written (the file holds every case)");
    return;
  }
  const file = {
    onnxruntimeNode: packageVersion("onnxruntime-node"),
    onnxruntimeWeb: packageVersion("onnxruntime-web"),
    date: new Date().toISOString().slice(0, 10),
    graphOptimizationLevel: "all",
    notes: [
      "Written by scripts/probe-fusions.ts; src/targets/fusions.test.ts re-runs a few cases on onnxruntime-node and fails when the engine no longer does what this file says.",
      "Each case is one activation form after one producer, its output either the graph's output (consumer: output) or read by the next layer (consumer: next; a Conv after conv, else a MatMul by [256, 256]), float32, seeded weights. built: the model's op histogram as built. cpu: onnxruntime-node's CPU provider, 1 thread; ops is the histogram of the optimized model it saved (optimizedModelFilePath), fusedActivation the activation attribute of a node that absorbed the activation (FusedConv, FusedGemm, NCHWc Conv). wasm: onnxruntime-web's WASM provider in Node, 1 thread; kernels counts the op_name of the profiler's Node events of one run (the kernels that really ran; no domains). change: the ops removed → added (for wasm without domains).",
      "The NCHWc ops (com.microsoft.nchwc.*) come from x86 CPU features (AVX2/AVX-512): the WASM build has none and runs FusedConv instead. Other machines may show other block layouts.",
    ],
    forms: activationForms.map(({ id, description }) => ({ id, description })),
    producers: producers.map(({ id, description }) => ({ id, description })),
    consumers: {
      output: "the activation's output is the graph's output",
      next: "the next layer reads it: Conv 3×3 after conv, MatMul by [256, 256] otherwise",
    },
    cases: records,
  };
  fs.writeFileSync(output, `${JSON.stringify(file, null, 2)}\n`);
  formatJson(output);
  console.log(`wrote ${output}`);
}

await main();
