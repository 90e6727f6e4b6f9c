import { piecesOf, pwlLinesExpression } from "@rectify/kernels";
import { DataType } from "@rectify/onnx";
import { formatError } from "../format-error.js";
import { legalisationOffers } from "../legalisations/index.js";
import { siteElementType } from "../lower/emit-program.js";
import { type Program, programExtraWork, programOpCounts } from "../lower/program.js";
import type { Site } from "../sites/site.js";
import type { TargetProfile } from "../targets/profile.js";
import type { Candidate, Offer, Rejection } from "./candidate.js";
import { histogramCost, nodeOps } from "./cost.js";
import { engineCost } from "./engine-cost.js";
import { engineForm } from "./engine-forms.js";
import { fittedOptions, type SiteSample } from "./fit-candidates.js";
import { deviceErrorOf, gridKnotOption, quantizedTableOption } from "./quantized-options.js";
import { budgetFitOptions, type SiteOption, siteOptions } from "./site-options.js";
import { loweredProgram, nativeProgram, sameOpsAs } from "./site-programs.js";

/** What is known of a site beyond the graph: the inputs it saw and its size. */
export interface SiteContext {
  /** Inputs the site saw, to refit stand-ins to (`--fit`). */
  readonly sample?: SiteSample;
  /** Elements of its tensor (per-node overhead is costed with them). */
  readonly elements?: number;
  /** The range its input took on the inputs optimize ran (an integer device calibrates its grid to it). */
  readonly range?: readonly [number, number];
}

/** Admissible candidates of a site (keep first when the target runs it) and the rest with why not. */
export interface SiteCandidates {
  readonly keep?: Candidate;
  readonly admissible: readonly Candidate[];
  readonly rejected: readonly Rejection[];
}

/**
 * Builds, costs and checks every way to compute a site on a target at the
 * site's opset: keep it, its native op, its exact expression, each catalog
 * stand-in (refitted to `sample` when given). A candidate is admissible when
 * the target runs all its ops and its predicted error fits the budget.
 */
export function siteCandidates(
  site: Site,
  profile: TargetProfile,
  budget: number,
  context: SiteContext = {},
): SiteCandidates {
  const { sample, elements, range } = context;
  // What runs can depend on the opset (a provider without the newest version's kernel).
  const target = profile.atOpset(site.opset);
  const admissible: Candidate[] = [];
  const rejected: Rejection[] = [];
  const keepOps = nodeOps(site.nodes);
  const size = elements !== undefined ? { elements } : {};
  const keepCost = engineCost(keepOps, site, target, { keep: true, ...size });
  const keep: Candidate | undefined =
    keepCost === undefined
      ? undefined
      : {
          kind: "keep",
          label: "keep",
          ops: keepOps,
          cost: keepCost.cost,
          predictedError: 0,
          ...(keepCost.note ? { engine: keepCost.note } : {}),
        };
  if (keep) admissible.push(keep);
  const refusal = siteRefusal(site);
  if (refusal) {
    rejected.push({ label: "any substitute", reason: refusal });
    return { ...(keep ? { keep } : {}), admissible, rejected };
  }
  for (const offer of offers(site, target, keepOps, sample, budget, range)) {
    if (typeof offer.program === "string") {
      rejected.push({ label: offer.label, reason: offer.program });
      continue;
    }
    const ops = programOpCounts(offer.program);
    if (site.bias) ops.Add = (ops.Add ?? 0) + 1;
    const costed = engineCost(ops, site, target, { keep: false, ...size });
    const extra = histogramCost(programExtraWork(offer.program), target);
    const cost = costed === undefined || extra === undefined ? undefined : costed.cost + extra;
    const { predictedError } = offer;
    const measured = {
      ...(offer.device ? { device: offer.device, floatError: offer.floatError! } : {}),
    };
    if (cost === undefined) {
      rejected.push({ label: offer.label, reason: "uses ops the target does not run" });
    } else if (keepCost && sameCounts(costed!.ops, keepCost.ops)) {
      // The engine would run the very kernels it runs for the original (x·σ(x) is already one QuickGelu).
      rejected.push({
        label: offer.label,
        reason: `the engine runs the same kernels for the original (${Object.keys(keepCost.ops).join(", ")})`,
        cost,
        predictedError,
      });
    } else if (!(predictedError <= budget)) {
      rejected.push({
        label: offer.label,
        reason: `max |error| ${formatError(predictedError)} exceeds the budget ${formatError(budget)}`,
        cost,
        predictedError,
      });
    } else {
      admissible.push({
        kind: offer.kind,
        label: offer.label,
        ...(offer.option ? { option: offer.option } : {}),
        program: offer.program,
        ops,
        cost,
        predictedError,
        ...measured,
        ...(costed?.note ? { engine: costed.note } : {}),
      });
    }
  }
  return { ...(keep ? { keep } : {}), admissible, rejected };
}

/** True when two op histograms hold the same ops the same number of times. */
function sameCounts(
  a: Readonly<Record<string, number>>,
  b: Readonly<Record<string, number>>,
): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

/** Why no substitute can be offered for a site at all (undefined: offers may follow). */
function siteRefusal(site: Site): string | undefined {
  if (siteElementType(site) === undefined) return "the site's tensors are not floating point";
  return undefined;
}

/** Every offer for a site: a legalisation's exact forms where one applies, else the catalog's options. */
function offers(
  site: Site,
  target: TargetProfile,
  keepOps: Readonly<Record<string, number>>,
  sample: SiteSample | undefined,
  budget: number,
  observedRange: readonly [number, number] | undefined,
): Offer[] {
  const legalised = legalisationOffers(site, target);
  if (legalised) return legalised;
  const catalog = [...siteOptions(site), ...budgetFitOptions(site, budget)];
  const fitted = sample ? [...catalog, ...fittedOptions(site, sample)] : catalog;
  const quantization = target.quantization;
  const range = observedRange ?? finite(site.range);
  const table = quantization && range ? quantizedTableOption(site, quantization, range) : undefined;
  // On an integer device a piecewise-linear fit's knots move onto its input grid.
  const onGrid =
    quantization && range
      ? fitted.map((option) => gridKnotOption(option, site, quantization, range) ?? option)
      : fitted;
  const options = table && typeof table !== "string" ? [...onGrid, table] : onGrid;
  const noTable: Offer[] =
    typeof table === "string"
      ? [
          {
            kind: "approximation",
            label: `int${quantization!.bits} table`,
            program: `no table on the device's grid: ${table}`,
            predictedError: Number.NaN,
          },
        ]
      : [];
  if (options.length === 0) {
    return [
      {
        kind: "exact",
        label: "any substitute",
        program: `@rectify/kernels has no definition of ${site.activation}`,
        predictedError: 0,
      },
    ];
  }
  const elementType = siteElementType(site);
  // Errors are measured in float64 and float32; 16-bit floats underflow constants such as 2⁻¹⁰⁰ and round
  // far more, so only the native op (exact by definition) is offered there.
  const halfPrecision = elementType === DataType.FLOAT16 || elementType === DataType.BFLOAT16;
  const offered = options.flatMap((option) => {
    const floatError = Math.max(option.maxAbsError, option.maxAbsErrorFloat32);
    // On an integer device the budget checks what a stand-in adds to the device's own rounding.
    const device =
      quantization && range
        ? (option.device ?? deviceErrorOf(option, site, quantization, range))
        : undefined;
    const predictedError = device ? device.addedError : floatError;
    const offer = (program: Program | string, label = option.label): Offer => ({
      kind: option.kind,
      label,
      option,
      program,
      predictedError,
      ...(device ? { device, floatError } : {}),
    });
    if (quantization && !option.device && /-lut$/.test(option.entry?.approximation ?? ""))
      return [
        offer(
          range
            ? `its grid is not the device's int${quantization.bits} input grid: the table on that grid is offered instead`
            : `a table for an int${quantization.bits} device needs the range of the site's input to place its grid (run the model: optimize with an evaluator)`,
        ),
      ];
    if (option.domain && !within(site.range, option.domain))
      return [
        offer(`holds on ${interval(option.domain)} only, and the input is not known to stay there`),
      ];
    if (halfPrecision && option.kind !== "native")
      return [
        offer("16-bit float tensors: stand-in errors are measured for float32 and float64 only"),
      ];
    if (option.kind === "native") {
      // Clip's bounds change form with the opset (attributes, then inputs): lowering its expression gets that right.
      const program =
        option.native!.opType === "Clip"
          ? loweredProgram(option, site, (op) => target.runs(op))
          : nativeProgram(option.native!, site);
      return typeof program !== "string" && sameOpsAs(program, keepOps) ? [] : [offer(program)];
    }
    const program = loweredProgram(option, site, (op) => target.allowsInSubstitute(op));
    // The exact form re-emitted with the site's own ops is the site itself (the engine fuses it the same way).
    const same =
      option.kind === "exact" && typeof program !== "string" && sameOpsAs(program, keepOps);
    const lowered = same ? [] : [offer(program)];
    // Few convex (concave) pieces: also as the Max (Min) of their lines, cheaper than ramps for small K.
    const lines = linesOption(option);
    if (lines)
      lowered.push(
        offer(
          loweredProgram(lines, site, (op) => target.allowsInSubstitute(op)),
          lines.label,
        ),
      );
    // The engine's own fused kernel for the form (onnxruntime's Gelu, FastGelu, QuickGelu), where the target has it.
    const fused = option.activation ? engineForm(option.activation) : undefined;
    const engineOffers =
      // Functions import their own opsets: a contrib op is emitted in the main graph and its subgraphs only.
      fused &&
      !site.location.startsWith("function") &&
      target.allowsInSubstitute(fused.opType, fused.domain)
        ? [nativeProgram(fused, site)].flatMap((program) =>
            typeof program === "string" || sameOpsAs(program, keepOps)
              ? []
              : [offer(program, `${option.label} as ${fused.domain}.${fused.opType}`)],
          )
        : [];
    // A stand-in that is itself an ONNX op (HardSwish for SiLU, HardSigmoid for sigmoid) can be that one node.
    const onnx = option.kind === "approximation" ? option.activation?.definition.onnx : undefined;
    if (!onnx || onnx.opType === "Clip" || !target.allowsInSubstitute(onnx.opType))
      return [...engineOffers, ...lowered];
    const single = nativeProgram(
      {
        opType: onnx.opType,
        since: onnx.since,
        attributes: onnx.attributes?.(option.activation!.params) ?? {},
      },
      site,
    );
    return typeof single === "string"
      ? [...engineOffers, ...lowered]
      : [...engineOffers, offer(single, `${option.label} as ${onnx.opType}`), ...lowered];
  });
  return [...noTable, ...offered];
}

/** The most lines a Max (Min) of lines is offered for: beyond, ramps (four nodes for any K) win. */
const maxLines = 16;

/**
 * A piecewise-linear fit whose pieces are convex or concave (softplus, ELU,
 * CELU) as the Max or Min of at most `maxLines` lines: the same function,
 * so the same error (float32 does no worse: no ramp terms cancel).
 */
function linesOption(option: SiteOption): SiteOption | undefined {
  const fitted = option.activation;
  if (!fitted?.definition.name.endsWith("-pwl") || option.expression !== fitted.expression)
    return undefined;
  const pieces = piecesOf(fitted.definition, fitted.params);
  if (!pieces || pieces.knots.length + 1 > maxLines) return undefined;
  const expression = pwlLinesExpression(pieces);
  if (!expression) return undefined;
  const kind = expression.op === "Max" ? "Max" : "Min";
  return {
    ...option,
    label: `${option.label} as ${kind} of ${pieces.knots.length + 1} lines`,
    expression,
  };
}

/** A known range when both ends are finite. */
function finite(
  range: readonly [number, number] | undefined,
): readonly [number, number] | undefined {
  return range && Number.isFinite(range[0]) && Number.isFinite(range[1]) ? range : undefined;
}

/** True when a known range lies inside a domain. */
function within(range: readonly [number, number] | undefined, domain: readonly [number, number]) {
  return range !== undefined && range[0] >= domain[0] && range[1] <= domain[1];
}

function interval([lo, hi]: readonly [number, number]): string {
  const end = (value: number) =>
    value === Number.POSITIVE_INFINITY
      ? "∞"
      : value === Number.NEGATIVE_INFINITY
        ? "−∞"
        : String(value);
  return `${lo === Number.NEGATIVE_INFINITY ? "(" : "["}${end(lo)}, ${end(hi)}${hi === Number.POSITIVE_INFINITY ? ")" : "]"}`;
}
