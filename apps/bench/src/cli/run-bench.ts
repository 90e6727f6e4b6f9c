// The whole run in Node: every model × target optimized once, then measured
// on each Node provider here and each browser provider in Chromium, the
// budget sweeps, and the kernels' throughput. Returns the report.
import { cpus, loadavg } from "node:os";
import { decodeModel } from "@rectify/onnx";
import { modelFacts } from "@rectify/rewrite";
import { createEvaluator, createSession } from "@rectify/runtime";
import { studyAccuracyAware } from "../measure/accuracy-study.js";
import { describeError } from "../measure/describe-error.js";
import { feedDims, feedSpecOf, feedsFromSpec } from "../measure/feeds.js";
import { latencyFor } from "../measure/latency-presets.js";
import { measurePair } from "../measure/measure-pair.js";
import { optimizeFor } from "../measure/optimize-for.js";
import { studyPlanning } from "../measure/plan-study.js";
import { sweepBudgets } from "../measure/sweep.js";
import {
  type AccuracyStudyEntry,
  type BenchReport,
  type KernelsEntry,
  type ModelEntry,
  type OptimizationEntry,
  type PlanStudyEntry,
  type RunEntry,
  reportSchemaId,
  type SweepEntry,
} from "../report/schema.js";
import type { ZooModel } from "../zoo/zoo-model.js";
import type { BrowserBench } from "./browser-bench.js";
import { measureNodeKernels } from "./kernels.js";
import { packageVersion } from "./versions.js";

/** What to run. */
export interface BenchPlan {
  readonly quick: boolean;
  readonly models: readonly ZooModel[];
  readonly targets: readonly string[];
  /** Node providers (cpu, wasm). */
  readonly nodeProviders: readonly string[];
  /** Chromium's providers (wasm, webgpu, webgpu-jsep), run through `browser`. */
  readonly browser?: BrowserBench;
  readonly budget: number;
  /** Models to sweep (ids), on the first Node provider, for `sweepTarget`. */
  readonly sweepModels: readonly string[];
  readonly sweepTarget: string;
  readonly sweepBudgets: readonly number[];
  readonly kernels: boolean;
  /** The planning study's targets, each with its own provider (one of nodeProviders). */
  readonly studyTargets: readonly { readonly target: string; readonly provider: string }[];
  /** Only the planning study: no before/after runs per target and provider. */
  readonly studyOnly?: boolean;
  /** Called with the report so far after each model (a long run keeps what it measured if stopped). */
  readonly onCheckpoint?: (report: BenchReport) => Promise<void>;
}

/** Progress: a step done (label says what is next). */
export type BenchProgress = (label: string, done: number, total: number) => void;

export async function runBench(plan: BenchPlan, progress: BenchProgress): Promise<BenchReport> {
  const started = performance.now();
  const browserProviders = plan.browser?.providers ?? [];
  const providers = [...plan.nodeProviders, ...browserProviders];
  const sweeps = plan.models.filter((model) => plan.sweepModels.includes(model.id));
  const runTargets = plan.studyOnly ? [] : plan.targets;
  // Models with labelled sets also get the accuracy-aware study on each study target.
  const awareSteps = (zoo: ZooModel) => (zoo.labelled ? plan.studyTargets.length : 0);
  const total =
    plan.models.length * (runTargets.length * (1 + providers.length) + plan.studyTargets.length) +
    plan.models.reduce((sum, zoo) => sum + awareSteps(zoo), 0) +
    sweeps.length +
    (plan.kernels ? 1 + (plan.browser ? 1 : 0) : 0);
  let done = 0;
  const step = (label: string) => progress(label, ++done, total);
  const models: ModelEntry[] = [];
  const optimizations: OptimizationEntry[] = [];
  const runs: RunEntry[] = [];
  const sweepEntries: SweepEntry[] = [];
  const kernels: KernelsEntry[] = [];
  const study: PlanStudyEntry[] = [];
  const awareStudy: AccuracyStudyEntry[] = [];

  for (const zoo of plan.models) {
    const perModel =
      runTargets.length * (1 + providers.length) + plan.studyTargets.length + awareSteps(zoo);
    let bytes: Uint8Array;
    let feeds: ReturnType<typeof feedsFromSpec>;
    const spec = feedSpecOf(zoo);
    const identity = {
      id: zoo.id,
      source: zoo.source,
      description: zoo.description,
      activations: [...zoo.activations],
    };
    try {
      bytes = await zoo.load();
      const model = decodeModel(bytes);
      feeds = feedsFromSpec(model, spec);
      const facts = modelFacts(model);
      models.push({
        ...identity,
        sizeBytes: bytes.byteLength,
        opset: facts.opset,
        nodes: facts.nodes,
        ops: facts.ops,
        inputs: feedDims(feeds),
      });
    } catch (error) {
      models.push({
        ...identity,
        sizeBytes: 0,
        opset: 0,
        nodes: 0,
        ops: {},
        inputs: {},
        error: describeError(error),
      });
      for (let i = 0; i < perModel; i++) step(`${zoo.id}: not loaded`);
      continue;
    }
    for (const target of runTargets) {
      const optimized = await optimizeFor(zoo.id, bytes, target, { budget: plan.budget });
      optimizations.push(optimized.entry);
      step(`${zoo.id} → ${target}`);
      const base = { model: zoo.id, target };
      const skip = (
        status: "unchanged" | "failed",
        provider: string,
        environment: RunEntry["environment"],
      ) =>
        runs.push({
          ...base,
          provider,
          environment,
          status,
          ...(status === "failed" ? { error: `optimize failed: ${optimized.entry.error}` } : {}),
        });
      for (const provider of plan.nodeProviders) {
        if (!optimized.bytes) skip("failed", provider, "node");
        else if (!optimized.entry.changed) skip("unchanged", provider, "node");
        else
          runs.push(
            await measurePair(createSession, {
              ...base,
              provider,
              environment: "node",
              original: bytes,
              optimized: optimized.bytes,
              feeds,
              latency: latencyFor(provider, plan.quick),
            }),
          );
        step(`${zoo.id} → ${target} on ${provider}`);
      }
      if (plan.browser) {
        if (!optimized.bytes || !optimized.entry.changed)
          for (const provider of browserProviders) {
            skip(optimized.bytes ? "unchanged" : "failed", provider, "chromium");
            step(`${zoo.id} → ${target} on ${provider} (Chromium)`);
          }
        else
          runs.push(
            ...(await plan.browser.measure(
              {
                ...base,
                original: bytes,
                optimized: optimized.bytes,
                feeds: spec,
                quick: plan.quick,
              },
              (provider) => step(`${zoo.id} → ${target} on ${provider} (Chromium)`),
            )),
          );
      }
    }
    // A study on the target's own provider; sub-millisecond models need many rounds for a tight
    // median, and the time target bounds the cost.
    const studyOn = (target: string, provider: string) => ({
      model: zoo.id,
      target,
      provider,
      bytes,
      evaluator: createEvaluator({ provider }),
      latency: { ...latencyFor(provider, plan.quick), maxRounds: 2000 },
    });
    for (const { target, provider } of plan.studyTargets) {
      study.push(await studyPlanning({ ...studyOn(target, provider), feeds }));
      step(`${zoo.id}: planning study for ${target}`);
    }
    if (zoo.labelled && plan.studyTargets.length > 0) {
      const sets = await zoo.labelled();
      for (const { target, provider } of plan.studyTargets) {
        awareStudy.push(await studyAccuracyAware({ ...studyOn(target, provider), sets }));
        step(`${zoo.id}: accuracy-aware study for ${target}`);
      }
    }
    if (sweeps.includes(zoo)) {
      const provider = plan.nodeProviders[0] ?? "cpu";
      sweepEntries.push(
        await sweepBudgets(createSession, {
          model: zoo.id,
          target: plan.sweepTarget,
          provider,
          environment: "node",
          bytes,
          feeds,
          budgets: plan.sweepBudgets,
          latency: latencyFor(provider, plan.quick),
          evaluator: createEvaluator({ provider }),
          onPoint: (point, points) =>
            progress(`${zoo.id}: budget sweep ${point}/${points}`, done, total),
        }),
      );
      step(`${zoo.id}: budget sweep`);
    }
    await plan.onCheckpoint?.(snapshot(true));
  }
  if (plan.kernels) {
    kernels.push(await measureNodeKernels(plan.quick));
    step("kernels (Node)");
    if (plan.browser) {
      kernels.push(await plan.browser.kernels(plan.quick));
      step("kernels (Chromium)");
    }
  }
  return snapshot(false);

  function snapshot(partial: boolean): BenchReport {
    return {
      schema: reportSchemaId,
      createdAt: new Date().toISOString(),
      quick: plan.quick,
      environment: {
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? "unknown",
        loadAverage: loadavg().map((value) => Math.round(value * 100) / 100),
        ...optional("onnxruntimeNode", packageVersion("onnxruntime-node")),
        ...optional("onnxruntimeWeb", packageVersion("onnxruntime-web")),
        ...optional("chromium", plan.browser?.version),
      },
      options: {
        models: plan.models.map((model) => model.id),
        targets: [...plan.targets],
        providers,
        budget: plan.budget,
        sweepBudgets: [...plan.sweepBudgets],
      },
      models,
      optimizations,
      runs,
      sweeps: sweepEntries,
      kernels,
      ...(plan.studyTargets.length > 0 ? { planStudy: study } : {}),
      ...(awareStudy.length > 0 ? { accuracyStudy: awareStudy } : {}),
      elapsedSeconds: Math.round((performance.now() - started) / 100) / 10,
      ...(partial ? { partial: true } : {}),
    };
  }
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
