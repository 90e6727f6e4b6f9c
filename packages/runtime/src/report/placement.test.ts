import { describe, expect, it } from "vitest";
import { parsePlacement, placedFallback } from "./placement.js";

// Lines as onnxruntime-web 1.30 writes them at verbose severity (prefix as its console shows it).
const prefix =
  "2026-12-02 04:30:00.000000 [V:onnxruntime:, session_state.cc:1377 VerifyEachNodeIsAssignedToAnEp]";
const log = [
  "[I:onnxruntime:, js_execution_provider.cc:817 GetCapability] webgpu kernel not found in registries for Op type: Softplus node name: softplus",
  "[I:onnxruntime:, fallback_cpu_capability.cc:154 GetCpuPreferredNodes] ORT optimization- Force fallback to CPU execution for node: /Shape because the CPU execution path is deemed faster than overhead involved with execution on other EPs  capable of executing this node",
  `${prefix} Node placements`,
  `${prefix}  Node(s) placed on [JsExecutionProvider]. Number of nodes: 4`,
  `${prefix}   MatMul (dense)`,
  `${prefix}   Add (bias)`,
  `${prefix}   MemcpyFromHost (Memcpy)`,
  `${prefix}   Reshape (/Reshape)`,
  `${prefix}  Node(s) placed on [CPUExecutionProvider]. Number of nodes: 3`,
  `${prefix}   Softplus (softplus)`,
  `${prefix}   Shape (/Shape)`,
  `${prefix}   MemcpyToHost (Memcpy_token_1)`,
  "[W:onnxruntime:, session_state.cc:1390 VerifyEachNodeIsAssignedToAnEp] Some nodes were not assigned to the preferred execution providers which may or may not have an negative impact on performance.",
];

describe("placement from onnxruntime's log", () => {
  it("reads each provider's nodes and the nodes kept on the CPU on purpose", () => {
    const placement = parsePlacement(log)!;
    expect(placement.providers.map((entry) => [entry.executionProvider, entry.count])).toEqual([
      ["JsExecutionProvider", 4],
      ["CPUExecutionProvider", 3],
    ]);
    expect(placement.providers[1]!.nodes).toEqual([
      { opType: "Softplus", name: "softplus" },
      { opType: "Shape", name: "/Shape" },
      { opType: "MemcpyToHost", name: "Memcpy_token_1" },
    ]);
    expect(placement.cpuPreferred).toEqual(["/Shape"]);
  });

  it("counts compute nodes on the CPU apart from shape nodes and copies", () => {
    expect(placedFallback(parsePlacement(log)!)).toEqual({
      computeNodesOnCpu: 1,
      shapeNodesOnCpu: 1,
      copies: 2,
      nodes: [{ opType: "Softplus", name: "softplus" }],
    });
  });

  it("a whole graph on one provider is a count without names", () => {
    const whole = parsePlacement([
      `${prefix}  All nodes placed on [WebGpuExecutionProvider]. Number of nodes: 12`,
    ])!;
    expect(placedFallback(whole)).toEqual({
      computeNodesOnCpu: 0,
      shapeNodesOnCpu: 0,
      copies: 0,
      nodes: [],
    });
    const onCpu = parsePlacement([
      `${prefix}  All nodes placed on [CPUExecutionProvider]. Number of nodes: 3`,
    ])!;
    expect(placedFallback(onCpu).computeNodesOnCpu).toBe(3);
    expect(parsePlacement(["nothing about placement"])).toBeUndefined();
  });
});
