// The trace arithmetic on a written-out trace in onnxruntime's format (as
// onnxruntime-node 1.30 writes it: a run's "model_run" event comes after its
// kernels'), so medians and run boundaries are checked exactly. The real
// profiler is exercised in providers/ort-profiling.test.ts.
import { DataType, ModelBuilder } from "@rectify/onnx";
import { describe, expect, it } from "vitest";
import { isRuntimeError } from "../errors.js";
import { engineProfile, traceRuns } from "./engine-profile.js";

const kernel = (name: string, ts: number, dur: number, opType: string) => ({
  cat: "Node",
  name: `${name}_kernel_time`,
  ts,
  dur,
  ph: "X",
  args: { op_name: opType, provider: "CPUExecutionProvider" },
});
const run = (ts: number, dur: number) => ({ cat: "Session", name: "model_run", ts, dur, ph: "X" });

/** Three runs of Gemm + Gelu (the second Gelu twice, as in a loop), kernels before their run's event. */
const trace = JSON.stringify([
  { cat: "Session", name: "session_initialization", ts: 0, dur: 900, ph: "X" },
  kernel("gemm", 1010, 100, "Gemm"),
  kernel("Gelu", 1120, 20, "Gelu"),
  { cat: "Node", name: "gemm_fence_before", ts: 1005, dur: 1 },
  run(1000, 200),
  kernel("gemm", 2010, 300, "Gemm"),
  kernel("Gelu", 2320, 10, "Gelu"),
  kernel("Gelu", 2340, 10, "Gelu"),
  run(2000, 400),
  kernel("gemm", 3010, 200, "Gemm"),
  kernel("Gelu", 3220, 40, "Gelu"),
  run(3000, 300),
]);

describe("traceRuns", () => {
  it("splits the trace at model_run events, summing a node's kernels within a run", () => {
    const runs = traceRuns(trace);
    expect(runs.map((entry) => [...entry.keys()])).toEqual([
      ["gemm", "Gelu"],
      ["gemm", "Gelu"],
      ["gemm", "Gelu"],
    ]);
    expect(runs.map((entry) => entry.get("gemm")!.milliseconds)).toEqual([0.1, 0.3, 0.2]);
    expect(runs.map((entry) => entry.get("Gelu")!.milliseconds)).toEqual([0.02, 0.02, 0.04]);
    expect(runs[0]!.get("gemm")).toMatchObject({
      opType: "Gemm",
      provider: "CPUExecutionProvider",
    });
  });

  it("reads a trace printed among other lines (onnxruntime-web's stdout), and rejects what is not one", () => {
    expect(traceRuns(`profile:\n${trace}\n`)).toHaveLength(3);
    const error = (() => {
      try {
        return traceRuns("no trace here");
      } catch (caught) {
        return caught;
      }
    })();
    expect(isRuntimeError(error, "RUN_FAILED")).toBe(true);
  });
});

describe("engineProfile", () => {
  it("takes medians per node and of per-run sums, lists graph nodes in graph order with their tensors", () => {
    const builder = new ModelBuilder({ opset: 17, opsets: { "com.microsoft": 1 } });
    const x = builder.input("x", DataType.FLOAT, [2, 4]);
    const w = builder.constant(DataType.FLOAT, [4, 4], new Float32Array(16), "w");
    const h = builder.op("Gemm", [x, w], {}, { name: "gemm" });
    const idle = builder.op("Identity", [h], {}, { name: "idle" });
    builder.output(
      builder.op("Gelu", [idle], {}, { name: "Gelu", domain: "com.microsoft" }),
      DataType.FLOAT,
      [2, 4],
      "y",
    );
    const profile = engineProfile(traceRuns(trace), [0.5, 0.7, 0.6], builder.build());
    expect(profile.nodes).toEqual([
      {
        name: "gemm",
        opType: "Gemm",
        domain: "",
        inputs: ["x", "w"],
        outputs: [h.name],
        milliseconds: 0.2,
      },
      {
        name: "idle",
        opType: "Identity",
        domain: "",
        inputs: [h.name],
        outputs: [idle.name],
        milliseconds: 0,
      },
      {
        name: "Gelu",
        opType: "Gelu",
        domain: "com.microsoft",
        inputs: [idle.name],
        outputs: ["y"],
        milliseconds: 0.02,
      },
    ]);
    // Per-run sums 0.12, 0.32, 0.24.
    expect(profile.kernelMilliseconds).toBeCloseTo(0.24, 12);
    expect(profile.runMilliseconds).toBeCloseTo(0.6, 12);
    expect(profile.runs).toBe(3);
    expect(profile.graph).toBe(true);
  });

  it("appends profiled nodes the graph lacks, and then reports graph false", () => {
    const builder = new ModelBuilder({ opset: 17, opsets: { "com.microsoft": 1 } });
    const x = builder.input("x", DataType.FLOAT, [2, 4]);
    builder.output(
      builder.op("Gelu", [x], {}, { name: "other", domain: "com.microsoft" }),
      DataType.FLOAT,
      [2, 4],
      "y",
    );
    const profile = engineProfile(traceRuns(trace).slice(1), [0.7, 0.6], builder.build());
    expect(
      profile.nodes.map((node) => [node.name, node.domain, node.inputs, node.milliseconds]),
    ).toEqual([
      ["other", "com.microsoft", ["x"], 0],
      ["gemm", "", [], 0.25],
      // The domain of the graph's node of the same op type.
      ["Gelu", "com.microsoft", [], 0.03],
    ]);
    expect(profile.graph).toBe(false);
    expect(profile.runs).toBe(2);
  });

  it("without a graph gives names and op types in order of first appearance", () => {
    const profile = engineProfile(traceRuns(trace), [1, 1, 1]);
    expect(profile.nodes.map((node) => `${node.opType} ${node.name}`)).toEqual([
      "Gemm gemm",
      "Gelu Gelu",
    ]);
    expect(profile.graph).toBe(false);
  });
});
