import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { catalog, catalogMarkdown, catalogSection } from "./catalog.js";

describe("the README's catalog table", () => {
  it("matches what the catalog computes now", () => {
    const readme = readFileSync(fileURLToPath(new URL("../../README.md", import.meta.url)), "utf8");
    const written = catalogSection(readme);
    const computed = catalogMarkdown(catalog()).trimEnd();
    expect(
      written,
      "packages/kernels/README.md's catalog table is stale: run `pnpm --filter @rectify/kernels catalog --write-readme`",
    ).toBe(computed);
  }, 60_000);
});
