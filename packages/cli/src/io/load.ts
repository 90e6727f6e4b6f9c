import { readFile, stat } from "node:fs/promises";
import { isOnnxError, loadModel, type Model, OnnxError, validateModel } from "@rectify/onnx";
import {
  builtinTarget,
  builtinTargets,
  parseTargetProfile,
  type TargetProfile,
} from "@rectify/rewrite";
import { CliError } from "./cli-error.js";

/** Loads an ONNX model file (external data included, checked by @rectify/onnx) with one-line errors; `validate` also refuses structurally invalid models. */
export async function loadModelFile(
  path: string,
  options: { validate?: boolean } = {},
): Promise<Model> {
  try {
    await stat(path);
  } catch {
    throw new CliError("FILE_NOT_FOUND", `model file not found: ${path}`);
  }
  let model: Model;
  try {
    model = await loadModel(path);
  } catch (error) {
    if (isOnnxError(error) && (error.code === "IO_READ" || error.code === "EXTERNAL_DATA"))
      throw error;
    if (isOnnxError(error)) {
      throw new OnnxError(
        error.code,
        `${path} is not a readable ONNX model: ${error.message}`,
        { ...error.location, file: path },
        { cause: error },
      );
    }
    throw error;
  }
  if (options.validate) assertValid(model, path);
  return model;
}

/** Throws VALIDATION_FAILED naming the first problem (its kind, graph and node) and how many there are. */
function assertValid(model: Model, path: string): void {
  const issues = validateModel(model);
  const first = issues[0];
  if (!first) return;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problems)` : "";
  throw new OnnxError(
    "VALIDATION_FAILED",
    `${path} is not a valid ONNX model: [${first.code}] in ${first.graph}: ${first.message}${more}; fix or re-export the model (onnx.checker.check_model names every problem)`,
    {
      file: path,
      ...(first.node ? { node: first.node } : {}),
      ...(first.value ? { value: first.value } : {}),
    },
  );
}

/** A built-in target by name, or a profile JSON file (anything ending in .json or containing a path separator). */
export async function loadTarget(nameOrPath: string): Promise<TargetProfile> {
  if (!isProfilePath(nameOrPath)) {
    if (builtinTargets.has(nameOrPath)) return builtinTarget(nameOrPath);
    throw new CliError(
      "TARGET_UNKNOWN",
      `unknown target "${nameOrPath}"; built-in targets: ${[...builtinTargets.keys()].join(", ")} (or pass a profile .json file)`,
    );
  }
  let text: string;
  try {
    const info = await stat(nameOrPath);
    // A FIFO or device would block or never end: profiles are regular files.
    if (!info.isFile())
      throw new CliError("PROFILE_INVALID", `target profile ${nameOrPath} is not a regular file`);
    text = await readFile(nameOrPath, "utf8");
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError("FILE_NOT_FOUND", `target profile not found: ${nameOrPath}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(
      "PROFILE_INVALID",
      `target profile ${nameOrPath} is not valid JSON: ${(error as Error).message}`,
    );
  }
  if (Array.isArray(json)) {
    throw new CliError(
      "PROFILE_INVALID",
      `target profile ${nameOrPath} holds a list of ${json.length} profiles (the output of rectify targets --json); a profile file holds one: write it with rectify targets --json NAME > ${nameOrPath}`,
    );
  }
  return parseTargetProfile(json, nameOrPath);
}

/** True when --target names a profile file rather than a built-in target. */
export function isProfilePath(nameOrPath: string): boolean {
  return nameOrPath.endsWith(".json") || nameOrPath.includes("/") || nameOrPath.includes("\\");
}
