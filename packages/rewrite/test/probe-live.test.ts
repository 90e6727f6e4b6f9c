// Shows that the committed probe data (src/targets/probed/{cpu,wasm}.json) is
// not stale: a handful of its cases run again, now, on onnxruntime-node's CPU
// provider and onnxruntime-web's WASM provider, and each must come out as the
// data says (ran, or failed). The WebGPU providers need Chromium and are
// probed by scripts/probe-providers.ts only.
import { readFileSync } from "node:fs";
import * as ortNode from "onnxruntime-node";
import * as ortWeb from "onnxruntime-web";
import { describe, expect, it } from "vitest";
import {
  builtCases,
  conformanceCase,
  conformanceRoot,
  type ProbeCase,
} from "../scripts/probe-cases.js";
import { type ProbeOrt, runProbeCase } from "../scripts/probe-run.js";

interface ProbeFile {
  readonly onnxruntimeVersion: string;
  readonly ops: Readonly<Record<string, { ran: number[]; failed: number[] }>>;
}

const builtIds = [
  "built/Softplus-17",
  "built/Gelu-20",
  "built/Mish-18",
  "built/Elu-22",
  "built/Identity-17",
  "built/Max-17",
  "built/ConstantOfShape-17",
  "built/HardSwish-22",
  "built/com.microsoft.BiasGelu-17",
];
const conformanceNames = ["test_relu", "test_softsign", "test_prelu_example", "test_adagrad"];

function cases(): ProbeCase[] {
  const built = builtCases().filter((probe) => builtIds.includes(probe.id));
  const conformance = conformanceNames.map((name) => conformanceCase(name));
  return [
    ...built,
    ...conformance.filter((probe): probe is ProbeCase => typeof probe !== "string"),
  ];
}

const providers = [
  { name: "cpu", ort: ortNode as unknown as ProbeOrt, package: "onnxruntime-node" },
  { name: "wasm", ort: ortWeb as unknown as ProbeOrt, package: "onnxruntime-web" },
] as const;

describe("the committed probe data matches onnxruntime now", () => {
  const probes = cases();

  it("builds the re-probed cases", () => {
    // The conformance ones need Debian's libonnx-testdata (at /usr/share/libonnx-testdata).
    expect(probes.length).toBe(builtIds.length + conformanceNames.length);
    expect(conformanceRoot).toMatch(/libonnx-testdata/);
  });

  for (const provider of providers)
    it(`re-probes ${builtIds.length + conformanceNames.length} cases on ${provider.name}`, async () => {
      ortWeb.env.wasm.numThreads = 1;
      const file = JSON.parse(
        readFileSync(
          new URL(`../src/targets/probed/${provider.name}.json`, import.meta.url),
          "utf8",
        ),
      ) as ProbeFile;
      const installed = JSON.parse(
        readFileSync(
          new URL(`../node_modules/${provider.package}/package.json`, import.meta.url),
          "utf8",
        ),
      ) as { version: string };
      expect(
        installed.version,
        "re-run scripts/probe-providers.ts after upgrading onnxruntime",
      ).toBe(file.onnxruntimeVersion);
      const stale: string[] = [];
      const seen: Record<string, string> = {};
      for (const probe of probes) {
        const outcome = await runProbeCase(provider.ort, probe.model, probe.feeds, {
          executionProvider: provider.name,
          disableCpuFallback: false,
        });
        seen[probe.id] = outcome.status;
        for (const op of probe.ops) {
          const recorded = file.ops[op.key];
          const ranBefore = recorded?.ran.includes(op.opset) ?? false;
          if ((outcome.status === "ran") !== ranBefore)
            stale.push(
              `${probe.id}: ${op.key} at opset ${op.opset} ${outcome.status} now (${outcome.error ?? "no error"}), the data says ${ranBefore ? "ran" : "did not run"}`,
            );
        }
      }
      expect(stale, stale.join("\n")).toEqual([]);
      // The probe's own verdicts, stated: training ops have no kernel, everything else here runs.
      expect(seen["node/test_adagrad"]).toBe("rejected");
      expect(seen["built/Softplus-17"]).toBe("ran");
    });
});
