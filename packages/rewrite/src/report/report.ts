import type { Parameters } from "@rectify/kernels";
import type { Model } from "@rectify/onnx";
import type { MeasurementReport } from "../measure/measured-plan.js";
import type { Rejection } from "../plan/candidate.js";
import { nodeOps, opKey } from "../plan/cost.js";
import type { SiteSample } from "../plan/fit-candidates.js";
import type { ModelPlan } from "../plan/plan-model.js";
import type { SitePlan } from "../plan/planner.js";
import type { DeviceError } from "../plan/quantized-options.js";
import type { SearchReport } from "../search/accuracy-search.js";
import type { NearMiss } from "../sites/site.js";
import type { TargetProfile } from "../targets/profile.js";
import type { ComparisonSummary } from "../verify/compare.js";
import type { BoundReport } from "../verify/error-bound.js";
import type { OutputLimits } from "../verify/output-limits.js";
import { type UnsupportedOp, unsupportedOps } from "./unsupported-ops.js";

export { type UnsupportedOp, unsupportedOps } from "./unsupported-ops.js";

/** One site in the report: where, what, what was done and why. */
export interface SiteReport {
  readonly id: string;
  readonly location: string;
  /** The rule that found it (op type or pattern name). */
  readonly rule: string;
  readonly activation: string;
  readonly params: Parameters;
  /** Names of the nodes the site was made of. */
  readonly nodes: readonly string[];
  readonly action: "keep" | "substitute" | "unsupported";
  /** The chosen substitute's label (absent for keep/unsupported). */
  readonly substitute?: string;
  readonly opsBefore: Readonly<Record<string, number>>;
  readonly opsAfter: Readonly<Record<string, number>>;
  /** Elements of the site's tensor in the run that sized it (measured, or inferred from a static shape). */
  readonly elements?: number;
  /** What the engine makes of the site before and after, when that changes its cost (`fuses it into com.microsoft.Gelu`). */
  readonly engineBefore?: string;
  readonly engineAfter?: string;
  /** Engine cost per element before (null when the target cannot run the original) and after: profile costs after the engine's fusions, plus per-node overhead. */
  readonly costBefore: number | null;
  readonly costAfter: number | null;
  /** Predicted max |error| this site adds to its output (0 when kept). */
  readonly predictedError: number;
  readonly reason: string;
  readonly rejected: readonly Rejection[];
  /** True when verification put the original back. */
  readonly rolledBack: boolean;
  /** True when the substitute's predicted error is past the per-activation budget (the accuracy-aware search took it: the model's outputs tolerate it). */
  readonly pastBudget?: boolean;
  /** Measured planning: the site's engine time in the original and with its substitute (median kernel ms per run). */
  readonly measured?: {
    /** The original site's median kernel ms per run in onnxruntime's own optimized graph. */
    readonly beforeMilliseconds: number;
    /** The op the engine folded the original activation into (it cost nothing of its own). */
    readonly fusedBefore?: string;
    /** True when the model ran faster without this site's kind of substitution, so it was put back. */
    readonly rolledBack: boolean;
  };
  /** With fitting: how many inputs the site saw and their range. */
  readonly observed?: { readonly count: number; readonly min: number; readonly max: number };
  /** On an integer device: the grids assumed and what the substitute does there. */
  readonly device?: DeviceSiteReport;
}

/** A substitute on an integer device (a profile with quantization). */
export interface DeviceSiteReport {
  readonly bits: 8 | 16;
  /** The range the site's input took, which its grid is calibrated to. */
  readonly range: readonly [number, number];
  readonly input: { readonly scale: number; readonly zeroPoint: number };
  readonly output: { readonly scale: number; readonly zeroPoint: number };
  readonly tableCells?: number;
  /** How far the substitute raises the device's worst |error| against the exact activation above rounding the exact activation itself to the output grid (the figure the budget checks). */
  readonly addedError: number;
  /** With the output's own rounding, against the exact activation (tables, and int8 stand-ins computed input by input). */
  readonly totalError?: number;
  /** How addedError was found: "table" (every input integer, as the device interpolates), "every input" (computed exactly, rounded once), "float error + half a step". */
  readonly method: string;
  /** The float model's max |error| at this site (what verification and the output bound see). */
  readonly floatError: number;
}

/** What the report assumes of an integer device. */
export interface QuantizationReport {
  readonly bits: 8 | 16;
  readonly symmetric: boolean;
  readonly tableCells: number;
  readonly assumptions: readonly string[];
}

/** The measured side: how far the rewritten model's outputs are from the original's. */
export interface VerificationReport {
  readonly evaluator: string;
  /** Where the inputs came from: files or `random (seed N)`. */
  readonly inputs: string;
  readonly maxOutputError?: number;
  /** Every output limit asked for (max output error, min cosine, min top-1 agreement). */
  readonly limits?: OutputLimits;
  readonly passed: boolean;
  /** How the comparison misses the limits, in words (empty when it passed). */
  readonly misses: readonly string[];
  readonly comparison: ComparisonSummary;
  /**
   * The predicted bound on every output element (errors of the substituted
   * activations carried through the original model by onnxruntime, see
   * verify/error-bound.ts), checked against the measured outputs; absent when
   * nothing was substituted.
   */
  readonly bound?: BoundReport;
  /** Site ids rolled back to meet maxOutputError, in the order they were rolled back. */
  readonly rolledBack: readonly string[];
  /** Models run (original included). */
  readonly evaluations: number;
}

/** The chosen plan checked on inputs the search did not see. */
export type HeldOutReport =
  | {
      readonly inputs: string;
      readonly passed: boolean;
      readonly misses: readonly string[];
      readonly comparison: ComparisonSummary;
    }
  | {
      /** Why the plan could not be checked on held-out inputs. */
      readonly skipped: string;
    };

/** What `optimize` did: per site and in total, predicted and measured. */
export interface RewriteReport {
  readonly target: string;
  readonly budget: number;
  readonly model: { readonly opset: number; readonly irVersion: number; readonly nodes: number };
  readonly summary: {
    readonly sites: number;
    readonly substituted: number;
    readonly kept: number;
    readonly unsupported: number;
    readonly alreadyRewritten: number;
    readonly rolledBack: number;
  };
  readonly sites: readonly SiteReport[];
  readonly opsBefore: Readonly<Record<string, number>>;
  readonly opsAfter: Readonly<Record<string, number>>;
  /** Sum of profile costs over the activation sites, before and after (null when the target cannot run some of them). */
  readonly siteCost: {
    readonly before: number | null;
    readonly after: number | null;
    /**
     * Milliseconds per run the substitutions are predicted to save: each site's
     * cost change × its elements × the profile's nanoseconds per Add element
     * (null when the profile has no time unit or a site's size is unknown).
     */
    readonly predictedSavingMilliseconds: number | null;
  };
  /** Largest predicted per-activation error among substituted sites. */
  readonly maxPredictedError: number;
  /** On an integer device: the largest max |error| of a substituted activation in the float model written (maxPredictedError is what the device adds to its rounding). */
  readonly maxFloatError?: number;
  readonly unsupportedOps: readonly UnsupportedOp[];
  readonly nearMisses: readonly { rule: string; node: string; location: string; reason: string }[];
  readonly verification?: VerificationReport;
  /** With output limits: the search past the per-activation budget. */
  readonly search?: SearchReport;
  /** Measured planning on the target's engine. */
  readonly measurement?: MeasurementReport;
  /** With output limits: the result checked on inputs the search did not see. */
  readonly heldOut?: HeldOutReport;
  /** On an integer device (a profile with quantization): what was assumed of it. */
  readonly quantization?: QuantizationReport;
}

/** Op histogram of every graph of a model (`domain.Op` for non-default domains). */
export function opHistogram(model: Model): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const graph of model.graphs()) {
    for (const node of graph.nodes) {
      const key = opKey(node.opType, node.domain);
      counts[key] = (counts[key] ?? 0) + 1;
    }
  }
  return Object.fromEntries(
    Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
  );
}

/** The per-site part of the report from the plans. */
export function siteReports(
  plans: readonly SitePlan[],
  rolledBack: ReadonlySet<string>,
  samples?: ReadonlyMap<string, SiteSample>,
): SiteReport[] {
  return plans.map((plan) => {
    const { site } = plan;
    const opsBefore = nodeOps(site.nodes);
    const opsAfter = plan.action === "substitute" ? plan.chosen!.ops : opsBefore;
    const sample = samples?.get(site.id);
    return {
      id: site.id,
      location: site.location,
      rule: site.rule,
      activation: site.activation,
      params: site.params,
      nodes: site.nodes.map((node) => node.name),
      action: plan.action,
      ...(plan.action === "substitute" ? { substitute: plan.chosen!.label } : {}),
      opsBefore,
      opsAfter,
      costBefore: plan.originalCost ?? null,
      costAfter:
        plan.action === "substitute"
          ? plan.chosen!.cost
          : plan.action === "keep"
            ? (plan.originalCost ?? null)
            : null,
      ...(plan.elements !== undefined ? { elements: plan.elements } : {}),
      ...(plan.originalEngine ? { engineBefore: plan.originalEngine } : {}),
      ...(plan.action === "substitute" && plan.chosen!.engine
        ? { engineAfter: plan.chosen!.engine }
        : {}),
      predictedError: plan.action === "substitute" ? plan.chosen!.predictedError : 0,
      reason: plan.reason,
      rejected: plan.rejected,
      rolledBack: rolledBack.has(site.id),
      ...(sample
        ? { observed: { count: sample.values.length, min: sample.min, max: sample.max } }
        : {}),
      ...(plan.action === "substitute" && plan.chosen!.device
        ? { device: deviceSiteReport(plan.chosen!.device, plan.chosen!.floatError!) }
        : {}),
    };
  });
}

function deviceSiteReport(device: DeviceError, floatError: number): DeviceSiteReport {
  const grid = ({ scale, zeroPoint }: { scale: number; zeroPoint: number }) => ({
    scale,
    zeroPoint,
  });
  return {
    bits: device.bits,
    range: device.range,
    input: grid(device.input),
    output: grid(device.output),
    ...(device.tableCells !== undefined ? { tableCells: device.tableCells } : {}),
    addedError: device.addedError,
    ...(device.totalError !== undefined ? { totalError: device.totalError } : {}),
    method: device.method,
    floatError,
  };
}

/** What a plan for an integer device assumed, in words. */
export function quantizationReport(target: TargetProfile): QuantizationReport | undefined {
  const q = target.quantization;
  if (!q) return undefined;
  const integers = `int${q.bits}`;
  const table =
    q.tableCells === 2 ** q.bits
      ? `a table has one entry per input integer (${q.tableCells}): the exact activation rounded, so it adds nothing`
      : `a table has ${q.tableCells + 1} entries over the ${integers} range (a cell every ${2 ** q.bits / q.tableCells} input integers), interpolated as entry + ((next − entry)·offset + ${2 ** q.bits / q.tableCells / 2}) >> ${Math.log2(2 ** q.bits / q.tableCells)}; its error is computed for every input integer`;
  return {
    bits: q.bits,
    symmetric: q.symmetric,
    tableCells: q.tableCells,
    assumptions: [
      `activations are ${integers} per tensor, ${q.symmetric ? "symmetric (zero point 0)" : "asymmetric (scale and zero point)"}, calibrated to the min/max each site's input took on the inputs optimize ran (widened to hold 0), as post-training min/max calibration sets them`,
      `each activation's output is ${integers}, calibrated to the exact activation's range over the input grid; rounding even the exact activation to it is off by up to half a step, and a substitute's error is how far it raises that worst |error| (the figure the budget checks)`,
      table,
      q.bits === 8
        ? "other stand-ins are computed exactly and their output rounded once, for every input integer (a device that rounds between ops adds more)"
        : "other stand-ins are bounded by their float error plus half an output step (a device that computes them exactly and rounds once)",
      "inputs beyond the calibrated range saturate on the device, and in the written model's tables too; the model keeps float tensors, and its tables give the device's values at the grid inputs and interpolate between them",
      "activations over a vector (softmax) and sites whose input was not observed (in subgraphs or functions, or when the model did not run) get no table: their stand-ins are checked in float",
      ...(q.note ? [q.note] : []),
    ],
  };
}

/** Converts near misses to their JSON form. */
export function nearMissReports(misses: readonly NearMiss[]): RewriteReport["nearMisses"] {
  return misses.map((miss) => ({
    rule: miss.rule,
    node: miss.node.name || miss.node.describe(),
    location: miss.location,
    reason: miss.reason,
  }));
}

/** Facts about a model as loaded, taken before any change. */
export function modelFacts(model: Model): RewriteReport["model"] & { ops: Record<string, number> } {
  const ops = opHistogram(model);
  return {
    opset: model.opsetVersion("") ?? 0,
    irVersion: model.irVersion,
    nodes: Object.values(ops).reduce((total, count) => total + count, 0),
    ops,
  };
}

/** Everything the report is made from: the plan, what was applied, and what verification found. */
export interface ReportInputs {
  readonly plan: ModelPlan;
  /** Facts of the model as loaded (modelFacts). */
  readonly before: ReturnType<typeof modelFacts>;
  /** The plans as applied (roll-backs in place). */
  readonly applied: readonly SitePlan[];
  /** The model as written. */
  readonly result: Model;
  readonly rolledBack: readonly string[];
  readonly samples?: ReadonlyMap<string, SiteSample>;
  readonly verification?: VerificationReport;
  readonly search?: SearchReport;
  readonly measurement?: MeasurementReport;
  readonly heldOut?: HeldOutReport;
}

/**
 * Milliseconds per run a plan is predicted to save against the original:
 * Σ (cost before − cost after) × elements × nanoseconds per Add element.
 * Undefined when the profile has no time unit or a substituted site's size is unknown.
 */
export function predictedSaving(
  plans: readonly SitePlan[],
  target: TargetProfile,
): number | undefined {
  const nanoseconds = target.engine?.addNanoseconds;
  if (nanoseconds === undefined) return undefined;
  let total = 0;
  for (const plan of plans) {
    if (plan.action !== "substitute") continue;
    if (plan.elements === undefined || plan.originalCost === undefined) return undefined;
    total += (plan.originalCost - plan.chosen!.cost) * plan.elements * nanoseconds;
  }
  return total / 1e6;
}

/** The report of one optimize run. */
export function buildReport(inputs: ReportInputs): RewriteReport {
  const { plan, before } = inputs;
  const measured = new Map(inputs.measurement?.sites.map((site) => [site.id, site]));
  const sites = siteReports(
    inputs.applied,
    new Set([...inputs.rolledBack, ...(inputs.measurement?.rolledBackSlower ?? [])]),
    inputs.samples,
  ).map((site): SiteReport => {
    const time = measured.get(site.id);
    return {
      ...site,
      ...(site.predictedError > plan.budget ? { pastBudget: true } : {}),
      ...(time
        ? {
            measured: {
              beforeMilliseconds: time.beforeMilliseconds,
              ...(time.fusedBefore ? { fusedBefore: time.fusedBefore } : {}),
              rolledBack: time.rolledBack,
            },
          }
        : {}),
    };
  });
  const sum = (pick: (site: SiteReport) => number | null) => {
    let total = 0;
    for (const site of sites) {
      const value = pick(site);
      if (value === null) return null;
      total += value;
    }
    return total;
  };
  const quantization = quantizationReport(plan.target);
  const count = (action: SiteReport["action"]) =>
    sites.filter((site) => site.action === action).length;
  return {
    target: plan.target.name,
    budget: plan.budget,
    model: { opset: before.opset, irVersion: before.irVersion, nodes: before.nodes },
    summary: {
      sites: sites.length + plan.alreadyRewritten.length,
      substituted: count("substitute"),
      kept: count("keep"),
      unsupported: count("unsupported"),
      alreadyRewritten: plan.alreadyRewritten.length,
      rolledBack: inputs.rolledBack.length,
    },
    sites,
    opsBefore: before.ops,
    opsAfter: opHistogram(inputs.result),
    siteCost: {
      before: sum((site) => site.costBefore),
      after: sum((site) => site.costAfter),
      predictedSavingMilliseconds: predictedSaving(inputs.applied, plan.target) ?? null,
    },
    maxPredictedError: Math.max(0, ...sites.map((site) => site.predictedError)),
    ...(quantization
      ? {
          maxFloatError: Math.max(
            0,
            ...sites.map((site) => site.device?.floatError ?? site.predictedError),
          ),
        }
      : {}),
    unsupportedOps: unsupportedOps(inputs.result, plan.target),
    nearMisses: nearMissReports(plan.nearMisses),
    ...(inputs.verification ? { verification: inputs.verification } : {}),
    ...(inputs.search ? { search: inputs.search } : {}),
    ...(inputs.measurement ? { measurement: inputs.measurement } : {}),
    ...(inputs.heldOut ? { heldOut: inputs.heldOut } : {}),
    ...(quantization ? { quantization } : {}),
  };
}
