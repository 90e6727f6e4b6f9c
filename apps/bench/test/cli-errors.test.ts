// What a user sees from mistakes: a clear line and a non-zero exit, nothing half-written.
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./support/run-cli.js";

const work = mkdtempSync(join(tmpdir(), "rectify-bench-errors-"));

describe("rectify-bench on bad input", () => {
  it("refuses an unknown target, model or provider with exit 2, naming what exists", async () => {
    const target = await runCli(["--targets", "gpu9000"], work);
    expect(target.code).toBe(2);
    expect(target.stderr).toContain("bench: unknown target gpu9000; built in: ort-cpu, ort-wasm");
    const model = await runCli(["--models", "resnet-*"], work);
    expect(model.code).toBe(2);
    expect(model.stderr).toMatch(
      /^bench: no zoo model is called resnet-\*; the zoo has: mlp-relu, /,
    );
    const provider = await runCli(["--providers", "cuda"], work);
    expect(provider.code).toBe(2);
    expect(provider.stderr).toContain("unknown provider cuda; Node has cpu, wasm");
    expect(existsSync(join(work, "bench-report"))).toBe(false);
  });

  it("reports a model file that cannot be read, exits 1, and still writes the report saying so", async () => {
    const json = join(work, "missing.json");
    const result = await runCli(
      [
        "--models",
        join(work, "absent.onnx"),
        "--targets",
        "algebraic",
        "--providers",
        "cpu",
        "--sweep",
        "",
        "--no-kernels",
        "--json",
        json,
        "--html",
        join(work, "missing.html"),
      ],
      work,
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `user/absent could not be loaded or fed: IO_READ: cannot read model file ${join(work, "absent.onnx")}: it does not exist`,
    );
    expect(existsSync(json)).toBe(true);
  });

  it("lists the zoo", async () => {
    const result = await runCli(["--list"], work);
    expect(result.code).toBe(0);
    const ids = result.stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split(/\s+/)[0]);
    expect(ids).toHaveLength(43);
    expect(ids).toContain("torch/detector");
    expect(ids).toContain("npm/silero_vad_v5");
  });
});
