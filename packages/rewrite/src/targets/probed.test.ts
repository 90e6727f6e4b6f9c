// Holds the onnxruntime target profiles to what the real providers did when
// probed (src/targets/probed/<provider>.json, written by
// scripts/probe-providers.ts): a profile must say an op runs at every opset
// where the probe ran it, and must say it does not run at every opset where
// every model holding it failed. Compares committed data only, so it needs
// neither Chromium nor a GPU; test/probe-live.test.ts re-probes a few ops to
// show the data is not stale.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { builtinTarget, builtinTargets } from "./index.js";
import type { TargetProfile } from "./profile.js";
import { parseTargetProfile } from "./profile-schema.js";

interface ProbedOp {
  readonly ran: readonly number[];
  readonly failed: readonly number[];
  readonly modelsRan: number;
  readonly failures?: readonly { opset: number; error: string; models: readonly string[] }[];
}

interface ProbeFile {
  readonly provider: string;
  readonly profile: string;
  readonly onnxruntimeVersion: string;
  readonly ops: Readonly<Record<string, ProbedOp>>;
}

const folder = fileURLToPath(new URL("./probed/", import.meta.url));
const providerOrder = ["cpu", "wasm", "webgpu", "webgpu-jsep"];
// The folder also holds other probe data (fusions.json, node-overhead.json): only provider files here.
const files: ProbeFile[] = readdirSync(folder)
  .filter((name) => providerOrder.includes(name.replace(/\.json$/, "")))
  .map((name) => JSON.parse(readFileSync(join(folder, name), "utf8")) as ProbeFile)
  .sort((a, b) => providerOrder.indexOf(a.provider) - providerOrder.indexOf(b.provider));

/** "com.microsoft.Gelu" → ["Gelu", "com.microsoft"]; "Relu" → ["Relu", ""]. */
function split(key: string): [opType: string, domain: string] {
  const dot = key.lastIndexOf(".");
  return dot < 0 ? [key, ""] : [key.slice(dot + 1), key.slice(0, dot)];
}

/** Every way the profile and the probe disagree, one line each. */
function disagreements(
  file: ProbeFile,
  profile: TargetProfile = builtinTarget(file.profile),
): string[] {
  const found: string[] = [];
  for (const [key, op] of Object.entries(file.ops)) {
    const [opType, domain] = split(key);
    for (const opset of op.ran)
      if (!profile.atOpset(opset).runs(opType, domain))
        found.push(
          `${key} at opset ${opset}: ran on ${file.provider} (${op.modelsRan} model(s) ran), but ${profile.name} says it does not run`,
        );
    for (const opset of op.failed)
      if (profile.atOpset(opset).runs(opType, domain)) {
        const failure = op.failures?.find((entry) => entry.opset === opset);
        found.push(
          `${key} at opset ${opset}: failed on ${file.provider} in every model holding it (${failure?.models[0]}: ${failure?.error}), but ${profile.name} says it runs`,
        );
      }
  }
  return found;
}

describe("target profiles agree with the probed providers", () => {
  it("has probe data for the four onnxruntime providers, each judged by a built-in profile", () => {
    expect(files.map((file) => [file.provider, file.profile])).toEqual([
      ["cpu", "ort-cpu"],
      ["wasm", "ort-wasm"],
      ["webgpu", "ort-webgpu"],
      ["webgpu-jsep", "ort-webgpu-jsep"],
    ]);
    for (const file of files) {
      expect(builtinTargets.has(file.profile)).toBe(true);
      expect(Object.keys(file.ops).length).toBeGreaterThan(50);
    }
  });

  for (const file of files)
    it(`${file.profile} says what ${file.provider} ran and what failed (onnxruntime ${file.onnxruntimeVersion})`, () => {
      const found = disagreements(file);
      expect(
        found,
        `${found.length} disagreement(s); re-run scripts/probe-profiles.ts or fix the profile:\n${found.join("\n")}`,
      ).toEqual([]);
    });

  it("lists every disagreement of a profile that is wrong both ways", () => {
    const webgpu = files.find((file) => file.provider === "webgpu")!;
    const json = builtinTarget("ort-webgpu").toJSON();
    const { Softplus: _dropped, ...ops } = json.ops ?? {};
    const wrong = parseTargetProfile({ ...json, ops: { ...ops, Selu: 1.5 } });
    const found = disagreements(webgpu, wrong);
    expect(found.filter((line) => line.startsWith("Softplus at opset 17:"))).toEqual([
      expect.stringContaining("ran on webgpu"),
    ]);
    expect(found.filter((line) => line.startsWith("Selu at opset 17:"))).toEqual([
      expect.stringContaining("failed on webgpu in every model holding it"),
    ]);
    expect(found.length).toBe(webgpu.ops.Softplus!.ran.length + webgpu.ops.Selu!.failed.length);
  });

  it("tells the two WebGPU providers apart where the engines differ", () => {
    const cpp = builtinTarget("ort-webgpu").atOpset(17);
    const jsep = builtinTarget("ort-webgpu-jsep").atOpset(17);
    // The C++ provider has Softplus, Identity and Max kernels; JSEP runs Softplus on the CPU.
    expect([cpp.runs("Softplus"), cpp.runs("Identity"), cpp.runs("Max")]).toEqual([
      true,
      true,
      true,
    ]);
    expect(jsep.runs("Softplus")).toBe(false);
  });
});
