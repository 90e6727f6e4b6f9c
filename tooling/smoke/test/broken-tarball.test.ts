// The smoke checks catch a tarball that lacks a file it needs: @rectify/runtime
// repacked without one of its entry files, put in place of the good one in a
// copy of the installed project (symlinks, nothing is installed again).
import { mkdtemp } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { buildBrowserApp } from "./support/browser-app.js";
import { importWithNode } from "./support/consumer.js";
import { repackWithout } from "./support/pack.js";
import { projectWithReplacedPackage } from "./support/project.js";
import { step } from "./support/steps.js";
import { typeCheck } from "./support/typecheck.js";
import { publishedPackages } from "./support/workspace.js";

const full = inject("fullProject");
const root = inject("smokeRoot");
const runtimeTarball = inject("tarballs")["@rectify/runtime"]!;

async function projectWithRuntimeLacking(files: string | readonly string[]): Promise<string> {
  const work = await mkdtemp(join(root, "broken-"));
  const tarball = await repackWithout(
    runtimeTarball,
    typeof files === "string" ? [files] : files,
    work,
  );
  return projectWithReplacedPackage(full, "@rectify/runtime", tarball, work);
}

describe("a tarball that lacks a file it needs fails the smoke test", () => {
  it("without dist/index.browser.js: the browser bundle step fails and names the file", async () => {
    const project = await step("repack @rectify/runtime without dist/index.browser.js", () =>
      projectWithRuntimeLacking("dist/index.browser.js"),
    );
    const bundling = step("esbuild the browser app", () => buildBrowserApp(project), {
      expectFailure: true,
    });
    await expect(bundling).rejects.toThrow(
      /command failed \(exit code 1[\s\S]*esbuild[\s\S]*index\.browser\.js/,
    );
  });

  it("without dist/index.node.js: importing @rectify/runtime in Node fails and names the file", async () => {
    const project = await step("repack @rectify/runtime without dist/index.node.js", () =>
      projectWithRuntimeLacking("dist/index.node.js"),
    );
    const importing = step(
      'node import("@rectify/runtime")',
      () => importWithNode(project, "@rectify/runtime"),
      { expectFailure: true },
    );
    await expect(importing).rejects.toThrow(
      /command failed \(exit code 1[\s\S]*ERR_MODULE_NOT_FOUND[\s\S]*index\.node\.js/,
    );
  });

  // TypeScript, unlike Node, falls back to the next condition when a `types`
  // target is missing (without index.node.d.ts alone, node16 picks the browser
  // types and passes), so this tarball lacks both entry declarations.
  it("without its type declarations: the node16 type-check fails and names the package", async () => {
    const project = await step(
      "repack @rectify/runtime without dist/index.{node,browser}.d.ts",
      () => projectWithRuntimeLacking(["dist/index.node.d.ts", "dist/index.browser.d.ts"]),
    );
    const entryPoints = publishedPackages().flatMap((pkg) => pkg.entryPoints);
    const checking = step("tsc --noEmit node16", () => typeCheck(project, entryPoints, "node16"), {
      expectFailure: true,
    });
    await expect(checking).rejects.toThrow(
      /command failed \(exit code 2[\s\S]*TS7016[\s\S]*@rectify\/runtime/,
    );
  });
});
