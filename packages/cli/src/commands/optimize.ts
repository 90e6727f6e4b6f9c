import { resolve } from "node:path";
import { type Model, saveModel } from "@rectify/onnx";
import { type Feeds, optimizeModel, type RewriteReport } from "@rectify/rewrite";
import { createEvaluator } from "@rectify/runtime";
import { buildExampleModel } from "../example/example-model.js";
import { CliError, exitCodes } from "../io/cli-error.js";
import { loadModelFile, loadTarget } from "../io/load.js";
import { readInputFeeds } from "../io/read-inputs.js";
import { writeFileAtomic } from "../io/write-atomic.js";
import { formatReport } from "../output/format-report.js";
import { progressReporter } from "../output/progress.js";

/** Options of `rectify optimize`. */
export interface OptimizeCommandOptions {
  readonly target: string;
  /** Runtime provider verification runs on (cpu: onnxruntime-node, wasm: onnxruntime-web). */
  readonly provider?: string;
  readonly output?: string;
  readonly budget?: number;
  readonly maxOutputError?: number;
  readonly inputs?: string[];
  readonly report?: string;
  readonly verify?: boolean;
  readonly seed?: number;
  readonly fit?: boolean;
  readonly example?: boolean;
  readonly overwriteInput?: boolean;
  readonly json?: boolean;
}

/** `rectify optimize <model> --target … -o out.onnx`: substitute, verify, report, write atomically. */
export async function optimizeCommand(
  path: string | undefined,
  options: OptimizeCommandOptions,
): Promise<{ output: string; code: number }> {
  if (!path && !options.example)
    throw new CliError("optimize needs a model file (or --example)", exitCodes.badInput);
  if (path && options.example)
    throw new CliError("give either a model file or --example, not both", exitCodes.badInput);
  if (
    path &&
    options.output &&
    resolve(path) === resolve(options.output) &&
    !options.overwriteInput
  ) {
    throw new CliError(
      `refusing to write over the input ${path}; choose another -o or pass --overwrite-input`,
      exitCodes.badInput,
    );
  }
  const target = await loadTarget(options.target);
  const load: () => Promise<Model> = options.example
    ? async () => buildExampleModel()
    : () => loadModelFile(path!);
  const verify = options.verify !== false;
  if (options.fit && !options.inputs?.length) {
    throw new CliError(
      "--fit needs --inputs: the inputs the model really sees (random inputs would fit the stand-ins to noise)",
      exitCodes.badInput,
    );
  }
  let feeds: Feeds | undefined;
  if (options.inputs?.length) {
    if (!verify)
      throw new CliError("--inputs are for verification; drop --no-verify", exitCodes.badInput);
    feeds = await readInputFeeds(await load(), options.inputs);
  }
  const progress = progressReporter(!options.json);
  let result: Awaited<ReturnType<typeof optimizeModel>>;
  try {
    result = await optimizeModel(load, {
      target,
      ...(options.budget !== undefined ? { budget: options.budget } : {}),
      ...(verify ? { evaluator: createEvaluator({ provider: options.provider ?? "cpu" }) } : {}),
      ...(feeds ? { feeds, feedsSource: options.inputs!.join(", ") } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.maxOutputError !== undefined ? { maxOutputError: options.maxOutputError } : {}),
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
  const code = exitCodeOf(report);
  if (options.json) {
    return {
      output: JSON.stringify(
        {
          ...(reportJson(report) as object),
          output: options.output ?? null,
          changed: result.changed,
        },
        null,
        2,
      ),
      code,
    };
  }
  const source = options.example ? "the built-in example model" : path!;
  const written = options.output
    ? `${result.changed ? "wrote" : "nothing to change; wrote an unchanged copy to"} ${options.output}`
    : "not written (no -o given)";
  return {
    output: `${source} for target ${target.name}\n\n${formatReport(report)}\n\n${written}`,
    code,
  };
}

/** 3 when the target still cannot run some activation within the budget or verification failed; else 0. */
function exitCodeOf(report: RewriteReport): number {
  if (report.summary.unsupported > 0) return exitCodes.budgetNotMet;
  if (report.verification && !report.verification.passed) return exitCodes.budgetNotMet;
  return exitCodes.ok;
}

/** The report as JSON: ∞ (unbounded errors) becomes null, as JSON has no infinity. */
export function reportJson(report: RewriteReport): unknown {
  return JSON.parse(
    JSON.stringify(report, (_key, value) =>
      typeof value === "number" && !Number.isFinite(value) ? null : value,
    ),
  );
}
