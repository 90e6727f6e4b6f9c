import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The built CLI (run `pnpm build` first): tests run what users run. */
export const binPath = fileURLToPath(new URL("../../dist/bin.js", import.meta.url));

/** How a spawned CLI ended and what it printed. */
export interface BinResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Spawns `node dist/bin.js …argv` in `cwd`; `onStart` gets the child (to signal it).
 * With `executable`, spawns that file instead (an installed `node_modules/.bin/rectify`, run by its `#!` line as a shell would).
 */
export function runBin(
  argv: readonly string[],
  options: { cwd?: string; executable?: string; onStart?: (child: ChildProcess) => void } = {},
): Promise<BinResult> {
  return new Promise((resolve, reject) => {
    const [file, args] = options.executable
      ? [options.executable, [...argv]]
      : [process.execPath, [binPath, ...argv]];
    const child = spawn(file, args, {
      cwd: options.cwd ?? process.cwd(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    options.onStart?.(child);
  });
}
