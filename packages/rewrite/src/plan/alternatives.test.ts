import { DataType, ModelBuilder } from "@rectify/onnx";
import { describe, expect, it } from "vitest";
import { applyPlanToCopy } from "../rewrite/apply-plan.js";
import { builtinTarget } from "../targets/index.js";
import { alternativePlans } from "./alternatives.js";
import { planModel } from "./plan-model.js";

/** x → Selu → Elu → Softplus, [1, 64]. */
function model() {
  const b = new ModelBuilder({ opset: 17 });
  const x = b.input("x", DataType.FLOAT, [1, 64]);
  const y = b.op("Softplus", [b.op("Elu", [b.op("Selu", [x])], { alpha: 1 })]);
  b.output(y, DataType.FLOAT, [1, 64], "y");
  return b.build();
}

describe("alternativePlans", () => {
  const target = builtinTarget("ort-wasm");
  const plan = planModel(model(), target, { budget: 1e-3 });
  const alternatives = alternativePlans(plan.plans, target, 1e-3);

  it("offers each stand-in within the budget at the sites that admit it, the rest as planned", () => {
    expect(alternatives.length).toBeGreaterThan(3);
    for (const alternative of alternatives) {
      expect(alternative.sites.length).toBe(1);
      const [id] = alternative.sites;
      const changed = alternative.plans.find((entry) => entry.site.id === id)!;
      expect(changed.action).toBe("substitute");
      expect(changed.chosen!.label).toBe(alternative.label);
      expect(changed.chosen!.predictedError).toBeLessThanOrEqual(1e-3);
      // Not what the planner chose there.
      const planned = plan.plans.find((entry) => entry.site.id === id)!;
      expect(planned.action === "substitute" ? planned.chosen!.label : "keep").not.toBe(
        alternative.label,
      );
      for (const other of alternative.plans)
        if (other.site.id !== id) expect(other).toBe(plan.plans.find((p) => p === other));
      expect(changed.site.activation).toBe(alternative.activation);
      expect(alternative.cost).toBeGreaterThan(0);
    }
    expect(new Set(alternatives.map((alternative) => alternative.activation))).toEqual(
      new Set(["selu", "elu", "softplus"]),
    );
    expect(alternatives.map((alternative) => alternative.label)).toContain("elu-max{alpha=1}");
  });

  it("applies to a fresh copy of the model", () => {
    const elu = alternatives.find((alternative) => alternative.label === "elu-max{alpha=1}")!;
    const copy = model();
    expect(applyPlanToCopy(copy, elu.plans)).toBeGreaterThanOrEqual(1);
    expect(copy.graph.nodes.map((node) => node.opType)).toEqual(
      expect.arrayContaining(["Min", "Exp", "Max"]),
    );
  });

  it("leaves sites the search took past the budget as they are", () => {
    const past = plan.plans.map((entry) => {
      const substitute = alternatives.find(
        (alternative) =>
          alternative.activation === entry.site.activation &&
          alternative.sites.includes(entry.site.id),
      );
      const chosen = substitute?.plans.find((p) => p.site.id === entry.site.id)?.chosen;
      return chosen
        ? { ...entry, action: "substitute" as const, chosen: { ...chosen, predictedError: 0.1 } }
        : entry;
    });
    expect(alternativePlans(past, target, 1e-3)).toEqual([]);
  });
});
