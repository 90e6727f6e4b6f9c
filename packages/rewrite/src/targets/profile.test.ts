import { describe, expect, it } from "vitest";
import { isRewriteError } from "../errors/rewrite-error.js";
import { builtinTarget, builtinTargets } from "./index.js";
import { parseTargetProfile } from "./profile-schema.js";

const minimal = {
  name: "my-npu",
  description: "test device",
  runsUnlistedOps: false,
  ops: { Add: 1, Mul: 2 },
};

describe("target profiles", () => {
  it("parses the built-ins, which keep their names and JSON", () => {
    expect([...builtinTargets.keys()]).toEqual([
      "ort-cpu",
      "ort-wasm",
      "ort-webgpu",
      "ort-webgpu-jsep",
      "webnn",
      "algebraic",
      "piecewise-linear",
      "lut",
      "lut-int8",
      "lut-int16",
    ]);
    for (const profile of builtinTargets.values())
      expect(parseTargetProfile(profile.toJSON()).name).toBe(profile.name);
  });

  it("builds the built-ins without zod exactly as the schema would", () => {
    const probe = ["Add", "Exp", "Erf", "Softplus", "MatMul", "LSTM", "If", "Gelu", "Constant"];
    for (const profile of builtinTargets.values()) {
      const viaSchema = parseTargetProfile(profile.toJSON(), profile.name);
      const json = profile.toJSON();
      const ops = [...probe, ...Object.keys(json.ops ?? {}), ...(json.unsupported ?? [])];
      for (const opset of [undefined, 11, 13, 17, 21]) {
        const [a, b] =
          opset === undefined
            ? [profile, viaSchema]
            : [profile.atOpset(opset), viaSchema.atOpset(opset)];
        for (const op of ops) {
          const [type, domain] = op.includes(".")
            ? [op.slice(op.lastIndexOf(".") + 1), op.slice(0, op.lastIndexOf("."))]
            : [op, ""];
          expect([profile.name, op, opset, a.runs(type, domain), a.cost(type, domain)]).toEqual([
            profile.name,
            op,
            opset,
            b.runs(type, domain),
            b.cost(type, domain),
          ]);
          expect(a.allowsInSubstitute(type, domain)).toBe(b.allowsInSubstitute(type, domain));
        }
      }
    }
  });

  it("answers what runs, what a substitute may use, and what it costs", () => {
    const algebraic = builtinTarget("algebraic");
    expect(algebraic.runs("Exp")).toBe(false);
    expect(algebraic.runs("MatMul")).toBe(true); // unlisted ops run on a general device
    expect(algebraic.allowsInSubstitute("Sqrt")).toBe(true);
    expect(algebraic.allowsInSubstitute("MatMul")).toBe(false); // runs, but substitutes are limited to substituteOps
    expect(algebraic.cost("Div")).toBe(2);
    expect(algebraic.cost("Exp")).toBeUndefined();
    const npu = parseTargetProfile(minimal);
    expect(npu.runs("Sub")).toBe(false);
    expect(npu.runs("Constant")).toBe(true); // folded into initializers by every runtime
    expect(npu.cost("Mul")).toBe(2);
    expect(npu.runs("FastGelu", "com.microsoft")).toBe(false);
  });

  it("honours per-op opset ranges (WebGPU has no opset-22 Elu kernel)", () => {
    const webgpu = builtinTarget("ort-webgpu");
    expect(webgpu.atOpset(17).runs("Elu")).toBe(true);
    expect(webgpu.atOpset(22).runs("Elu")).toBe(false);
    expect(webgpu.atOpset(13).runs("HardSwish")).toBe(false);
    expect(webgpu.atOpset(17).runs("Gelu")).toBe(false);
    expect(webgpu.atOpset(20).runs("Gelu")).toBe(true);
    const ranged = parseTargetProfile({
      ...minimal,
      ops: { Add: { cost: 1, minOpset: 11, maxOpset: 13 } },
    });
    expect([10, 11, 13, 14].map((opset) => ranged.atOpset(opset).runs("Add"))).toEqual([
      false,
      true,
      true,
      false,
    ]);
  });

  it("rejects malformed profiles naming the JSON path", () => {
    const cases: [unknown, RegExp][] = [
      [{ ...minimal, name: "My NPU" }, /name: kebab-case/],
      [{ ...minimal, runsUnlistedOps: "yes" }, /runsUnlistedOps: /],
      [{ ...minimal, ops: { Sqrt: -1 } }, /ops\.Sqrt/],
      [{ ...minimal, ops: { sqrt: 1 } }, /ops\.sqrt/],
      [
        { ...minimal, ops: { Add: { cost: 1, minOpset: 14, maxOpset: 13 } } },
        /minOpset must not exceed maxOpset/,
      ],
      [{ ...minimal, colour: "red" }, /colour|unrecognized/i],
      [
        { ...minimal, substituteOps: ["Sqrt"] },
        /substituteOps lists Sqrt, which the target does not run/,
      ],
      [
        { ...minimal, runsUnlistedOps: true, unsupported: ["Add"] },
        /Add is both in "ops" and in "unsupported"/,
      ],
      ["not an object", /not a valid target profile/],
    ];
    for (const [json, message] of cases) {
      let caught: unknown;
      try {
        parseTargetProfile(json, "my-npu.json");
      } catch (error) {
        caught = error;
      }
      expect(isRewriteError(caught, "TARGET_INVALID"), String(message)).toBe(true);
      expect((caught as Error).message).toMatch(message);
      expect((caught as Error).message).toContain("my-npu.json");
    }
  });

  it("extends a built-in: ops merge, an op listed runs again, quantization defaults apply", () => {
    const mine = parseTargetProfile(
      {
        extends: "lut",
        name: "my-int8-npu",
        description: "lut with exp and int8 tensors",
        ops: { Exp: 2 },
        quantization: { bits: 8 },
        notes: ["measured on my board"],
      },
      "my-int8-npu.json",
    );
    expect(mine.runs("Exp")).toBe(true);
    expect(mine.cost("Exp")).toBe(2);
    expect(mine.cost("Gather")).toBe(1); // from lut
    expect(mine.runs("Erf")).toBe(false); // still unsupported
    expect(mine.allowsInSubstitute("Floor")).toBe(true);
    expect(mine.quantization).toEqual({ bits: 8, symmetric: false, tableCells: 256 });
    expect(mine.notes.at(-1)).toBe("measured on my board");
    expect(mine.notes.length).toBeGreaterThan(1);
    expect(builtinTarget("lut-int16").quantization).toMatchObject({
      bits: 16,
      symmetric: true,
      tableCells: 512,
    });
    expect(builtinTarget("lut").quantization).toBeUndefined();
  });

  it("refuses an unknown base and a table that is not a power of two", () => {
    expect(() =>
      parseTargetProfile({ extends: "tpu", name: "x", description: "x" }, "x.json"),
    ).toThrow(/"extends" must name a built-in target/);
    expect(() =>
      parseTargetProfile(
        {
          extends: "lut",
          name: "x",
          description: "x",
          quantization: { bits: 16, tableCells: 500 },
        },
        "x.json",
      ),
    ).toThrow(/quantization.tableCells: tableCells must be a power of two/);
    expect(() =>
      parseTargetProfile(
        { extends: "lut", name: "x", description: "x", quantization: { bits: 4 } },
        "x.json",
      ),
    ).toThrow(/quantization.bits/);
  });

  it("names the built-ins when a target is unknown", () => {
    expect(() => builtinTarget("quantum")).toThrow(
      /unknown target "quantum"; built-in targets: ort-cpu, ort-wasm/,
    );
  });
});
