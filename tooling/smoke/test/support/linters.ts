// publint and Are The Types Wrong on the packed tarballs: the workspace's
// own copies when the root has them as devDependencies, else the pinned
// versions through npx.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type RunResult, run } from "./run.js";
import { repositoryRoot } from "./workspace.js";

const pinned = { publint: "publint@0.3.25", attw: "@arethetypeswrong/cli@0.18.5" } as const;

function command(tool: keyof typeof pinned, args: readonly string[]): [string, string[]] {
  const local = join(repositoryRoot, "node_modules", ".bin", tool);
  return existsSync(local) ? [local, [...args]] : ["npx", ["--yes", pinned[tool], ...args]];
}

const quiet = { NO_COLOR: "1", FORCE_COLOR: "0" };

/** `publint --strict <tarball>`: warnings count as errors. */
export function publint(tarball: string, cwd: string): Promise<RunResult> {
  const [file, args] = command("publint", ["--strict", tarball]);
  return run(file, args, { cwd, env: quiet, timeoutMs: 120_000 });
}

/**
 * `attw <tarball> --profile esm-only` (the tarball pnpm packed, which is what
 * `attw --pack` would make, with workspace ranges rewritten).
 */
export function arethetypeswrong(tarball: string, cwd: string): Promise<RunResult> {
  const [file, args] = command("attw", [tarball, "--profile", "esm-only", "--format", "ascii"]);
  return run(file, args, { cwd, env: quiet, timeoutMs: 120_000 });
}
