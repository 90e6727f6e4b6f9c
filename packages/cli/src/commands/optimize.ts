import { dirname, join } from "node:path";
import { type Model, modelTensors, saveModel, saveModelPaths } from "@rectify/onnx";
import { type Feeds, optimizeModel, type RewriteReport } from "@rectify/rewrite";
import { createEvaluator, registeredProviders } from "@rectify/runtime";
import { buildExampleModel } from "../example/example-model.js";
import { checkOutputs, type PlannedOutput } from "../io/check-outputs.js";
import { CliError, exitCodes } from "../io/cli-error.js";
import { randomSizes } from "../io/input-sizes.js";
import { isProfilePath, loadModelFile, loadTarget } from "../io/load.js";
import { readInputFeeds } from "../io/read-inputs.js";
import { assertRuntimeInstalled } from "../io/runtime-package.js";
import { writeFileAtomic } from "../io/write-atomic.js";
import { formatReport } from "../output/format-report.js";
import { progressReporter } from "../output/progress.js";
import { formatNumber } from "../output/table.js";

/** Options of `rectify optimize`. */
export interface OptimizeCommandOptions {
  readonly target: string;
  /** Runtime provider verification runs on (cpu: onnxruntime-node, wasm: onnxruntime-web). */
  readonly provider?: string;
  readonly output?: string;
  readonly budget?: number;
  readonly maxOutputError?: number;
  readonly minCosine?: number;
  readonly minTop1Agreement?: number;
  /** False: keep every site within the budget even with output limits. */
  readonly search?: boolean;
  readonly heldOut?: string[];
  /** Measured planning: undefined picks it for targets whose own provider runs here. */
  readonly measure?: boolean;
  readonly inputs?: string[];
  readonly report?: string;
  readonly verify?: boolean;
  readonly seed?: number;
  readonly fit?: boolean;
  readonly example?: boolean;
  readonly overwriteInput?: boolean;
  readonly json?: boolean;
  readonly dim?: Readonly<Record<string, number>>;
  readonly inputShape?: Readonly<Record<string, readonly number[]>>;
}

/** The provider that runs a target's models here: its own where this machine has it (ort-wasm), else onnxruntime-node's CPU. */
export function defaultProvider(target: string): string {
  return target === "ort-wasm" ? "wasm" : "cpu";
}

/** The provider here that is the target's own engine and can profile (ort-cpu → cpu, ort-wasm → wasm): measured planning times on it. */
function profilingProvider(target: string): string | undefined {
  return registeredProviders().find((entry) => entry.target === target && entry.profile)?.name;
}

/** Whether optimize times on the target's engine: asked for, or by default when the target's own provider does the verifying. */
function measuredPlanning(
  target: string,
  provider: string,
  options: OptimizeCommandOptions,
): boolean {
  const own = profilingProvider(target);
  if (options.measure === undefined) return own === provider && options.verify !== false;
  if (!options.measure) return false;
  if (options.verify === false)
    throw new CliError("USAGE", "--measure runs the models; drop --no-verify");
  if (own !== provider) {
    const measurable = registeredProviders()
      .filter((entry) => entry.profile)
      .map((entry) => entry.target);
    throw new CliError(
      "USAGE",
      own
        ? `--measure times on the target's own engine: use --provider ${own} for ${target}`
        : `--measure times on the target's own engine, which does not run here: ${target} has none among ${measurable.join(", ")}`,
    );
  }
  return true;
}

/** `rectify optimize <model> --target … -o out.onnx`: substitute, verify, report, write atomically. */
export async function optimizeCommand(
  path: string | undefined,
  options: OptimizeCommandOptions,
): Promise<{ output: string; code: number }> {
  if (!path && !options.example)
    throw new CliError("USAGE", "optimize needs a model file (or --example)");
  if (path && options.example)
    throw new CliError("USAGE", "give either a model file or --example, not both");
  const verify = options.verify !== false;
  if (options.fit && !options.inputs?.length) {
    throw new CliError(
      "USAGE",
      "--fit needs --inputs: the inputs the model really sees (random inputs would fit the stand-ins to noise)",
    );
  }
  if (options.inputs?.length && !verify)
    throw new CliError("USAGE", "--inputs are for verification; drop --no-verify");
  if (options.heldOut?.length && !verify)
    throw new CliError("USAGE", "--held-out inputs are for verification; drop --no-verify");
  const limited =
    options.maxOutputError !== undefined ||
    options.minCosine !== undefined ||
    options.minTop1Agreement !== undefined;
  if (!verify && limited)
    throw new CliError(
      "USAGE",
      "--max-output-error, --min-cosine and --min-top1-agreement are measured by running the models; drop --no-verify",
    );
  if (options.heldOut?.length && !limited)
    throw new CliError(
      "USAGE",
      "--held-out checks the result of the search that output limits allow: add --max-output-error, --min-cosine or --min-top1-agreement",
    );
  if (options.minCosine !== undefined && options.minCosine > 1)
    throw new CliError("USAGE", `--min-cosine must be at most 1, got ${options.minCosine}`);
  if (options.minTop1Agreement !== undefined && options.minTop1Agreement > 1)
    throw new CliError(
      "USAGE",
      `--min-top1-agreement is a fraction of rows, at most 1, got ${options.minTop1Agreement}`,
    );
  if (options.inputs?.length && (options.dim || options.inputShape))
    throw new CliError(
      "USAGE",
      "--dim and --input-shape size random inputs; --inputs files bring their own shapes",
    );
  const target = await loadTarget(options.target);
  const provider = options.provider ?? defaultProvider(target.name);
  const measure = measuredPlanning(target.name, provider, options);
  // Before any work: a missing onnxruntime ends here, with what to install, and nothing written.
  if (verify) assertRuntimeInstalled(provider, "optimize");
  // Validated before anything runs or is written: a model with a cycle or a missing input is refused, not copied.
  const loaded = options.example
    ? buildExampleModel()
    : await loadModelFile(path!, { validate: true });
  await checkOutputs(
    await plannedOutputs(loaded, path, options),
    inputFiles(loaded, path, options),
  );
  const feeds: Feeds | undefined = options.inputs?.length
    ? await readInputFeeds(loaded, options.inputs)
    : undefined;
  const heldOut: Feeds | undefined = options.heldOut?.length
    ? await readInputFeeds(loaded, options.heldOut)
    : undefined;
  // The model loaded above is the first copy optimizeModel asks for; later copies are fresh loads.
  let first: Model | undefined = loaded;
  const load = async (): Promise<Model> => {
    const model = first;
    first = undefined;
    if (model) return model;
    return options.example ? buildExampleModel() : loadModelFile(path!);
  };
  const progress = progressReporter(!options.json);
  let result: Awaited<ReturnType<typeof optimizeModel>>;
  try {
    result = await optimizeModel(load, {
      target,
      ...(options.budget !== undefined ? { budget: options.budget } : {}),
      ...(verify
        ? {
            evaluator: createEvaluator({
              provider,
              // onnxruntime is handed bytes: external data is read from the model's folder and inlined.
              ...(path ? { modelFolder: dirname(path) } : {}),
            }),
          }
        : {}),
      ...(feeds ? { feeds, feedsSource: options.inputs!.join(", ") } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...randomSizes(options),
      ...(options.maxOutputError !== undefined ? { maxOutputError: options.maxOutputError } : {}),
      ...(options.minCosine !== undefined ? { minCosine: options.minCosine } : {}),
      ...(options.minTop1Agreement !== undefined
        ? { minTop1Agreement: options.minTop1Agreement }
        : {}),
      ...(options.search === false ? { search: false } : {}),
      ...(heldOut ? { heldOutFeeds: heldOut, heldOutSource: options.heldOut!.join(", ") } : {}),
      ...(measure ? { measure: true } : {}),
      ...(options.fit ? { fit: true } : {}),
      onProgress: progress.update,
    });
  } finally {
    progress.stop();
  }
  const { report } = result;
  if (options.output) await saveModel(result.model, options.output);
  if (options.report)
    await writeFileAtomic(options.report, `${JSON.stringify(reportJson(report), null, 2)}\n`);
  const failure = exitThreeReason(report);
  const code = failure ? exitCodes.budgetNotMet : exitCodes.ok;
  if (options.json) {
    return {
      output: JSON.stringify(
        {
          ...(reportJson(report) as object),
          output: options.output ?? null,
          changed: result.changed,
          ...(failure ? { failure } : {}),
        },
        null,
        2,
      ),
      code,
    };
  }
  const source = options.example ? "the built-in example model" : path!;
  return {
    output: `${source} for target ${target.name}\n\n${formatReport(report)}\n\n${outcomeLine(report, result.changed, options.output, failure)}`,
    code,
  };
}

/** Every file optimize will write: -o, the external-data file saveModel writes beside it, --report. */
async function plannedOutputs(
  model: Model,
  input: string | undefined,
  options: OptimizeCommandOptions,
): Promise<PlannedOutput[]> {
  const outputs: PlannedOutput[] = [];
  if (options.output) {
    const [, data] = await saveModelPaths(model, options.output);
    // --overwrite-input lets -o replace the model (its data file then replaces the model's own data files), nothing else.
    const replaceable = input && options.overwriteInput ? [input] : [];
    outputs.push({ option: "-o", path: options.output, mayReplace: replaceable });
    if (data) {
      const dataFiles = input && options.overwriteInput ? externalFiles(model, input) : [];
      outputs.push({ option: "-o (external data)", path: data, mayReplace: dataFiles });
    }
  }
  if (options.report) outputs.push({ option: "--report", path: options.report });
  return outputs;
}

/** Every file optimize reads: the model, its external data, the inputs and a profile file. */
function inputFiles(model: Model, input: string | undefined, options: OptimizeCommandOptions) {
  const files: string[] = [];
  if (input) files.push(input, ...externalFiles(model, input));
  files.push(...(options.inputs ?? []), ...(options.heldOut ?? []));
  if (isProfilePath(options.target)) files.push(options.target);
  return [...new Set(files)];
}

/** The external data files of a model loaded from `input`. */
function externalFiles(model: Model, input: string): string[] {
  const files = new Set<string>();
  for (const { tensor } of modelTensors(model)) {
    const location = tensor.isExternal ? tensor.externalInfo?.location : undefined;
    if (location) files.add(join(dirname(input), location));
  }
  return [...files];
}

/** Why the exit code is 3 (null when it is 0): activations the target still cannot run, or failed verification. */
function exitThreeReason(report: RewriteReport): string | null {
  const { unsupported } = report.summary;
  if (unsupported > 0)
    return `${unsupported} site${unsupported === 1 ? "" : "s"} still cannot run on ${report.target} within the budget ${formatNumber(report.budget)} (marked CANNOT RUN above)`;
  if (report.unsupportedOps.length > 0)
    return `ops ${report.target} cannot run remain: ${report.unsupportedOps.map((op) => `${op.op}×${op.count}`).join(", ")} (listed above)`;
  const verification = report.verification;
  if (!verification) return null;
  const mismatches = verification.comparison.nonFiniteMismatches;
  // NaN or ±Inf where the original is finite (or the reverse) always fails, limit or not.
  if (mismatches > 0)
    return `verification failed: ${mismatches} output element${mismatches === 1 ? " is" : "s are"} NaN/Inf in one model and not the other`;
  if (!verification.passed) return `verification failed: ${verification.misses.join("; ")}`;
  // The held-out rows guard the search past the budget against fitting its own inputs: a miss
  // fails the run when the search took sites past the budget (otherwise it is reported only).
  const heldOut = report.heldOut;
  if (heldOut && "passed" in heldOut && !heldOut.passed && report.search?.pastBudget.length)
    return `the sites taken past the budget miss the output limits on the held-out inputs: ${heldOut.misses.join("; ")}`;
  return null;
}

/** The last line: what was written, and why the exit code is 3 when it is. */
function outcomeLine(
  report: RewriteReport,
  changed: boolean,
  output: string | undefined,
  failure: string | null,
): string {
  const substituted = report.summary.substituted;
  const written = output
    ? changed
      ? `wrote ${output} (${substituted} site${substituted === 1 ? "" : "s"} substituted)`
      : `${failure ? "nothing could be substituted" : "nothing to change"}; wrote an unchanged copy to ${output}`
    : `not written (no -o given)${changed ? `; ${substituted} site${substituted === 1 ? "" : "s"} would be substituted` : ""}`;
  return failure ? `${written}\nexit 3: ${failure}` : written;
}

/** The report as JSON: ∞ (unbounded errors) becomes null, as JSON has no infinity. */
export function reportJson(report: RewriteReport): unknown {
  return JSON.parse(
    JSON.stringify(report, (_key, value) =>
      typeof value === "number" && !Number.isFinite(value) ? null : value,
    ),
  );
}
