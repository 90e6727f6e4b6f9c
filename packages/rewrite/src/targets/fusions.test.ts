// Holds src/targets/probed/fusions.json (written by scripts/probe-fusions.ts) to
// the engine: a few of its cases run again, now, on onnxruntime-node (the
// optimized model it saves) and onnxruntime-web's WASM build (the kernels its
// profiler shows), and must come out as the file says. An onnxruntime upgrade
// that changes which activations it fuses fails here: re-run the script, then
// re-check what the planner assumes about fused activations.
import { readFileSync } from "node:fs";
import * as ortNode from "onnxruntime-node";
import * as ortWeb from "onnxruntime-web";
import { beforeAll, describe, expect, it } from "vitest";
import {
  activationForms,
  type Consumer,
  type CpuOutcome,
  consumers,
  type FusionOrt,
  fusionCase,
  kernelsOnWasm,
  optimizeOnCpu,
  producers,
} from "../../scripts/fusion-cases.js";

interface FusionRecord {
  readonly form: string;
  readonly producer: string;
  readonly consumer: Consumer;
  readonly cpu: CpuOutcome | { error: string };
  readonly wasm: { kernels: Record<string, number> } | { error: string };
}

interface FusionFile {
  readonly onnxruntimeNode: string;
  readonly onnxruntimeWeb: string;
  readonly cases: readonly FusionRecord[];
}

const file = JSON.parse(
  readFileSync(new URL("./probed/fusions.json", import.meta.url), "utf8"),
) as FusionFile;

/** The committed record of a case. */
function recorded(form: string, producer: string, consumer: Consumer): FusionRecord {
  const record = file.cases.find(
    (entry) => entry.form === form && entry.producer === producer && entry.consumer === consumer,
  );
  if (!record) throw new Error(`fusions.json has no case ${form} after ${producer}, ${consumer}`);
  return record;
}

/** The installed version of an onnxruntime package (its exports hide package.json). */
function installed(name: string): string {
  const path = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
  return (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version;
}

const nchwcConv = "com.microsoft.nchwc.Conv";

/** The re-run cases, each with what the file must say about it (the fusion this test is for). */
const checked: readonly {
  form: string;
  producer: string;
  consumer: Consumer;
  why: string;
  cpu: CpuOutcome;
  wasm: Record<string, number>;
}[] = [
  {
    form: "erf-gelu",
    producer: "matmul-bias-dynamic",
    consumer: "output",
    why: "erf-GELU and its bias Add become one BiasGelu",
    cpu: { ops: { MatMul: 1, "com.microsoft.BiasGelu": 1 } },
    wasm: { BiasGelu: 1, MatMul: 1 },
  },
  {
    form: "erf-gelu",
    producer: "matmul-bias",
    consumer: "output",
    why: "with static shapes MatMul + Add become Reshape, Gemm, Reshape first: Gelu, not BiasGelu",
    cpu: { ops: { Gemm: 1, Reshape: 2, "com.microsoft.Gelu": 1 } },
    wasm: { Gelu: 1, Gemm: 1, Reshape: 2 },
  },
  {
    form: "tanh-gelu",
    producer: "matmul-bias-dynamic",
    consumer: "output",
    why: "torch's tanh-GELU is not fused (no FastGelu)",
    cpu: { ops: { Add: 3, MatMul: 1, Mul: 4, Pow: 1, Tanh: 1 } },
    wasm: { Add: 3, MatMul: 1, Mul: 4, Pow: 1, Tanh: 1 },
  },
  {
    form: "silu",
    producer: "input",
    consumer: "output",
    why: "x·Sigmoid(x) becomes QuickGelu",
    cpu: { ops: { "com.microsoft.QuickGelu": 1 } },
    wasm: { QuickGelu: 1 },
  },
  {
    form: "hard-swish",
    producer: "input",
    consumer: "output",
    why: "a HardSwish op alone becomes HardSigmoid + Mul",
    cpu: { ops: { HardSigmoid: 1, Mul: 1 } },
    wasm: { HardSigmoid: 1, Mul: 1 },
  },
  {
    form: "relu",
    producer: "conv",
    consumer: "output",
    why: "Relu after a Conv is absorbed (NCHWc Conv on x86, FusedConv on WASM)",
    cpu: {
      ops: {
        [nchwcConv]: 1,
        "com.microsoft.nchwc.ReorderInput": 1,
        "com.microsoft.nchwc.ReorderOutput": 1,
      },
      fusedActivation: [{ node: nchwcConv, activation: "Relu" }],
    },
    wasm: { FusedConv: 1 },
  },
  {
    form: "hard-swish",
    producer: "conv",
    consumer: "next",
    why: "HardSwish between two Convs is absorbed into the first NCHWc Conv on x86, not on WASM",
    cpu: {
      ops: {
        [nchwcConv]: 2,
        "com.microsoft.nchwc.ReorderInput": 1,
        "com.microsoft.nchwc.ReorderOutput": 1,
      },
      fusedActivation: [{ node: nchwcConv, activation: "HardSwish" }],
    },
    wasm: { Conv: 2, HardSigmoid: 1, Mul: 1 },
  },
  {
    form: "tanh-gelu-half-first",
    producer: "input",
    consumer: "next",
    why: "tanh-GELU with 0.5·x first becomes FastGelu when a next layer reads it",
    cpu: { ops: { MatMul: 1, "com.microsoft.FastGelu": 1 } },
    wasm: { FastGelu: 1, MatMul: 1 },
  },
  {
    form: "tanh-gelu-half-first",
    producer: "input",
    consumer: "output",
    why: "… and stays unfused as the graph's output",
    cpu: { ops: { Add: 2, Mul: 4, Pow: 1, Tanh: 1 } },
    wasm: { Add: 2, Mul: 4, Pow: 1, Tanh: 1 },
  },
];

describe("onnxruntime's activation fusions (probed/fusions.json)", () => {
  beforeAll(() => {
    ortWeb.env.wasm.numThreads = 1;
    ortWeb.env.logLevel = "error";
  });

  it("holds every form after every producer and consumer, probed on the installed onnxruntime", () => {
    const ids = file.cases.map((entry) => `${entry.form}/${entry.producer}/${entry.consumer}`);
    expect(ids).toEqual(
      activationForms.flatMap((form) =>
        producers.flatMap((producer) =>
          consumers.map((consumer) => `${form.id}/${producer.id}/${consumer}`),
        ),
      ),
    );
    expect(file.cases.filter((entry) => "error" in entry.cpu || "error" in entry.wasm)).toEqual([]);
    expect([file.onnxruntimeNode, file.onnxruntimeWeb]).toEqual([
      installed("onnxruntime-node"),
      installed("onnxruntime-web"),
    ]);
  });

  for (const expected of checked)
    it(`${expected.form} after ${expected.producer}, ${expected.consumer}: ${expected.why}`, async () => {
      const probe = fusionCase(expected.form, expected.producer, expected.consumer);
      const cpu = await optimizeOnCpu(ortNode as unknown as FusionOrt, probe);
      const wasm = await kernelsOnWasm(ortWeb as unknown as FusionOrt, probe);
      const record = recorded(expected.form, expected.producer, expected.consumer);
      // The file says it, and the engine does it now.
      expect(record.cpu).toMatchObject(expected.cpu);
      expect(record.wasm).toMatchObject({ kernels: expected.wasm });
      expect(cpu).toEqual(expected.cpu);
      expect(wasm).toEqual(expected.wasm);
    });
});
