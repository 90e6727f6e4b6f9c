import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { measuredCatalog } from "./measured-catalog.js";

describe("measured-catalog.json", () => {
  it("holds what the kernels' error engine measures now (regenerate with scripts/measure-catalog.ts)", () => {
    const stored = JSON.parse(
      readFileSync(new URL("./measured-catalog.json", import.meta.url), "utf8"),
    ) as Record<string, unknown>;
    const fresh = measuredCatalog();
    expect(Object.keys(fresh).length).toBeGreaterThan(60);
    expect(fresh).toEqual(stored);
  });
});
