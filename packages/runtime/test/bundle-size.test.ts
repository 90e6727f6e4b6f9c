import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { measureBundles } from "./support/bundle-size.js";

const packageFolder = fileURLToPath(new URL("..", import.meta.url));

/** The budgets as the README states them: rows `| <scenario> | <N> KB |` of its bundle-size table. */
function readmeBudgets(): Map<string, number> {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const budgets = new Map<string, number>();
  for (const match of readme.matchAll(/^\| `?(createSession[^|`]*)`? \| ([\d.]+) KB \|/gm))
    budgets.set(match[1]!.trim(), Number(match[2]) * 1024);
  return budgets;
}

describe("what @rectify/runtime adds to a browser bundle (minified + gzip, onnxruntime excluded)", () => {
  it("stays within the README's budgets, and leaves the rewriter out until rewrite-on-load asks for it", async () => {
    const budgets = readmeBudgets();
    expect([...budgets.keys()].sort()).toEqual([
      "createSession alone",
      "createSession with rewrite",
    ]);
    const sizes = await measureBundles(packageFolder);
    for (const size of sizes) {
      const budget = budgets.get(size.scenario)!;
      console.log(
        `${size.scenario}: ${(size.gzip / 1024).toFixed(1)} KB gzip (${(size.minified / 1024).toFixed(1)} KB minified), budget ${(budget / 1024).toFixed(0)} KB; largest: ${size.largest.map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(1)} KB`).join(", ")}`,
      );
      expect(size.gzip, size.scenario).toBeLessThanOrEqual(budget);
    }
    const alone = sizes.find((size) => size.scenario === "createSession alone")!;
    const names = alone.largest.map(([name]) => name);
    // The planner, the kernels and zod come only with the rewriter's chunk.
    expect(names).not.toContain("@rectify/kernels");
    expect(names).not.toContain("zod");
    const withRewrite = sizes.find((size) => size.scenario === "createSession with rewrite")!;
    expect(withRewrite.largest.map(([name]) => name)).toContain("@rectify/kernels");
  }, 60_000);
});
