import { defaultTolerance, tinyNormRms } from "@rectify/rewrite";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { approximationsCommand } from "./commands/approximations.js";
import { inspectCommand } from "./commands/inspect.js";
import { optimizeCommand } from "./commands/optimize.js";
import { targetsCommand } from "./commands/targets.js";
import { verifyCommand } from "./commands/verify.js";
import { describeFailure, exitCodes, type Failure } from "./io/cli-error.js";
import { collectDim, collectInputShape, inputSizeHelp } from "./io/input-sizes.js";
import { cliVersion } from "./io/version.js";

/** Where a command's text goes; tests pass their own. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
};

function nonNegativeNumber(value: string): number {
  const number = Number(value);
  if (value.trim() === "" || !Number.isFinite(number) || number < 0)
    throw new InvalidArgumentError(`expected a number ≥ 0, got "${value}"`);
  return number;
}

function integer(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number))
    throw new InvalidArgumentError(`expected an integer, got "${value}"`);
  return number;
}

const exitCodeHelp = `
Exit codes: 0 ok · 1 internal error (a bug, or a write failing after the checks, e.g. a full disk) · 2 bad input (usage, missing file, not an ONNX model or an invalid one, unknown target, malformed profile or inputs, an output path that cannot or must not be written) · 3 budget or tolerance not met, or ops the target cannot run remain (the output is still written) · 4 onnxruntime is not installed (RUNTIME_MISSING: the message says what to install; optimize --no-verify needs none), failed to load or failed to run a model.
Errors: one line on stderr, "rectify: <CODE>: <message>"; with --json, one JSON object on stderr instead: {"error": {"code", "message", "exitCode"}}.`;

/** Runs the rectify CLI on `argv` (without the node and script entries); resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let code: number = exitCodes.ok;
  let debug = argv.includes("--debug");
  const program = new Command("rectify")
    .description(
      "Make ONNX models run on devices weaker than the ones they were trained for: find activations, substitute the cheapest approximation a target runs within an error budget, verify on onnxruntime.",
    )
    .version(cliVersion(), "-V, --version", "print the version of @rectify/cli")
    .option("--debug", "print stack traces of failures")
    .addHelpText("after", exitCodeHelp)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text.trimEnd()),
      writeErr: (text) => io.stderr(text.trimEnd()),
      // Usage errors are reported like every other failure (see report below).
      outputError: () => {},
    });
  const finish = (result: { output: string; code: number }) => {
    io.stdout(result.output);
    code = result.code;
  };

  program
    .command("inspect")
    .description(
      "op histogram, activation sites (kind, nodes, location) and what each target would change",
    )
    .argument("<model>", "an .onnx file")
    .option("-t, --target <name|profile.json...>", "only these targets (default: every built-in)")
    .option(
      "-b, --budget <max-abs-error>",
      "max |error| per substituted activation",
      nonNegativeNumber,
    )
    .option("--sites", "list every site and what each target does with it (default: a summary)")
    .option("--dim <name=size>", inputSizeHelp.dim, collectDim)
    .option("--input-shape <input=dims>", inputSizeHelp.inputShape, collectInputShape)
    .option("--json", "machine-readable output (the same facts)")
    .addHelpText(
      "after",
      "\nExamples:\n  rectify inspect model.onnx\n  rectify inspect model.onnx --target algebraic --json",
    )
    .action(async (model: string, options) => finish(await inspectCommand(model, options)));

  program
    .command("optimize")
    .description(
      "substitute activations for a target within an error budget, verify on onnxruntime (@rectify/runtime), write the result atomically",
    )
    .argument("[model]", "an .onnx file (or --example)")
    .requiredOption(
      "-t, --target <name|profile.json>",
      "a built-in target (rectify targets) or a profile JSON file",
    )
    .option(
      "-o, --output <file>",
      "where to write the rewritten model (never over the input unless --overwrite-input)",
    )
    .option(
      "-b, --budget <max-abs-error>",
      "max |error| per substituted activation (default 0.001)",
      nonNegativeNumber,
    )
    .option(
      "--max-output-error <max-abs-error>",
      "every model output within this of the original: sites are rolled back to meet it, and may go past --budget where it holds",
      nonNegativeNumber,
    )
    .option(
      "--min-cosine <similarity>",
      "every output's cosine similarity with the original's at least this (rolled back to meet it; may go past --budget where it holds)",
      nonNegativeNumber,
    )
    .option(
      "--min-top1-agreement <fraction>",
      "the argmax of every classifier output agrees with the original's on at least this fraction of rows (1 = all; rolled back to meet it; may go past --budget where it holds)",
      nonNegativeNumber,
    )
    .option(
      "--no-search",
      "with output limits: keep every site within --budget (default: sites may go past it where the measured outputs tolerate it)",
    )
    .option(
      "-i, --inputs <files...>",
      "verification inputs: .npy / .pb TensorProto / .json files, or a test_data_set directory (default: seeded random); with output limits the last quarter of their rows is held out to check the result",
    )
    .option(
      "--held-out <files...>",
      "inputs to check the result on that the search never sees (default: the last quarter of --inputs' rows, or random inputs of another seed)",
    )
    .option(
      "--measure",
      "time the original and the rewrite on the target's engine and keep only what runs faster (default for ort-cpu and ort-wasm)",
    )
    .option("--no-measure", "trust the target profile's costs: do not time anything")
    .option("--seed <n>", "seed of the random verification inputs", integer)
    .option(
      "--provider <cpu|wasm>",
      "where verification runs (a @rectify/runtime provider; default: the target's own where it runs here — wasm for ort-wasm, else cpu)",
    )
    .option("--dim <name=size>", inputSizeHelp.dim, collectDim)
    .option("--input-shape <input=dims>", inputSizeHelp.inputShape, collectInputShape)
    .option(
      "--fit",
      "refit stand-in parameters to the inputs each site sees when the model runs on --inputs",
    )
    .option("--no-verify", "do not run the models (no onnxruntime needed)")
    .option("-r, --report <file>", "also write the report as JSON")
    .option(
      "--example",
      "rewrite the built-in example model (an MLP with GELU, SiLU, Softplus, Mish, ELU, LeakyReLU, Softmax)",
    )
    .option("--overwrite-input", "allow -o to name the input file")
    .option("--json", "print the report as JSON")
    .addHelpText(
      "after",
      "\nExamples:\n  rectify optimize model.onnx --target algebraic -o model.algebraic.onnx\n  rectify optimize model.onnx --target ort-wasm --budget 0.01 --max-output-error 0.05 -o out.onnx --report report.json\n  rectify optimize --example --target piecewise-linear --budget 0.2\n  rectify optimize model.onnx --target algebraic --inputs calibration.npy --fit -o out.onnx\n  rectify optimize classifier.onnx --target ort-cpu --inputs calibration.npy --min-top1-agreement 1 -o out.onnx\n  rectify optimize audio.onnx --target algebraic --dim time=16000 -o out.onnx\n\nExit 3: something still cannot run on the target (listed) or verification missed its limit; the output is still written, with every substitution that fits.\nCost (in the report): the target profile's relative cost of a site's ops, in units of one elementwise Add over the same tensor; — where the target cannot run it.\nMeasured planning (ort-cpu and ort-wasm, on by default): each substituted site is timed in onnxruntime's own optimized graph (its profiler) and put back when it runs slower; the rewrite is written only when the whole model is measurably faster (95% interval above 1×), else the original is.",
    )
    .action(async (model: string | undefined, options) =>
      finish(await optimizeCommand(model, options)),
    );

  program
    .command("verify")
    .description(
      "run two models on the same inputs and compare every output (max abs/rel error, cosine, top-1 agreement)",
    )
    .argument("<a>", "the reference model")
    .argument("<b>", "the model to check")
    .option(
      "--atol <absolute>",
      `absolute tolerance: passes when every |b − a| ≤ atol + rtol·|a| (default ${defaultTolerance.absolute})`,
      nonNegativeNumber,
    )
    .option(
      "--rtol <relative>",
      `relative tolerance (default ${defaultTolerance.relative})`,
      nonNegativeNumber,
    )
    .option(
      "-i, --inputs <files...>",
      "inputs: .npy / .pb / .json files or a test_data_set directory (default: seeded random)",
    )
    .option(
      "--max-output-error <max-abs-error>",
      "instead of the tolerance: exit 3 when any output differs by more than this (absolute)",
      nonNegativeNumber,
    )
    .option("--seed <n>", "seed of the random inputs", integer)
    .option("--provider <cpu|wasm>", "where both models run (a @rectify/runtime provider)", "cpu")
    .option("--dim <name=size>", inputSizeHelp.dim, collectDim)
    .option("--input-shape <input=dims>", inputSizeHelp.inputShape, collectInputShape)
    .option("--json", "machine-readable output")
    .addHelpText(
      "after",
      `\nPasses (exit 0) when no element is NaN/Inf in one model but not the other and every element is within the tolerance |b − a| ≤ atol + rtol·|a| (default atol ${defaultTolerance.absolute}, rtol ${defaultTolerance.relative}: rectify's default per-activation budget, far above float32 rounding); fails with exit 3 otherwise.
Top-1 agreement is shown only for classifier-shaped outputs ([C], [N, C], [N, 1, …, 1, C] with C ≥ 2); cosine is marked "tiny norm" when both outputs have RMS below ${tinyNormRms.toExponential()} (there it measures noise).

Examples:
  rectify verify model.onnx model.algebraic.onnx
  rectify verify a.onnx b.onnx --inputs x.npy --atol 1e-5 --rtol 1e-4
  rectify verify a.onnx b.onnx --max-output-error 1e-3`,
    )
    .action(async (a: string, b: string, options) => finish(await verifyCommand(a, b, options)));

  program
    .command("targets")
    .description("the built-in target profiles and the ops each runs")
    .argument(
      "[name]",
      "only this target; with --json, its profile alone (a file --target accepts)",
    )
    .option("--json", "the profiles as JSON (one profile when a name is given)")
    .addHelpText(
      "after",
      "\nExamples:\n  rectify targets\n  rectify targets --json ort-wasm > my-device.json   # edit, then pass --target my-device.json",
    )
    .action((name: string | undefined, options) => finish(targetsCommand(name, options)));

  program
    .command("approximations")
    .description("the approximation catalog with measured errors")
    .argument("[activation]", "only approximations of this activation (e.g. gelu)")
    .option("--json", "machine-readable output")
    .addHelpText(
      "after",
      "\nExamples:\n  rectify approximations\n  rectify approximations softplus --json",
    )
    .action((activation: string | undefined, options) =>
      finish(approximationsCommand(activation, options)),
    );

  const json = argv.includes("--json");
  const report = (failure: Failure) => {
    io.stderr(
      json
        ? JSON.stringify({
            error: { code: failure.code, message: failure.message, exitCode: failure.exitCode },
          })
        : `rectify: ${failure.code}: ${failure.message}`,
    );
    return failure.exitCode;
  };
  try {
    await program.parseAsync([...argv], { from: "user" });
    debug = Boolean(program.opts().debug) || debug;
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version exit 0; help shown for a missing command is printed already.
      if (error.exitCode === 0) return exitCodes.ok;
      if (error.code === "commander.help" || error.code === "commander.helpDisplayed")
        return exitCodes.badInput;
      return report({
        exitCode: exitCodes.badInput,
        code: "USAGE",
        message: `${error.message.replace(/^error: /, "")} (run rectify --help for usage)`,
      });
    }
    const failure = describeFailure(error);
    const exitCode = report(failure);
    if (debug && error instanceof Error && error.stack) io.stderr(error.stack);
    return exitCode;
  }
}
