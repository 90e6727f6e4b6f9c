// Acceptance on the ONNX backend conformance data: for every test whose model
// holds an activation site and every built-in target, the rewritten model
// (a) uses only ops the target runs or reports what it could not replace,
// (b) passes onnx.checker, (c) matches the test's reference outputs within the
// error the plan predicted, and (d) on the integer-NPU targets gives every
// smooth activation a stand-in (but log-softmax and LogSumExp: no log yet).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeModel, decodeTensor, encodeModel, type Model } from "@rectify/onnx";
import { afterAll, describe, expect, it } from "vitest";
import { optimizeModel } from "../src/optimize.js";
import { foldedNodes } from "../src/report/folded-nodes.js";
import { findSites, graphScopes } from "../src/sites/find-sites.js";
import { builtinTargets } from "../src/targets/index.js";
import { readFeeds } from "../src/verify/read-feeds.js";
import { createOrtNodeEvaluator } from "./support/ort-node-evaluator.js";

const dataRoot = "/usr/share/libonnx-testdata/data";
const suites = ["node", "pytorch-operator", "pytorch-converted"];
const python = "/usr/bin/python3";
const checkScript = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "onnx",
  "test",
  "fixtures",
  "check_models.py",
);

interface BackendTest {
  readonly id: string;
  readonly directory: string;
  readonly bytes: Uint8Array;
}

/** Tests whose model has at least one activation site. */
function activationTests(): BackendTest[] {
  const tests: BackendTest[] = [];
  for (const suite of suites) {
    const root = join(dataRoot, suite);
    if (!existsSync(root)) continue;
    for (const name of readdirSync(root).sort()) {
      const path = join(root, name, "model.onnx");
      if (!existsSync(path) || !existsSync(join(root, name, "test_data_set_0"))) continue;
      const bytes = readFileSync(path);
      if (findSites(decodeModel(bytes)).sites.length > 0)
        tests.push({ id: `${suite}/${name}`, directory: join(root, name), bytes });
    }
  }
  return tests;
}

/** Reference outputs output_N.pb in graph-output order, as float64. */
function referenceOutputs(test: BackendTest, model: Model): Map<string, Float64Array> {
  const outputs = new Map<string, Float64Array>();
  model.graph.outputs.forEach((value, index) => {
    const path = join(test.directory, "test_data_set_0", `output_${index}.pb`);
    if (existsSync(path))
      outputs.set(value.name, decodeTensor(readFileSync(path)).toFloat64Array());
  });
  return outputs;
}

const tests = activationTests();
const work = mkdtempSync(join(tmpdir(), "rectify-backend-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const evaluator = createOrtNodeEvaluator();
const written: { id: string; path: string }[] = [];
/** Targets that run no exp, log, erf, tanh or division: every smooth activation needs a stand-in. */
const npuTargets = new Set(["piecewise-linear", "lut", "lut-int8", "lut-int16"]);
/** Sites that are not activations with a bounded error over ℝ (exp over ℝ, log, 1/x): no fit holds. */
const unbounded = new Set(["exp", "log", "reciprocal"]);

describe.skipIf(tests.length === 0)("ONNX backend activation tests × built-in targets", () => {
  it("finds the activation tests", () => {
    // relu, elu, selu, celu, softplus, softsign, sigmoid, hardsigmoid, hardswish, tanh, thresholdedrelu, prelu, leakyrelu, softmax, logsoftmax, …
    expect(tests.length).toBeGreaterThan(60);
  });

  for (const target of builtinTargets.values()) {
    it(`rewrites every activation test for ${target.name}`, { timeout: 600_000 }, async () => {
      const failures: string[] = [];
      let compared = 0;
      let substituted = 0;
      const unrunnable: string[] = [];
      for (const test of tests) {
        const load = () => decodeModel(test.bytes);
        // The NPU targets run with the test's own inputs: an integer device calibrates its grids to them, and
        // the verification's output bound (each site's error carried through the graph, a sum of errors
        // over a ReduceSum, say) is the tolerance, where a sum of the sites' errors holds only along a chain.
        const calibration = npuTargets.has(target.name)
          ? { evaluator, feeds: await readFeeds(load(), [join(test.directory, "test_data_set_0")]) }
          : {};
        let optimized: Awaited<ReturnType<typeof optimizeModel>>;
        try {
          optimized = await optimizeModel(load, { target, ...calibration });
        } catch (error) {
          if (!npuTargets.has(target.name)) throw error;
          // Models onnxruntime cannot run (old opsets) cannot be calibrated either.
          unrunnable.push(`${test.id}: ${(error as Error).message.split("\n")[0]}`);
          continue;
        }
        const { model, report } = optimized;
        substituted += report.summary.substituted;
        // (a) every op runs on the target, is evaluated at load, or is listed as something it cannot run
        const listed = new Set(report.unsupportedOps.map((op) => op.op));
        const folded = foldedNodes(model.graph);
        for (const { graph, opset: graphOpset } of graphScopes(model))
          for (const node of graph.nodes) {
            if (folded.has(node)) continue;
            const key = node.domain ? `${node.domain}.${node.opType}` : node.opType;
            if (!target.atOpset(graphOpset).runs(node.opType, node.domain) && !listed.has(key))
              failures.push(`${test.id}: ${key} runs nowhere and is not reported`);
          }
        // (d) on the integer-NPU targets every smooth activation gets a stand-in (issue 15), log-softmax and
        // LogSumExp too (a piecewise-linear log of the row's sum)
        // (before opset 7 no Add or Sub broadcasts: onnxruntime runs none of those models either)
        if (npuTargets.has(target.name) && (load().opsetVersion("") ?? 1) >= 7)
          for (const site of report.sites)
            if (site.action === "unsupported" && !unbounded.has(site.activation))
              failures.push(`${test.id}: ${site.activation} has no stand-in on ${target.name}`);
        if (report.summary.substituted === 0) continue;
        const path = join(work, `${target.name}-${test.id.replace("/", "-")}.onnx`);
        writeFileSync(path, encodeModel(model));
        written.push({ id: `${target.name} ${test.id}`, path });
        // (c) the reference outputs, within the predicted error (summed over substituted sites in a chain)
        const feeds = await readFeeds(model, [join(test.directory, "test_data_set_0")]);
        let outputs: Awaited<ReturnType<typeof evaluator.run>>;
        try {
          outputs = await evaluator.run(encodeModel(model), feeds);
        } catch (error) {
          unrunnable.push(`${test.id}: ${(error as Error).message.split("\n")[0]}`);
          continue;
        }
        // On an integer device the budget checks what a table adds to the device's rounding; the float model's error is floatError.
        const bound = report.verification?.bound;
        const predicted =
          bound && "maxBound" in bound && bound.maxBound !== null
            ? bound.maxBound
            : report.sites.reduce(
                (sum, site) => sum + (site.device?.floatError ?? site.predictedError),
                0,
              );
        for (const [name, expected] of referenceOutputs(test, model)) {
          const actual = outputs[name]!.data;
          for (let i = 0; i < expected.length; i++) {
            const tolerance = predicted + 1e-6 + 1e-5 * Math.abs(expected[i]!);
            const error = Math.abs(Number(actual[i]) - expected[i]!);
            if (!(error <= tolerance)) {
              failures.push(
                `${test.id} ${name}[${i}]: |${Number(actual[i])} − ${expected[i]}| = ${error} > ${tolerance} (predicted ${predicted})`,
              );
              break;
            }
          }
        }
        compared++;
      }
      console.log(
        `${target.name}: ${tests.length} tests, ${substituted} sites substituted, ${compared} rewritten models compared with the references${unrunnable.length ? `; onnxruntime cannot run ${unrunnable.length}: ${unrunnable.join("; ")}` : ""}`,
      );
      expect(failures).toEqual([]);
    });
  }

  it("onnx.checker accepts every rewritten model", { timeout: 600_000 }, () => {
    expect(written.length).toBeGreaterThan(0);
    const list = join(work, "paths.json");
    writeFileSync(list, JSON.stringify(written.map((entry) => entry.path)));
    const report = JSON.parse(
      execFileSync(python, [checkScript, list], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }),
    ) as {
      results: Record<string, string | null>;
    };
    const rejected = written
      .filter((entry) => report.results[entry.path] !== null)
      .map((entry) => `${entry.id}: ${report.results[entry.path]}`);
    expect(rejected).toEqual([]);
  });
});
