// Every entry point of every published package (from each package.json's
// `exports`) imports with plain Node from the project the tarballs were
// npm-installed in.
import { describe, expect, inject, it } from "vitest";
import { importWithNode } from "./support/consumer.js";
import { step } from "./support/steps.js";
import { publishedPackages } from "./support/workspace.js";

const bare = inject("bareProject");
const entryPoints = publishedPackages().flatMap((pkg) => pkg.entryPoints);

describe("entry points import in Node from the installed tarballs", () => {
  it("covers every package's exports", () => {
    for (const expected of [
      "@rectify/onnx",
      "@rectify/kernels",
      "@rectify/rewrite",
      "@rectify/rewrite/node",
      "@rectify/rewrite/light",
      "@rectify/runtime",
      "@rectify/cli",
    ])
      expect(entryPoints).toContain(expected);
  });

  it.each(entryPoints)("import(%j)", async (specifier) => {
    const count = await step(`node import("${specifier}")`, () => importWithNode(bare, specifier));
    expect(count).toBeGreaterThan(0);
  });
});
