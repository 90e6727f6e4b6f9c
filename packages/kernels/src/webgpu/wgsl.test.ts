// The WGSL generator's output, checked as text (the WebGPU test runs it).
import { describe, expect, it } from "vitest";
import { defineActivation, instantiate } from "../activation/activation.js";
import { getActivation } from "../activations/index.js";
import { KernelsError } from "../errors/kernels-error.js";
import { Expr, expressionNodes } from "../expression/expression.js";
import { wgslFloat, wgslSource } from "./wgsl.js";

function custom(expression: () => Expr) {
  return instantiate(
    defineActivation({
      name: "custom",
      title: "Custom",
      formula: "custom",
      parameters: [],
      f: (x) => x,
      df: () => 1,
      expression,
      properties: {},
    }),
  );
}

describe("wgslSource", () => {
  it("emits one let per DAG node, shared nodes once", () => {
    const activation = custom(() => {
      const x = Expr.input();
      const square = x.square();
      return square.add(square.sqrt());
    });
    const source = wgslSource(activation);
    const lets = source.match(/^ {2}let v\d+ = /gm) ?? [];
    expect(lets).toHaveLength(expressionNodes(activation.expression).length);
    expect(source).toContain("let v1 = v0 * v0;");
    expect(source).toContain("@workgroup_size(64)");
  });

  it("writes constants as exact float32 values, by their bits where no literal fits", () => {
    expect(wgslFloat(0.5)).toBe("0.5f");
    expect(wgslFloat(4)).toBe("4.0f");
    expect(wgslFloat(1 / 3)).toBe("0.33333334f");
    expect(Math.fround(Number.parseFloat(wgslFloat(Math.PI)))).toBe(Math.fround(Math.PI));
    expect(wgslFloat(Number.POSITIVE_INFINITY)).toBe("f32bits(0x7f800000u)");
    expect(wgslFloat(Number.NaN)).toBe("f32bits(0x7fc00000u)");
    expect(wgslFloat(-0)).toBe("f32bits(0x80000000u)");
    expect(wgslFloat(1e-45)).toBe("f32bits(0x00000001u)");
    expect(wgslFloat(3.4028234663852886e38)).toBe("f32bits(0x7f7fffffu)");
  });

  it("loops over rows for reducing activations", () => {
    const source = wgslSource(instantiate(getActivation("softmax")));
    expect(source.match(/for \(var j = 0u; j < n; j\+\+\)/g)).toHaveLength(3);
    expect(source).toContain("output[base + j]");
    const lse = wgslSource(instantiate(getActivation("logsumexp")));
    expect(lse).toContain("output[item] = ");
  });

  it("refuses a workgroup size outside 1..256", () => {
    const relu = instantiate(getActivation("relu"));
    expect(wgslSource(relu, { workgroupSize: 256 })).toContain("@workgroup_size(256)");
    expect(() => wgslSource(relu, { workgroupSize: 0 })).toThrow(KernelsError);
    expect(() => wgslSource(relu, { workgroupSize: 1.5 })).toThrow(/workgroupSize/);
  });
});
