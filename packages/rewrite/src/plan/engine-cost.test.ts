import { DataType, ModelBuilder, type Value } from "@rectify/onnx";
import { describe, expect, it } from "vitest";
import { findSites } from "../sites/find-sites.js";
import { builtinTarget } from "../targets/index.js";
import { nodeOps } from "./cost.js";
import { engineCost } from "./engine-cost.js";

type Build = (b: ModelBuilder, x: Value) => Value;

/** The one site of `activation` after `producer`, in a [1, 16, 8, 8] model. */
function siteAfter(producer: "conv" | "bias" | "input", activation: Build) {
  const b = new ModelBuilder({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [1, 16, 8, 8]);
  let before = x;
  if (producer === "conv")
    before = b.op("Conv", [
      x,
      b.constant(DataType.FLOAT, [16, 16, 1, 1], new Float32Array(256), "w"),
    ]);
  if (producer === "bias")
    before = b.op("Add", [x, b.constant(DataType.FLOAT, [8], new Float32Array(8), "bias")]);
  b.output(activation(b, before), DataType.FLOAT, [1, 16, 8, 8], "y");
  const [site] = findSites(b.build()).sites;
  return site!;
}

const erfGelu: Build = (b, x) => {
  const erf = b.op("Erf", [b.op("Div", [x, b.scalar(Math.SQRT2, DataType.FLOAT, "r2")])]);
  return b.op("Mul", [
    b.op("Mul", [x, b.op("Add", [erf, b.scalar(1, DataType.FLOAT, "one")])]),
    b.scalar(0.5, DataType.FLOAT, "half"),
  ]);
};
const silu: Build = (b, x) => b.op("Mul", [x, b.op("Sigmoid", [x])]);
const unary =
  (op: string): Build =>
  (b, x) =>
    b.op(op, [x]);

const cpu = builtinTarget("ort-cpu");
const wasm = builtinTarget("ort-wasm");
const keep = { keep: true } as const;

describe("engine costs: what onnxruntime runs after its own rewrites", () => {
  it("prices erf-GELU as the Gelu kernel it becomes, and with a bias Add before it as BiasGelu less that Add", () => {
    const plain = siteAfter("input", erfGelu);
    expect(engineCost(nodeOps(plain.nodes), plain, cpu, keep)).toEqual({
      cost: cpu.cost("Gelu", "com.microsoft"),
      ops: { "com.microsoft.Gelu": 1 },
      note: "the engine fuses it into com.microsoft.Gelu",
    });
    const biased = siteAfter("bias", erfGelu);
    const cost = engineCost(nodeOps(biased.nodes), biased, cpu, keep)!;
    expect(cost.ops).toEqual({ "com.microsoft.BiasGelu": 1 });
    expect(cost.cost).toBeCloseTo(cpu.cost("BiasGelu", "com.microsoft")! - cpu.cost("Add")!, 12);
  });

  it("prices x·σ(x) as QuickGelu", () => {
    const site = siteAfter("conv", silu);
    expect(engineCost(nodeOps(site.nodes), site, wasm, keep)!.ops).toEqual({
      "com.microsoft.QuickGelu": 1,
    });
  });

  it("folds a Relu into the Conv before it, but not one after a graph input", () => {
    const folded = siteAfter("conv", unary("Relu"));
    const cost = engineCost(nodeOps(folded.nodes), folded, cpu, keep)!;
    expect(cost.cost).toBe(Math.max(0, cpu.cost("Relu")! - cpu.cost("Add")!));
    expect(cost.note).toBe("the engine folds it into the Conv before it");
    const alone = siteAfter("input", unary("Relu"));
    expect(engineCost(nodeOps(alone.nodes), alone, cpu, keep)!.cost).toBe(cpu.cost("Relu"));
  });

  it("runs HardSwish as HardSigmoid + Mul where it is not folded (WASM keeps it out of FusedConv)", () => {
    const site = siteAfter("conv", unary("HardSwish"));
    const cost = engineCost(nodeOps(site.nodes), site, wasm, keep)!;
    expect(cost.ops).toEqual({ HardSigmoid: 1, Mul: 1 });
    expect(cost.cost).toBeCloseTo(wasm.cost("HardSigmoid")! + wasm.cost("Mul")!, 12);
  });

  it("adds per-node overhead, which grows as tensors shrink", () => {
    const site = siteAfter("input", unary("Elu"));
    const overhead = cpu.engine!.nodeOverhead!;
    const small = engineCost({ Elu: 1 }, site, cpu, { keep: true, elements: 100 })!;
    const large = engineCost({ Elu: 1 }, site, cpu, { keep: true, elements: 1e7 })!;
    expect(small.cost).toBeCloseTo(cpu.cost("Elu")! + overhead / 100, 9);
    expect(large.cost).toBeCloseTo(cpu.cost("Elu")! + overhead / 1e7, 9);
    // Three nodes on a small tensor cost more than one, even when each is cheaper per element.
    const threeNodes = engineCost({ Max: 1, Mul: 1, Add: 1 }, site, cpu, {
      keep: false,
      elements: 100,
    })!;
    expect(threeNodes.cost - small.cost).toBeGreaterThan(0);
  });
});
