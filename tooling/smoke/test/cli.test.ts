// The installed `rectify` command: first in the project without onnxruntime
// installed by the user (--version, targets, optimize --no-verify), then in
// the one with onnxruntime-node/-web, where optimize verifies its result.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { installed, rectify } from "./support/consumer.js";
import { describeFailure } from "./support/run.js";
import { step } from "./support/steps.js";

const bare = inject("bareProject");
const full = inject("fullProject");

// @rectify/cli depended on onnxruntime-node/-web until they became optional
// peers: until then the "bare" project has them too.
const onnxruntimeInBare = installed(bare, "onnxruntime-node") || installed(bare, "onnxruntime-web");

describe("rectify CLI from the npm-installed tarballs", () => {
  it("prints the package version with --version", async () => {
    const version = JSON.parse(
      readFileSync(join(bare, "node_modules", "@rectify", "cli", "package.json"), "utf8"),
    ).version as string;
    const result = await step("rectify --version", () => rectify(bare, ["--version"]));
    expect(result.stdout.trim()).toBe(version);
  });

  it("lists the built-in targets", async () => {
    const result = await step("rectify targets", () => rectify(bare, ["targets"]));
    for (const target of ["ort-cpu", "ort-wasm", "ort-webgpu", "algebraic", "piecewise-linear"])
      expect(result.stdout).toContain(target);
  });

  it("optimizes the example model without verification (no onnxruntime needed)", async () => {
    if (onnxruntimeInBare)
      console.log(
        "[smoke] note: onnxruntime is installed in the bare project (a dependency of a tarball), so this does not prove it runs without it",
      );
    const result = await step("rectify optimize --example --no-verify", () =>
      rectify(bare, ["optimize", "--example", "--target", "algebraic", "--no-verify"]),
    );
    expect(result.stdout).toContain("not verified");
    expect(result.stdout).toMatch(/substitute/);
  });

  it.runIf(!onnxruntimeInBare)(
    "says which package to install when verification needs onnxruntime and none is installed",
    async () => {
      const result = await step("rectify optimize --example (verify, no onnxruntime)", () =>
        rectify(bare, ["optimize", "--example", "--target", "algebraic"], { allowFailure: true }),
      );
      const output = `${result.stdout}\n${result.stderr}`;
      expect(result.code, describeFailure(result)).not.toBe(0);
      expect(output, describeFailure(result)).toMatch(/onnxruntime-(node|web)/);
      expect(result.stderr, "a clear message, not a stack trace").not.toMatch(
        /^\s+at .+:\d+:\d+\)?$/m,
      );
    },
  );

  it("optimizes and verifies the example model once onnxruntime-node/-web are installed", async () => {
    const result = await step("rectify optimize --example (verified, with onnxruntime)", () =>
      rectify(full, ["optimize", "--example", "--target", "algebraic"]),
    );
    expect(result.stdout).toMatch(/verified with @rectify\/runtime/);
    expect(result.stdout).not.toContain("not verified");
  });
});
