import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { reportJsonSchema } from "../src/report/json-schema.js";
import { reportSchema } from "../src/report/schema.js";

describe("the report schema", () => {
  it("is committed as report.schema.json, current with the zod schema (pnpm --filter @rectify/bench schema)", () => {
    const committed = readFileSync(join(import.meta.dirname, "..", "report.schema.json"), "utf8");
    expect(committed).toBe(reportJsonSchema());
  });

  it("refuses a report of another schema version or with a field of the wrong type", () => {
    const minimal = {
      schema: "rectify-bench/1",
      createdAt: "2026-12-02T00:00:00.000Z",
      quick: true,
      environment: {
        node: "v20",
        platform: "linux x64",
        cpus: 2,
        cpuModel: "cpu",
        loadAverage: [1, 1, 1],
      },
      options: { models: [], targets: [], providers: [], budget: 1e-3, sweepBudgets: [] },
      models: [],
      optimizations: [],
      runs: [],
      sweeps: [],
      kernels: [],
      elapsedSeconds: 1,
    };
    expect(reportSchema.safeParse(minimal).success).toBe(true);
    expect(reportSchema.safeParse({ ...minimal, schema: "rectify-bench/2" }).success).toBe(false);
    const wrongRun = {
      ...minimal,
      runs: [{ model: "m", target: "t", provider: "cpu", environment: "node", status: "fast" }],
    };
    const result = reportSchema.safeParse(wrongRun);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues[0]?.path)).toBe('["runs",0,"status"]');
  });
});
