import { encodeModelInline } from "@rectify/onnx";
import {
  checkTolerance,
  compareOutputs,
  defaultTolerance,
  type Feeds,
  feedsUnrunnable,
  randomFeeds,
  runOnEvaluator,
  type Tolerance,
  type ToleranceCheck,
} from "@rectify/rewrite";
import { createEvaluator } from "@rectify/runtime";
import { CliError, exitCodes } from "../io/cli-error.js";
import { loadModelFile } from "../io/load.js";
import { readInputFeeds } from "../io/read-inputs.js";
import { assertRuntimeInstalled } from "../io/runtime-package.js";
import { formatNumber, formatTable } from "../output/table.js";

/** Options of `rectify verify`. */
export interface VerifyOptions {
  /** Runtime provider that runs both models (cpu: onnxruntime-node, wasm: onnxruntime-web). */
  readonly provider?: string;
  readonly inputs?: string[];
  /** An absolute limit that replaces the tolerance (atol = this, rtol = 0). */
  readonly maxOutputError?: number;
  /** Absolute tolerance (default defaultTolerance.absolute). */
  readonly atol?: number;
  /** Relative tolerance (default defaultTolerance.relative). */
  readonly rtol?: number;
  readonly seed?: number;
  readonly json?: boolean;
  readonly dim?: Readonly<Record<string, number>>;
  readonly inputShape?: Readonly<Record<string, readonly number[]>>;
}

/** `rectify verify <a> <b>`: run both models on the same inputs, compare every output, pass or fail on a tolerance. */
export async function verifyCommand(
  first: string,
  second: string,
  options: VerifyOptions,
): Promise<{ output: string; code: number }> {
  if (
    options.maxOutputError !== undefined &&
    (options.atol !== undefined || options.rtol !== undefined)
  )
    throw new CliError(
      "USAGE",
      "give either --max-output-error (an absolute limit) or --atol/--rtol (a tolerance), not both",
    );
  const provider = options.provider ?? "cpu";
  assertRuntimeInstalled(provider, "verify");
  const a = await loadModelFile(first, { validate: true });
  const b = await loadModelFile(second, { validate: true });
  const feeds: Feeds = options.inputs?.length
    ? await readInputFeeds(a, options.inputs)
    : randomFeeds(a, {
        seed: options.seed ?? 1,
        ...(options.dim ? { dynamicDims: options.dim } : {}),
        ...(options.inputShape ? { inputShapes: options.inputShape } : {}),
      });
  const evaluator = createEvaluator({ provider });
  // Inline: onnxruntime given bytes would look for external data in the working directory.
  const reference = await runOnEvaluator(evaluator, encodeModelInline(a), feeds, first).catch(
    (error: unknown) => {
      throw feedsUnrunnable(error, a, feeds, Boolean(options.inputs?.length));
    },
  );
  const candidate = await runOnEvaluator(evaluator, encodeModelInline(b), feeds, second);
  const comparison = compareOutputs(reference, candidate);
  const tolerance: Tolerance =
    options.maxOutputError !== undefined
      ? { absolute: options.maxOutputError, relative: 0 }
      : {
          absolute: options.atol ?? defaultTolerance.absolute,
          relative: options.rtol ?? defaultTolerance.relative,
        };
  const check = checkTolerance(reference, candidate, tolerance);
  const code = check.passed ? exitCodes.ok : exitCodes.budgetNotMet;
  const inputs = options.inputs?.length
    ? options.inputs.join(", ")
    : `random (seed ${options.seed ?? 1})`;
  if (options.json) {
    return {
      output: JSON.stringify(
        {
          a: first,
          b: second,
          evaluator: evaluator.name,
          inputs,
          maxOutputError: options.maxOutputError ?? null,
          tolerance,
          passed: check.passed,
          violations: check.violations,
          nonFiniteMismatches: check.nonFiniteMismatches,
          worst: check.worst,
          comparison,
        },
        null,
        2,
      ),
      code,
    };
  }
  const rows = comparison.outputs.map((output) => [
    output.name,
    output.dims.join("×"),
    formatNumber(output.maxAbsError),
    formatNumber(output.maxRelativeError),
    output.cosineSimilarity === null
      ? "—"
      : `${output.cosineSimilarity.toFixed(6)}${output.cosineReliable ? "" : " (tiny norm)"}`,
    output.top1Agreement === null ? "—" : `${(output.top1Agreement * 100).toFixed(1)}%`,
    String(output.nonFiniteMismatches),
  ]);
  const table = formatTable(
    ["output", "shape", "max |error|", "max rel", "cosine", "top-1 agree", "NaN/Inf mismatches"],
    rows,
  );
  const notes =
    comparison.unreliableCosineOutputs.length > 0
      ? `\ncosine of ${comparison.unreliableCosineOutputs.join(", ")}: both outputs are near zero (RMS < 1e-5), so it measures noise, not agreement`
      : "";
  return {
    output: `${first} vs ${second} on ${evaluator.name}, inputs ${inputs}\n\n${table}${notes}\n${verdict(check)}`,
    code,
  };
}

/** One line: the tolerance, met or not, and the worst offender. */
function verdict(check: ToleranceCheck): string {
  const { absolute, relative } = check.tolerance;
  const rule =
    relative === 0
      ? `max |error| ${formatNumber(absolute)}`
      : `tolerance |b − a| ≤ ${formatNumber(absolute)} + ${formatNumber(relative)}·|a|`;
  if (check.passed) return `${rule}: met`;
  const problems: string[] = [];
  if (check.nonFiniteMismatches > 0)
    problems.push(
      `${check.nonFiniteMismatches} element${check.nonFiniteMismatches === 1 ? " is" : "s are"} NaN/Inf in one model and not the other`,
    );
  const finite = check.violations - check.nonFiniteMismatches;
  if (finite > 0 && check.worst) {
    const worst = check.worst;
    problems.push(
      `${finite} element${finite === 1 ? "" : "s"} outside it (worst: ${worst.output}[${worst.index}] a=${formatNumber(worst.reference)} b=${formatNumber(worst.candidate)}, |b − a| ${formatNumber(worst.difference)} > ${formatNumber(worst.allowed)})`,
    );
  }
  return `${rule}: NOT MET — ${problems.join("; ")}`;
}
