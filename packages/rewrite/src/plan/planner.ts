import { DataType } from "@rectify/onnx";
import { RewriteError } from "../errors/rewrite-error.js";
import { siteElementType } from "../lower/emit-program.js";
import { LoweringRefusal, lowerExpression } from "../lower/lower-expression.js";
import { type Program, ProgramBuilder, programOpCounts } from "../lower/program.js";
import type { Site } from "../sites/site.js";
import type { TargetProfile } from "../targets/profile.js";
import { type SiteOption, siteOptions } from "./candidates.js";
import { fittedOptions, type SiteSample } from "./fit-candidates.js";

/** Default error budget: max |error| one substituted activation may add, in its output units. */
export const defaultBudget = 1e-3;

/** One way to compute a site, costed and checked against a target. */
export interface Candidate {
  readonly kind: "keep" | "native" | "exact" | "approximation";
  readonly label: string;
  readonly option?: SiteOption;
  /** The nodes to emit (absent for keep). */
  readonly program?: Program;
  /** Nodes by op type: what the site runs after the choice. */
  readonly ops: Readonly<Record<string, number>>;
  /** Sum of the profile's per-op costs. */
  readonly cost: number;
  /** Predicted max |error| per activation: the larger of the float64 bound and the float32 evaluation (0 for keep). */
  readonly predictedError: number;
}

/** Why a candidate was not chosen. */
export interface Rejection {
  readonly label: string;
  readonly reason: string;
  readonly cost?: number;
  readonly predictedError?: number;
}

/** The plan for one site: the choice (or none) and why. */
export interface SitePlan {
  readonly site: Site;
  /** keep: unchanged and the target runs it; substitute: replaced by `chosen`; unsupported: the target cannot run it and nothing fits. */
  readonly action: "keep" | "substitute" | "unsupported";
  readonly chosen?: Candidate;
  /** What the site costs as it is (undefined when the target cannot run it). */
  readonly originalCost?: number;
  readonly reason: string;
  readonly rejected: readonly Rejection[];
}

/** Options of planSites. */
export interface PlanOptions {
  /** Max |error| per activation (default 1e-3). */
  readonly budget?: number;
  /** Inputs each site saw (by site id): fittable stand-ins are refitted to them (`--fit`). */
  readonly samples?: ReadonlyMap<string, SiteSample>;
  /** Site ids verification rolled back: kept when the target runs the original, else given their most accurate substitute. */
  readonly exclude?: ReadonlySet<string>;
}

function opKey(opType: string, domain: string): string {
  return domain && domain !== "ai.onnx" ? `${domain}.${opType}` : opType;
}

function splitKey(key: string): [string, string] {
  const at = key.lastIndexOf(".");
  return at < 0 ? [key, ""] : [key.slice(at + 1), key.slice(0, at)];
}

/** Sum of profile costs of an op histogram (undefined if the target lacks one of the ops). */
export function histogramCost(
  ops: Readonly<Record<string, number>>,
  target: TargetProfile,
): number | undefined {
  let total = 0;
  for (const [key, count] of Object.entries(ops)) {
    const [opType, domain] = splitKey(key);
    const cost = target.cost(opType, domain);
    if (cost === undefined) return undefined;
    total += cost * count;
  }
  return total;
}

function siteOps(site: Site): Record<string, number> {
  const ops: Record<string, number> = {};
  for (const node of site.nodes) {
    const key = opKey(node.opType, node.domain);
    ops[key] = (ops[key] ?? 0) + 1;
  }
  return ops;
}

/** A native op as a program: the op with its attributes (Clip's bounds as inputs from opset 11). */
function nativeProgram(option: SiteOption, site: Site): Program | string {
  const native = option.native!;
  if (site.opset < native.since)
    return `${native.opType} needs opset ${native.since} (the graph uses ${site.opset})`;
  const builder = new ProgramBuilder();
  const attributes = Object.entries(native.attributes).map(([name, value]) =>
    typeof value === "string"
      ? ({ name, type: "string", value } as const)
      : ({ name, type: "float", value } as const),
  );
  if (site.axis !== undefined && (native.opType === "Softmax" || native.opType === "LogSoftmax")) {
    return builder.finish(
      builder.add(native.opType, [{ kind: "input" }], {
        attributes: [{ name: "axis", type: "int", value: site.axis }],
      }),
    );
  }
  if (site.slope && native.opType === "PRelu") {
    return builder.finish(
      builder.add("PRelu", [{ kind: "input" }, { kind: "value", value: site.slope }]),
    );
  }
  if (native.opType === "PRelu") {
    return `PRelu with a scalar slope needs a slope tensor; the substitute keeps the original node instead`;
  }
  return builder.finish(builder.add(native.opType, [{ kind: "input" }], { attributes }));
}

/** Builds, costs and checks every candidate of a site; returns admissible ones and rejections. */
function candidatesFor(
  site: Site,
  target: TargetProfile,
  budget: number,
  sample?: SiteSample,
): { admissible: Candidate[]; rejected: Rejection[] } {
  // What runs can depend on the opset (a provider without the newest version's kernel).
  target = target.atOpset(site.opset);
  const admissible: Candidate[] = [];
  const rejected: Rejection[] = [];
  const keepOps = siteOps(site);
  const keepCost = histogramCost(keepOps, target);
  if (keepCost !== undefined)
    admissible.push({
      kind: "keep",
      label: "keep",
      ops: keepOps,
      cost: keepCost,
      predictedError: 0,
    });
  const elementType = siteElementType(site);
  if (elementType === undefined) {
    rejected.push({ label: "any substitute", reason: "the site's tensors are not floating point" });
    return { admissible, rejected };
  }
  // Errors are measured in float64 and float32; 16-bit floats underflow constants such as 2⁻¹⁰⁰ and round
  // far more, so only the native op (exact by definition) is offered there.
  const halfPrecision = elementType === DataType.FLOAT16 || elementType === DataType.BFLOAT16;
  const options = sample
    ? [...siteOptions(site), ...fittedOptions(site, sample)]
    : siteOptions(site);
  if (options.length === 0)
    rejected.push({
      label: "any substitute",
      reason: `@rectify/kernels has no definition of ${site.activation}`,
    });
  const reduces = site.activation === "softmax" || site.activation === "log-softmax";
  if (reduces && site.opset < 13 && site.axis !== -1 && !lastAxis(site)) {
    rejected.push({
      label: "any substitute",
      reason: `opset ${site.opset} ${site.rule} flattens the input at axis ${site.axis}; only the last axis can be substituted`,
    });
    return { admissible, rejected };
  }
  for (const option of options) {
    if (halfPrecision && option.kind !== "native") {
      rejected.push({
        label: option.label,
        reason: "16-bit float tensors: stand-in errors are measured for float32 and float64 only",
      });
      continue;
    }
    if (
      site.slope &&
      option.kind === "approximation" &&
      option.activation?.definition.name === "max-leaky"
    ) {
      const program = slopeMaxLeaky(site, target);
      if (typeof program === "string") rejected.push({ label: option.label, reason: program });
      else consider(option, program);
      continue;
    }
    if (site.slope && option.kind !== "native") {
      rejected.push({ label: option.label, reason: "PRelu's slope is a tensor, not one number" });
      continue;
    }
    let program: Program | string;
    if (option.kind === "native") {
      // Clip's bounds change form with the opset (attributes, then inputs): lowering its expression gets that right.
      program =
        option.native?.opType === "Clip"
          ? lowerWith(option, site, (op) => target.runs(op))
          : nativeProgram(option, site);
      if (typeof program !== "string" && sameAsSite(program, keepOps)) continue; // identical to keep
    } else {
      program = lowerWith(option, site, (op) => target.allowsInSubstitute(op));
      const native = option.activation?.definition.onnx;
      // An approximation that is itself an ONNX op (HardSwish for SiLU, HardSigmoid for sigmoid) can be that one node.
      if (
        option.kind === "approximation" &&
        native &&
        native.opType !== "Clip" &&
        target.allowsInSubstitute(native.opType)
      ) {
        const single = nativeProgram(
          {
            ...option,
            native: {
              opType: native.opType,
              since: native.since,
              attributes: native.attributes?.(option.activation!.params) ?? {},
            },
          },
          site,
        );
        if (typeof single !== "string")
          consider({ ...option, label: `${option.label} as ${native.opType}` }, single);
      }
    }
    if (typeof program === "string") rejected.push({ label: option.label, reason: program });
    else consider(option, program);
  }
  return { admissible, rejected };

  function consider(option: SiteOption, program: Program): void {
    const ops = programOpCounts(program);
    if (site.bias) ops.Add = (ops.Add ?? 0) + 1;
    const cost = histogramCost(ops, target);
    const predictedError = Math.max(option.maxAbsError, option.maxAbsErrorFloat32);
    if (cost === undefined) {
      rejected.push({ label: option.label, reason: "uses ops the target does not run" });
    } else if (!(predictedError <= budget)) {
      rejected.push({
        label: option.label,
        reason: `max |error| ${formatError(predictedError)} exceeds the budget ${formatError(budget)}`,
        cost,
        predictedError,
      });
    } else {
      admissible.push({
        kind: option.kind,
        label: option.label,
        option,
        program,
        ops,
        cost,
        predictedError,
      });
    }
  }
}

function lastAxis(site: Site): boolean {
  const shape =
    site.input.type?.value.case === "tensorType" ? site.input.type.value.value.shape : undefined;
  return shape !== undefined && site.axis === shape.dim.length - 1;
}

function sameAsSite(program: Program, keepOps: Record<string, number>): boolean {
  const ops = programOpCounts(program);
  const keys = Object.keys(ops);
  return keys.length === Object.keys(keepOps).length && keys.every((op) => ops[op] === keepOps[op]);
}

function lowerWith(
  option: SiteOption,
  site: Site,
  allows: (op: string) => boolean,
): Program | string {
  try {
    return lowerExpression(option.expression!, {
      opset: site.opset,
      allows,
      ...(site.axis !== undefined ? { axis: site.axis } : {}),
    });
  } catch (error) {
    if (error instanceof LoweringRefusal) return error.message;
    throw error;
  }
}

/** PRelu with a slope tensor whose every value is ≤ 1: max(x, slope·x). */
function slopeMaxLeaky(site: Site, target: TargetProfile): Program | string {
  const slope = site.slope!;
  const values =
    slope.initializer && !slope.isGraphInput ? slope.initializer.toFloat64Array() : undefined;
  if (!values)
    return "PRelu's slope is not a constant, so max(x, slope·x) cannot be shown to equal it";
  if (values.some((a) => !(a <= 1)))
    return "PRelu's slope has values above 1, where max(x, slope·x) differs";
  if (!target.allowsInSubstitute("Mul") || !target.allowsInSubstitute("Max"))
    return "the target does not allow Mul and Max in substitutes";
  if (site.opset < 8) return `Max needs opset 8 (the graph uses ${site.opset})`;
  const builder = new ProgramBuilder();
  const scaled = builder.add("Mul", [{ kind: "input" }, { kind: "value", value: slope }]);
  return builder.finish(builder.add("Max", [{ kind: "input" }, scaled]));
}

/** The site's ops the target does not run. */
function missingOps(site: Site, target: TargetProfile): string[] {
  return Object.keys(siteOps(site)).filter((key) => {
    const [opType, domain] = splitKey(key);
    return !target.runs(opType, domain);
  });
}

/** One sentence on why no candidate was admissible: the closest one over budget, else the first refusal. */
function whyNothingFits(rejected: readonly Rejection[], budget: number): string {
  const overBudget = rejected
    .filter((r) => r.predictedError !== undefined)
    .sort((a, b) => a.predictedError! - b.predictedError!);
  const closest = overBudget[0];
  if (closest) {
    return `the most accurate stand-in it can run, ${closest.label}, is off by up to ${formatError(closest.predictedError!)} > budget ${formatError(budget)} (raise --budget to accept it)`;
  }
  const first = rejected[0];
  return first
    ? `no stand-in fits: ${first.label}: ${first.reason}${rejected.length > 1 ? ` (and ${rejected.length - 1} more refused)` : ""}`
    : "no stand-in is known";
}

/** Formats an error for messages: 3 significant digits. */
export function formatError(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return "∞";
  if (value === 0) return "0";
  return value >= 1e-3 && value < 1e4
    ? String(Number(value.toPrecision(3)))
    : value.toExponential(2);
}

/**
 * Picks, per site, the cheapest candidate by the target's costs whose
 * predicted error fits the budget (ties: smaller error, then keep). A site the
 * target cannot run and that has no admissible substitute is `unsupported`.
 */
export function planSites(
  sites: readonly Site[],
  target: TargetProfile,
  options: PlanOptions = {},
): SitePlan[] {
  const budget = options.budget ?? defaultBudget;
  if (!(budget >= 0) || !Number.isFinite(budget)) {
    throw new RewriteError("OPTIONS_INVALID", `budget must be a finite number ≥ 0, got ${budget}`);
  }
  return sites.map((site) => {
    const { admissible, rejected } = candidatesFor(
      site,
      target,
      budget,
      options.samples?.get(site.id),
    );
    const keep = admissible.find((candidate) => candidate.kind === "keep");
    const originalCost = keep?.cost;
    if (options.exclude?.has(site.id)) {
      if (keep)
        return {
          site,
          action: "keep",
          chosen: keep,
          originalCost,
          reason: "rolled back to the original after verification",
          rejected,
        };
      // The target cannot run the original: fall back to the most accurate substitute instead of the cheapest.
      const accurate = [...admissible].sort(
        (a, b) => a.predictedError - b.predictedError || a.cost - b.cost,
      )[0];
      if (accurate) {
        return {
          site,
          action: "substitute",
          chosen: accurate,
          reason: `rolled back after verification to the most accurate substitute the target runs (max |error| ${formatError(accurate.predictedError)}, cost ${accurate.cost})`,
          rejected,
        };
      }
      return {
        site,
        action: "unsupported",
        reason: "rolled back after verification; the target cannot run it",
        rejected,
      };
    }
    const order = (a: Candidate, b: Candidate) =>
      a.cost - b.cost ||
      a.predictedError - b.predictedError ||
      (a.kind === "keep" ? -1 : b.kind === "keep" ? 1 : 0);
    const best = [...admissible].sort(order)[0];
    const others = admissible
      .filter((candidate) => candidate !== best && candidate.kind !== "keep")
      .map((candidate) => ({
        label: candidate.label,
        reason: `costs ${candidate.cost} vs ${best!.cost}`,
        cost: candidate.cost,
        predictedError: candidate.predictedError,
      }));
    if (!best) {
      return {
        site,
        action: "unsupported",
        reason: `the target does not run ${missingOps(site, target).join(", ")}; ${whyNothingFits(rejected, budget)}`,
        rejected,
      };
    }
    if (best.kind === "keep") {
      return {
        site,
        action: "keep",
        chosen: best,
        originalCost,
        reason: `the target runs it natively (cost ${best.cost}); no cheaper substitute within budget`,
        rejected: [...rejected, ...others],
      };
    }
    const reason = keep
      ? `cheaper than the original (cost ${best.cost} vs ${keep.cost}) with max |error| ${formatError(best.predictedError)} ≤ ${formatError(budget)}`
      : `the target does not run ${missingOps(site, target).join(", ")}; cheapest substitute within budget (max |error| ${formatError(best.predictedError)})`;
    return {
      site,
      action: "substitute",
      chosen: best,
      originalCost,
      reason,
      rejected: [...rejected, ...others],
    };
  });
}
