import { describe, expect, it } from "vitest";
import { instantiate } from "../activation/activation.js";
import { getActivation } from "../activations/index.js";
import { approximations, approximationsFor } from "./index.js";

describe("the approximation list", () => {
  it("names registered activations with valid parameters in every entry", () => {
    for (const entry of approximations) {
      const exact = instantiate(getActivation(entry.exact), entry.exactParams);
      const params = typeof entry.params === "function" ? entry.params(exact.params) : entry.params;
      const approximation = instantiate(getActivation(entry.approximation), params);
      expect(approximation.reduces).toBe(exact.reduces);
      for (const name of entry.fittable ?? [])
        expect(approximation.definition.parameters.map((spec) => spec.name)).toContain(name);
    }
  });

  it("covers what the issue lists for each exact activation", () => {
    const targets = (exact: string) => approximationsFor(exact).map((e) => e.approximation);
    expect(targets("softplus")).toEqual(
      expect.arrayContaining(["squareplus", "softplus-exp-ratio", "relu", "softplus-squaring"]),
    );
    expect(targets("gelu")).toEqual(
      expect.arrayContaining(["gelu-tanh", "gelu-sigmoid", "algebraic-silu", "hard-gelu"]),
    );
    for (const exact of [
      "sigmoid",
      "tanh",
      "silu",
      "gelu",
      "mish",
      "elu",
      "selu",
      "celu",
      "softmax",
      "logsumexp",
    ])
      expect(targets(exact).some((name) => name.endsWith("-squaring"))).toBe(true);
    expect(targets("elu")).toContain("shifted-relu");
    expect(targets("prelu")).toContain("max-leaky");
    expect(targets("exp")).toContain("exp-squaring");
    expect(targets("erf")).toEqual(
      expect.arrayContaining([
        "erf-squaring",
        "erf-sextic",
        "algebraic-erf",
        "hard-erf",
        "erf-tanh",
      ]),
    );
  });
});
