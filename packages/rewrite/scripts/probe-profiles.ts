// Derives the op lists of the onnxruntime target profiles from the committed
// probe data (src/targets/probed/<provider>.json, written by
// probe-providers.ts), keeping each profile's costs:
//   ort-cpu, ort-wasm (runsUnlistedOps): ops that failed at every probed
//     opset go to `unsupported`; ops that ran only in an opset range get
//     minOpset/maxOpset on their `ops` entry (cost: the measured one, else the
//     profile's defaultCost).
//   ort-webgpu (C++ WebGPU provider), ort-webgpu-jsep (JSEP): exactly the ops
//     that ran, with the range they ran in; costs are the estimates the shared
//     ort-webgpu profile had, else by kind (see webgpuCost).
// An op that ran at opsets a and c but failed at b in between cannot be
// expressed by one range: it is printed, and the range covers what ran.
// Usage: tsx scripts/probe-profiles.ts
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TargetProfileInput } from "../src/targets/profile-schema.js";
import type { ProbedOp } from "./probe-attribute.js";
import { formatJson } from "./probe-format.js";

const targets = join(dirname(fileURLToPath(import.meta.url)), "..", "src", "targets");

/** A probe data file as probe-providers.ts writes it. */
interface ProbeFile {
  readonly provider: string;
  readonly onnxruntimeVersion: string;
  readonly date: string;
  readonly chromium?: string;
  readonly adapter?: string;
  readonly ops: Record<string, ProbedOp>;
}

type OpEntry = NonNullable<TargetProfileInput["ops"]>[string];

const readJson = <T>(file: string): T => JSON.parse(readFileSync(join(targets, file), "utf8")) as T;

/** The opset range an op ran in, bounded only on a side where it failed; holes are failures inside it. */
export function opsetRange(op: ProbedOp): {
  minOpset?: number;
  maxOpset?: number;
  holes: number[];
} {
  const low = Math.min(...op.ran);
  const high = Math.max(...op.ran);
  return {
    ...(op.failed.some((opset) => opset < low) ? { minOpset: low } : {}),
    ...(op.failed.some((opset) => opset > high) ? { maxOpset: high } : {}),
    holes: op.failed.filter((opset) => opset > low && opset < high),
  };
}

const transcendental = new Set(
  "Exp Log Erf Tanh Sigmoid Pow Softplus Mish Elu Selu Celu Gelu Sin Cos Tan Asin Acos Atan Sinh Cosh Asinh Acosh Atanh com.microsoft.Gelu com.microsoft.FastGelu com.microsoft.QuickGelu com.microsoft.BiasGelu com.microsoft.BiasSplitGelu".split(
    " ",
  ),
);
const twoPass = /Softmax|Normalization|^LpNormalization$/;

/** A WebGPU cost estimate: the old shared profile's, else 1.5 for transcendental ops, 2 for softmax and normalizations, 1 otherwise. */
function webgpuCost(op: string, old: Record<string, OpEntry>): number {
  const entry = old[op];
  if (entry !== undefined) return typeof entry === "number" ? entry : entry.cost;
  if (transcendental.has(op)) return 1.5;
  if (twoPass.test(op)) return 2;
  return 1;
}

/**
 * ONNX opsets that introduced ops the WebGPU profiles list (from the ONNX
 * operator changelog): below them a model cannot hold the op, so the probe
 * has nothing to fail there, and the profile bounds the op here instead.
 */
const introducedAt: Readonly<Record<string, number>> = {
  Gelu: 20,
  Mish: 18,
  LayerNormalization: 17,
  HardSwish: 14,
  Celu: 12,
  LessOrEqual: 12,
  GreaterOrEqual: 12,
  Round: 11,
  ThresholdedRelu: 10,
  Where: 9,
  Erf: 9,
  Sign: 9,
  ConstantOfShape: 9,
  Expand: 8,
};

function withRange(cost: number, op: ProbedOp, introduced?: number): OpEntry {
  const range = opsetRange(op);
  const minOpset =
    range.minOpset ?? (introduced !== undefined && introduced > 1 ? introduced : undefined);
  const { maxOpset } = range;
  if (minOpset === undefined && maxOpset === undefined) return cost;
  return {
    cost,
    ...(minOpset !== undefined ? { minOpset } : {}),
    ...(maxOpset !== undefined ? { maxOpset } : {}),
  };
}

function sortedOps(ops: Record<string, OpEntry>): Record<string, OpEntry> {
  const defaultDomain = (key: string) => (/^[A-Z]/.test(key) ? 0 : 1);
  return Object.fromEntries(
    Object.entries(ops).sort(
      ([a], [b]) => defaultDomain(a) - defaultDomain(b) || a.localeCompare(b),
    ),
  );
}

function reportHoles(provider: string, probe: ProbeFile): void {
  for (const [key, op] of Object.entries(probe.ops)) {
    if (op.ran.length === 0) continue;
    const { holes } = opsetRange(op);
    if (holes.length > 0)
      console.log(
        `${provider}: ${key} ran at ${op.ran.join(", ")} but failed at ${holes.join(", ")}`,
      );
  }
}

const probeNote = (probe: ProbeFile, fallback: string) =>
  `Which ops run, and from/to which opset: probed on ${probe.date} by scripts/probe-providers.ts (data: src/targets/probed/${probe.provider}.json; onnxruntime ${probe.onnxruntimeVersion}${probe.chromium ? `, headless Chromium ${probe.chromium}, adapter ${probe.adapter}` : ""}) on every ONNX backend conformance model (opsets 1-17) and single-node models built at opsets 7-23, ${fallback}, and written here by scripts/probe-profiles.ts. An op runs at an opset when some model holding it at that opset created a session and ran; minOpset/maxOpset bound the opsets it ran at where it failed beyond them. Re-run both scripts after an onnxruntime upgrade; src/targets/probed.test.ts fails when this file and the data disagree.`;

/** ort-cpu / ort-wasm: costs measured, op list open-ended; failures become `unsupported` or opset ranges. */
function cpuLike(file: string, probe: ProbeFile): void {
  const profile = readJson<TargetProfileInput>(file);
  const ops = { ...(profile.ops ?? {}) };
  const unsupported: string[] = [];
  for (const [key, op] of Object.entries(probe.ops)) {
    if (op.ran.length === 0) {
      if (op.failed.length > 0) unsupported.push(key);
      continue;
    }
    const entry = ops[key];
    const cost =
      entry === undefined
        ? (profile.defaultCost ?? 1)
        : typeof entry === "number"
          ? entry
          : entry.cost;
    const ranged = withRange(cost, op);
    if (typeof ranged !== "number") ops[key] = ranged;
    else if (entry !== undefined) ops[key] = typeof entry === "number" ? entry : entry.cost;
  }
  const costNotes = (profile.notes ?? []).filter(
    (note) => !note.startsWith("Which ops run") && !note.startsWith("Ops with an opset range"),
  );
  const written: TargetProfileInput = {
    ...profile,
    ops,
    unsupported: unsupported.sort(),
    notes: [
      ...costNotes,
      probeNote(probe, "each in onnxruntime's own CPU kernels (no fallback exists here)"),
      `Ops with an opset range but no measured cost carry the profile's defaultCost (${profile.defaultCost ?? 1}, one elementwise Add).`,
    ],
  };
  writeFileSync(join(targets, file), `${JSON.stringify(written, null, 2)}\n`);
  formatJson(join(targets, file));
}

const webgpuCostNote =
  "Costs are relative to one elementwise Add over the same tensor and are estimates, not measurements: SwiftShader is a CPU implementation of WebGPU, so timings there say nothing about a real GPU. On a GPU, elementwise ops are bound by memory traffic, so arithmetic and piecewise-linear ops cost 1, transcendental ones (exp, log, erf, tanh, sigmoid, pow, softplus, the trigonometric and Gelu families) 1.5, Where 1.5 (three inputs), and the softmax and normalization ops 2 (a reduction plus a second pass). The remaining non-elementwise ops are given 1 because the rewriter compares only substitutes for activations.";

/** ort-webgpu / ort-webgpu-jsep: exactly the ops that ran with CPU fallback disabled. */
function webgpu(
  name: string,
  description: string,
  probe: ProbeFile,
  old: TargetProfileInput,
  extraNotes: string[],
): void {
  const oldOps = old.ops ?? {};
  const ops: Record<string, OpEntry> = {};
  for (const [key, op] of Object.entries(probe.ops))
    if (op.ran.length > 0) ops[key] = withRange(webgpuCost(key, oldOps), op, introducedAt[key]);
  // No model held these, or only models fed float64: the probe cannot tell, so the earlier profile's entry stands.
  const undecided = (key: string) => {
    const op = probe.ops[key];
    return op === undefined || (op.ran.length === 0 && op.failed.length === 0);
  };
  const unprobed = Object.keys(oldOps).filter(undecided);
  for (const key of unprobed) ops[key] = oldOps[key]!;
  const written: TargetProfileInput = {
    name,
    description,
    runsUnlistedOps: false,
    defaultCost: 1,
    ops: sortedOps(ops),
    notes: [
      probeNote(
        probe,
        "with session option session.disable_cpu_ep_fallback=1, so a session fails to be created whenever onnxruntime would place a node on the CPU provider",
      ),
      ...extraNotes,
      `Not decided by the probe (no model holds them, or only models fed float64), kept from the earlier profile, which read onnxruntime's kernel registrations and listed an op only when both WebGPU providers register it: ${unprobed.join(", ")}.`,
      `An op first defined in a later ONNX opset (${Object.entries(introducedAt)
        .map(([op, opset]) => `${op} ${opset}`)
        .join(", ")}) carries that opset as its minOpset.`,
      webgpuCostNote,
    ],
  };
  writeFileSync(join(targets, `${name}.json`), `${JSON.stringify(written, null, 2)}\n`);
  formatJson(join(targets, `${name}.json`));
}

const probes = Object.fromEntries(
  ["cpu", "wasm", "webgpu", "webgpu-jsep"].map((provider) => [
    provider,
    readJson<ProbeFile>(join("probed", `${provider}.json`)),
  ]),
) as Record<string, ProbeFile>;
for (const [provider, probe] of Object.entries(probes)) reportHoles(provider, probe);
cpuLike("ort-cpu.json", probes.cpu!);
cpuLike("ort-wasm.json", probes.wasm!);
const shared = readJson<TargetProfileInput>("ort-webgpu.json");
const unlisted =
  "A node of an op not listed here is judged as falling back to the CPU; that includes ops that failed only in models fed float64 tensors (which no WebGPU provider has): see each op's failures in the probe data.";
webgpu(
  "ort-webgpu",
  'onnxruntime-web\'s C++ WebGPU provider (import "onnxruntime-web/webgpu", the ort.webgpu*.mjs bundles; the same provider is inside onnxruntime-node): the ops it runs on the GPU, as probed with CPU fallback disabled. Any other node runs on the WASM CPU provider, with a GPU-to-CPU copy either side.',
  probes.webgpu!,
  shared,
  [unlisted],
);
webgpu(
  "ort-webgpu-jsep",
  "onnxruntime-web's older JS WebGPU provider, JSEP (the package's main build: ort.min.mjs, ort.all.min.mjs): the ops it runs on the GPU, as probed with CPU fallback disabled. It lacks some kernels the C++ provider has (Softplus among them); such nodes run on the WASM CPU provider.",
  probes["webgpu-jsep"]!,
  shared,
  [unlisted],
);
