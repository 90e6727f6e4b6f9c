import { readFile, stat } from "node:fs/promises";
import { loadModel, type Model } from "@rectify/onnx";
import {
  builtinTarget,
  builtinTargets,
  parseTargetProfile,
  type TargetProfile,
} from "@rectify/rewrite";
import { CliError, exitCodes } from "./cli-error.js";

/** Loads an ONNX model file with a one-line error for a missing file or a file that is not a model. */
export async function loadModelFile(path: string): Promise<Model> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    throw new CliError(`model file not found: ${path}`, exitCodes.badInput);
  }
  if (!info.isFile()) throw new CliError(`not a file: ${path}`, exitCodes.badInput);
  try {
    return await loadModel(path);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CliError(`${path} is not a readable ONNX model: ${message}`, exitCodes.badInput);
  }
}

/** A built-in target by name, or a profile JSON file (anything ending in .json or containing a path separator). */
export async function loadTarget(nameOrPath: string): Promise<TargetProfile> {
  const isFile =
    nameOrPath.endsWith(".json") || nameOrPath.includes("/") || nameOrPath.includes("\\");
  if (!isFile) {
    if (builtinTargets.has(nameOrPath)) return builtinTarget(nameOrPath);
    throw new CliError(
      `unknown target "${nameOrPath}"; built-in targets: ${[...builtinTargets.keys()].join(", ")} (or pass a profile .json file)`,
      exitCodes.badInput,
    );
  }
  let text: string;
  try {
    text = await readFile(nameOrPath, "utf8");
  } catch {
    throw new CliError(`target profile not found: ${nameOrPath}`, exitCodes.badInput);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(
      `target profile ${nameOrPath} is not valid JSON: ${(error as Error).message}`,
      exitCodes.badInput,
    );
  }
  return parseTargetProfile(json, nameOrPath);
}
