// Commands a user of the installed packages runs in the temporary project.
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { type RunResult, run } from "./run.js";

export interface RectifyOptions {
  /** Resolve with the result instead of throwing when the exit code is not 0. */
  readonly allowFailure?: boolean;
  /** The folder it runs in (default: the project). */
  readonly cwd?: string;
}

/** Runs the installed `node_modules/.bin/rectify args…` of `project` (in the project, or `cwd`). */
export function rectify(
  project: string,
  args: readonly string[],
  options: RectifyOptions = {},
): Promise<RunResult> {
  return runRectify(join(project, "node_modules", ".bin", "rectify"), args, {
    cwd: project,
    ...options,
  });
}

/** Runs the `rectify` that `npm install -g` put in `prefix` (prefix/bin/rectify) in `cwd`. */
export function globalRectify(
  prefix: string,
  args: readonly string[],
  options: RectifyOptions & { readonly cwd: string },
): Promise<RunResult> {
  return runRectify(join(prefix, "bin", "rectify"), args, options);
}

function runRectify(
  executable: string,
  args: readonly string[],
  options: RectifyOptions & { readonly cwd: string },
): Promise<RunResult> {
  return run(executable, args, {
    cwd: options.cwd,
    timeoutMs: 120_000,
    allowFailure: options.allowFailure,
  });
}

/** Whether `name` is installed in the project's node_modules. */
export function installed(project: string, name: string): boolean {
  return existsSync(join(project, "node_modules", name, "package.json"));
}

/**
 * Imports `specifier` with plain Node from the project, as an ESM user does,
 * and prints the number of its exports; fails when it has none.
 */
export async function importWithNode(project: string, specifier: string): Promise<number> {
  const script = `const m = await import(${JSON.stringify(specifier)});
const names = Object.keys(m);
if (names.length === 0) throw new Error(${JSON.stringify(`${specifier} exports nothing`)});
console.log(names.length);`;
  const result = await run(process.execPath, ["--input-type=module", "-e", script], {
    cwd: project,
    timeoutMs: 60_000,
  });
  return Number(result.stdout.trim());
}

/**
 * Whether Node's ESM resolution finds `name` from `folder`, as an `import()`
 * in a package there does (e.g. @rectify/runtime importing onnxruntime-node).
 */
export async function resolvesFrom(folder: string, name: string): Promise<boolean> {
  const script = `try { import.meta.resolve(${JSON.stringify(name)}); console.log("found"); } catch { console.log("missing"); }`;
  const result = await run(process.execPath, ["--input-type=module", "-e", script], {
    cwd: folder,
    timeoutMs: 60_000,
  });
  return result.stdout.trim() === "found";
}

/** Every file and folder under `folder` but node_modules (relative paths, sorted): to show a command wrote nothing. */
export async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true });
  return entries.filter((entry) => !entry.startsWith("node_modules")).sort();
}
