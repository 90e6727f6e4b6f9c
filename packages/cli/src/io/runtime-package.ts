import { statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { providerNamed } from "@rectify/runtime";
import { CliError, exitCodes } from "./cli-error.js";
import { cliManifest } from "./version.js";

/** The onnxruntime package each built-in @rectify/runtime provider imports in Node. */
const providerPackages: Readonly<Record<string, string>> = {
  cpu: "onnxruntime-node",
  webgpu: "onnxruntime-node",
  wasm: "onnxruntime-web",
};

/** The providers a RUNTIME_MISSING message may suggest instead, when their package is installed. */
const alternatives = ["cpu", "wasm"] as const;

/**
 * Fails with RUNTIME_MISSING, before a model is read or anything written,
 * when the onnxruntime package `provider` needs is not installed. onnxruntime is an
 * optional peer of @rectify/cli (most of it works without), so this is the
 * place that says what to install; the message names the exact command.
 * `command` decides the wording: optimize can skip verification, verify cannot.
 */
export function assertRuntimeInstalled(provider: string, command: "optimize" | "verify"): void {
  // An unknown provider is bad input (PROVIDER_UNKNOWN), whatever is installed.
  const name = providerNamed(provider).name;
  const needed = providerPackages[name];
  // A provider registered by someone else reports its own failures.
  if (!needed || isInstalled(needed)) return;
  const spec = packageSpec(needed);
  const other = alternatives.find(
    (candidate) =>
      providerPackages[candidate] !== needed && isInstalled(providerPackages[candidate]!),
  );
  const install = `Install it next to rectify: npm install -g ${spec} (or in a project: npm install -D ${spec})`;
  const message =
    command === "optimize"
      ? `verification runs the models on ${needed}, which is not installed. ${install}${other ? `, or pass --provider ${other} to verify on ${providerPackages[other]}, which is installed` : ""}, or pass --no-verify to skip verification.`
      : `rectify verify runs the models on ${needed}, which is not installed. ${install}${other ? `, or pass --provider ${other} to run them on ${providerPackages[other]}, which is installed` : ""}.`;
  throw new CliError("RUNTIME_MISSING", message, exitCodes.runtimeFailure);
}

/** `name@range` with the range @rectify/cli declares for its peer (just `name` if it declares none). */
function packageSpec(name: string): string {
  const range = cliManifest()?.peerDependencies?.[name];
  return range ? `${name}@${range}` : name;
}

/**
 * Whether `name` can be imported by @rectify/runtime (which imports it):
 * Node's ESM resolution takes the first `node_modules/<name>` folder in the
 * runtime's folder or an ancestor (NODE_PATH and global folders do not
 * count), so a global `npm install -g <name>` is found by a global rectify.
 * Only the folder is looked for: loading onnxruntime here would cost the
 * time verification spends anyway, and a broken install is reported when it
 * runs (PACKAGE_MISSING with the loader's message).
 */
function isInstalled(name: string): boolean {
  let folder = runtimeFolder();
  for (;;) {
    if (isDirectory(join(folder, "node_modules", name))) return true;
    const parent = dirname(folder);
    if (parent === folder) return false;
    folder = parent;
  }
}

/** The real folder of the @rectify/runtime this CLI imports (resolved as Node does: symbolic links followed). */
function runtimeFolder(): string {
  return dirname(createRequire(import.meta.url).resolve("@rectify/runtime/package.json"));
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
