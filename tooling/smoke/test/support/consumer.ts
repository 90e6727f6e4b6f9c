// Commands a user of the installed packages runs in the temporary project.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type RunResult, run } from "./run.js";

/** Runs the installed `node_modules/.bin/rectify args…` in `project`. */
export function rectify(
  project: string,
  args: readonly string[],
  options: { allowFailure?: boolean } = {},
): Promise<RunResult> {
  return run(join(project, "node_modules", ".bin", "rectify"), args, {
    cwd: project,
    timeoutMs: 120_000,
    ...options,
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
