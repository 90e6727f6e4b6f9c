import { DataType, decodeModel, encodeModel, ModelBuilder } from "@rectify/onnx";
import { describe, expect, it } from "vitest";
import { optimizeModel } from "../src/optimize.js";
import { builtinTargets } from "../src/targets/index.js";
import type { Feeds } from "../src/verify/evaluator.js";
import { singleOpCases, singleOpModel } from "./support/activation-models.js";
import { createOrtNodeEvaluator } from "./support/ort-node-evaluator.js";

/** x ~ 4·N(0,1)-ish, seeded, plus the points where activations bend. */
function feeds(rows = 4, columns = 8): Feeds {
  const data = new Float32Array(rows * columns);
  let state = 12345;
  for (let i = 0; i < data.length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    data[i] = ((state / 2147483648) * 2 - 1) * 8;
  }
  data.set([0, -0.5, 0.5, -3, 3, 6, -6, 1e-3], 0);
  return { x: { type: "float32", dims: [rows, columns], data } };
}

const evaluator = createOrtNodeEvaluator();

describe("optimize: every single-op activation on every built-in target", () => {
  for (const target of builtinTargets.values()) {
    for (const test of singleOpCases) {
      const name = `${test.opType}${test.extraInputs ? `[slope ${test.extraInputs[0]!.dims}]` : ""} on ${target.name}`;
      it(name, async () => {
        const { model, report, changed } = await optimizeModel(() => singleOpModel(test), {
          target,
          evaluator,
          feeds: feeds(),
        });
        expect(report.summary.sites).toBe(1);
        const [site] = report.sites;
        // (a) the result runs on the target, or the report names what it cannot run
        const unsupported = new Set(report.unsupportedOps.map((op) => op.op));
        for (const graph of model.graphs()) {
          for (const node of graph.nodes) {
            const runs = target.runs(node.opType, node.domain);
            if (!runs)
              expect(unsupported.has(node.opType), `${node.opType} missing from the report`).toBe(
                true,
              );
          }
        }
        if (site!.action === "unsupported") expect(unsupported.size).toBeGreaterThan(0);
        else expect(report.unsupportedOps).toEqual([]);
        if (site!.action === "substitute") {
          expect(changed).toBe(true);
          for (const op of Object.keys(site!.opsAfter))
            expect(target.runs(op), `${op} on ${target.name}`).toBe(true);
          for (const node of model.graph.nodes) expect(node.docString).toMatch(/^rectify: /);
        } else {
          expect(changed).toBe(false);
        }
        // (c) measured error within the predicted one (plus float32 rounding of the outputs); on an
        // integer device the float model's error (its tables round to the output grid) is maxFloatError
        const comparison = report.verification!.comparison;
        expect(comparison.nonFiniteMismatches).toBe(0);
        expect(comparison.maxAbsError).toBeLessThanOrEqual(
          (report.maxFloatError ?? report.maxPredictedError) + 2e-6,
        );
        if (target.quantization && site!.action === "substitute" && site!.device)
          expect(site!.device.addedError).toBeLessThanOrEqual(report.budget);
        // rewriting the result again changes nothing
        const again = await optimizeModel(() => model, { target });
        expect(again.changed).toBe(false);
        expect(encodeModel(again.model)).toEqual(encodeModel(model));
      });
    }
  }
});

describe("16-bit float sites", () => {
  it("are only given native ops: stand-in errors are not measured in float16", async () => {
    const build = () => {
      const builder = new ModelBuilder({ opset: 17 });
      const x = builder.input("x", DataType.FLOAT16, [2, 8]);
      builder.output(builder.op("Sigmoid", [x]), DataType.FLOAT16, [2, 8], "y");
      return builder.build();
    };
    const { report, changed } = await optimizeModel(build, {
      target: builtinTargets.get("algebraic")!,
    });
    expect(changed).toBe(false);
    expect(report.sites[0]!.action).toBe("unsupported");
    expect(report.sites[0]!.rejected.some((r) => /16-bit float tensors/.test(r.reason))).toBe(true);
  });
});

describe("re-targeting a rewritten model", () => {
  it("plans an earlier substitute again when the new target cannot run it, and leaves it when it can", async () => {
    const build = () => {
      const builder = new ModelBuilder({ opset: 17 });
      // Large enough that per-node overhead does not decide: on a [4, 8] tensor one Softplus
      // node beats the seven nodes of its exact expression, and the planner keeps it.
      const x = builder.input("x", DataType.FLOAT, [64, 1024]);
      builder.output(
        builder.op("Softplus", [builder.op("Softplus", [x])]),
        DataType.FLOAT,
        [64, 1024],
        "y",
      );
      return builder.build();
    };
    const evaluator = createOrtNodeEvaluator();
    // ort-cpu: Softplus (29 Adds per element) → its exact expression with Exp and Log (~8).
    const cpu = builtinTargets.get("ort-cpu")!;
    const algebraic = builtinTargets.get("algebraic")!;
    // Softplus → the exact expression, which uses Exp and Log
    const first = await optimizeModel(build, { target: cpu });
    expect(first.report.sites.map((site) => site.substitute)).toEqual([
      "softplus (exact expression)",
      "softplus (exact expression)",
    ]);
    const ops = new Set(first.model.graph.nodes.map((node) => node.opType));
    expect(ops.has("Exp") && ops.has("Log")).toBe(true);
    // the same target again: nothing to do
    const again = await optimizeModel(() => first.model, { target: cpu });
    expect(again.changed).toBe(false);
    expect(again.report.summary.alreadyRewritten).toBe(2);
    // algebraic cannot run Exp/Log: both substitutes are read back as softplus sites and planned anew
    const bytes = encodeModel(first.model);
    const second = await optimizeModel(() => decodeModel(bytes), {
      target: algebraic,
      evaluator,
      feeds: feeds(64, 1024),
    });
    expect(second.report.sites.map((site) => [site.activation, site.rule, site.action])).toEqual([
      ["softplus", "rectify-substitute", "substitute"],
      ["softplus", "rectify-substitute", "substitute"],
    ]);
    expect(second.report.unsupportedOps).toEqual([]);
    expect(second.report.verification!.comparison.maxAbsError).toBeLessThan(1e-3);
  });
});
