// The profiler on real onnxruntime (onnxruntime-node's CPU provider and
// onnxruntime-web's WASM build in Node), through createEvaluator. Asserted:
// what the engine fused and what those nodes read and write, how the times
// add up, the run count, and that no file, stdout hook or output is left
// behind. Never a speed.
import { execFile } from "node:child_process";
import fs from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { biasGeluModel, convSiluModel } from "../../test/support/profile-models.js";
import {
  canProfile,
  createEvaluator,
  type EngineProfile,
  isRuntimeError,
  type ProfilingEvaluator,
  tensor,
} from "../index.node.js";

function profilingEvaluator(provider: string): ProfilingEvaluator {
  const evaluator = createEvaluator({ provider, threads: 1 });
  if (!canProfile(evaluator)) throw new Error(`${provider} should profile`);
  return evaluator;
}

/** The profiler's temporary folders that exist now. */
const profileFolders = () =>
  fs.readdirSync(tmpdir()).filter((name) => name.startsWith("rectify-profile-"));

/** Runs `body` and returns what reached stdout meanwhile (through fs.writeSync or process.stdout.write), with its result. */
async function watchStdout<T>(body: () => Promise<T>): Promise<{ value: T; written: string[] }> {
  const target = fs as unknown as { writeSync: (fd: number, ...rest: unknown[]) => number };
  const writeSync = target.writeSync;
  const write = process.stdout.write;
  const written: string[] = [];
  // Observers, not stand-ins: everything still goes where it was going.
  target.writeSync = (fd, ...rest) => {
    if (fd === 1) written.push(String(rest[0]));
    return writeSync(fd, ...rest);
  };
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    written.push(String(chunk));
    return (write as (...args: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
  }) as typeof process.stdout.write;
  try {
    return { value: await body(), written };
  } finally {
    target.writeSync = writeSync;
    process.stdout.write = write;
  }
}

/** Times that hold whatever the machine's load: node medians ≥ 0, kernel time > 0, wall time ≥ kernel time. */
function expectConsistentTimes(profile: EngineProfile, runs: number): void {
  expect(profile.runs).toBe(runs);
  for (const node of profile.nodes) expect(node.milliseconds).toBeGreaterThanOrEqual(0);
  expect(profile.kernelMilliseconds).toBeGreaterThan(0);
  // Each run's wall time contains its kernels (one after another), so the medians keep that order.
  expect(profile.runMilliseconds).toBeGreaterThanOrEqual(profile.kernelMilliseconds);
}

/** The sum of the nodes' times (with one profiled run, exactly the kernel time: medians of one value). */
const nodeSum = (profile: EngineProfile) =>
  profile.nodes.reduce((total, node) => total + node.milliseconds, 0);

describe.each(["cpu", "wasm"])("profile on %s", (provider) => {
  it("times the fused BiasGelu that Add(bias) + erf-GELU became, naming the original tensors, and prints nothing", async () => {
    const model = biasGeluModel();
    const before = profileFolders();
    const { value: profile, written } = await watchStdout(() =>
      profilingEvaluator(provider).profile(model.bytes, model.feeds, { warmup: 2, runs: 4 }),
    );
    expect(written).toEqual([]);
    expect(profileFolders()).toEqual(before);
    expect(profile.graph).toBe(true);
    expect(profile.nodes.map((node) => `${node.domain}:${node.opType}`)).toEqual([
      "com.microsoft:BiasGelu",
      ":MatMul",
    ]);
    const [gelu, matmul] = profile.nodes;
    expect(gelu).toMatchObject({
      inputs: model.activationInputs,
      outputs: [model.activationOutput],
    });
    expect(matmul).toMatchObject({ inputs: [model.activationOutput, "weights"], outputs: ["y"] });
    expectConsistentTimes(profile, 4);
    expect(nodeSum(profile)).toBeGreaterThan(0);
  });

  it("times the QuickGelu that x·Sigmoid(x) after a Conv became", async () => {
    const model = convSiluModel();
    const before = profileFolders();
    const { value: profile, written } = await watchStdout(() =>
      profilingEvaluator(provider).profile(model.bytes, model.feeds, { warmup: 2, runs: 1 }),
    );
    expect(written).toEqual([]);
    expect(profileFolders()).toEqual(before);
    expect(profile.graph).toBe(true);
    const quickGelu = profile.nodes.filter((node) => node.opType === "QuickGelu");
    expect(quickGelu).toHaveLength(1);
    expect(quickGelu[0]!.domain).toBe("com.microsoft");
    expect(profile.nodes.filter((node) => node.opType === "Conv")).toHaveLength(1);
    expect(profile.nodes.some((node) => node.outputs.includes("y"))).toBe(true);
    if (provider === "wasm") {
      // onnxruntime-node's level-all graph has x86 NCHWc nodes the WASM build never runs;
      // the matched graph is the one the WASM build ran: Conv, then QuickGelu on its output.
      expect(profile.nodes.map((node) => node.name)).toEqual(["conv", quickGelu[0]!.name]);
      expect(quickGelu[0]).toMatchObject({ inputs: model.activationInputs, outputs: ["y"] });
    }
    expectConsistentTimes(profile, 1);
    // Every kernel of the run belongs to a listed node. (With more runs the median of sums and
    // the sum of medians differ by run-to-run noise, unbounded on a loaded machine.)
    expect(nodeSum(profile)).toBeCloseTo(profile.kernelMilliseconds, 9);
  });

  it("gives the runtime's errors for a model that cannot load or run, leaving no folder and printing nothing", async () => {
    const evaluator = profilingEvaluator(provider);
    const before = profileFolders();
    const broken = await evaluator
      .profile(Uint8Array.of(1, 2, 3, 4), {}, { warmup: 0, runs: 1 })
      .catch((caught: unknown) => caught);
    expect(isRuntimeError(broken, "MODEL_INVALID")).toBe(true);
    const model = convSiluModel();
    const wrong = { x: tensor(new Float32Array(8 * 16 * 15), [1, 8, 16, 15]) };
    const { value: failed, written } = await watchStdout(() =>
      evaluator
        .profile(model.bytes, wrong, { warmup: 0, runs: 1 })
        .catch((caught: unknown) => caught),
    );
    expect(isRuntimeError(failed, "RUN_FAILED")).toBe(true);
    expect((failed as Error).message).toContain("Got invalid dimensions");
    // onnxruntime-web prints an unended profile when its session is released: that went nowhere.
    expect(written).toEqual([]);
    expect(profileFolders()).toEqual(before);
    // The stdout route is gone: a write after the profile reaches fs.writeSync's own function.
    expect(fs.writeSync.name).toBe("writeSync");
    const invalid = await evaluator
      .profile(model.bytes, model.feeds, { runs: 0 })
      .catch((caught: unknown) => caught);
    expect(isRuntimeError(invalid, "OPTIONS_INVALID")).toBe(true);
  });
});

describe("providers that cannot profile", () => {
  it("give an Evaluator without profile", () => {
    const evaluator = createEvaluator({ provider: "webgpu" });
    expect(canProfile(evaluator)).toBe(false);
    expect("profile" in evaluator).toBe(false);
  });
});

describe("what reaches the terminal", () => {
  it("is nothing, native onnxruntime output included (NCHWc serialisation warning, a failed run's profile)", async () => {
    const script = fileURLToPath(new URL("../../test/support/profile-quietly.ts", import.meta.url));
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", script],
      {
        cwd: fileURLToPath(new URL("../..", import.meta.url)),
        timeout: 60_000,
      },
    );
    expect(stdout).toBe("");
    expect(stderr).toBe("");
  }, 90_000);
});
