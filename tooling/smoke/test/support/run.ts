// Runs a command of the smoke test and, when it fails, says exactly what ran
// and what it printed: the command line, the folder, the exit code and the
// last lines of stdout and stderr.
import { spawn } from "node:child_process";

export interface RunOptions {
  readonly cwd: string;
  /** Added to (or, with undefined values, removed from) the environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Resolve with the result instead of throwing when the exit code is not 0. */
  readonly allowFailure?: boolean;
  readonly timeoutMs?: number;
}

export interface RunResult {
  readonly commandLine: string;
  readonly cwd: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly milliseconds: number;
}

/** A command that exited with a non-zero code (or was killed); the message carries its output's tail. */
export class CommandError extends Error {
  constructor(readonly result: RunResult) {
    super(describeFailure(result));
    this.name = "CommandError";
  }
}

const tailLines = 40;

function tail(text: string): string {
  const lines = text.trimEnd().split("\n");
  const shown = lines.slice(-tailLines).join("\n");
  return lines.length > tailLines
    ? `… (${lines.length - tailLines} lines before)\n${shown}`
    : shown;
}

function quote(argument: string): string {
  return /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replaceAll("'", `'\\''`)}'`;
}

/** The failure report: command, folder, exit code, stdout and stderr tails. */
export function describeFailure(result: RunResult): string {
  const exit = result.signal ? `killed by ${result.signal}` : `exit code ${result.code}`;
  return [
    `command failed (${exit}, ${(result.milliseconds / 1000).toFixed(1)} s): ${result.commandLine}`,
    `  in ${result.cwd}`,
    `--- stdout (tail) ---`,
    tail(result.stdout) || "(empty)",
    `--- stderr (tail) ---`,
    tail(result.stderr) || "(empty)",
  ].join("\n");
}

/**
 * The environment of a child command: the test's own, without the npm_* and
 * pnpm settings the workspace's `pnpm test` put there (they would change how
 * npm in the temporary project behaves), plus `env`.
 */
export function childEnvironment(
  env: Readonly<Record<string, string | undefined>> = {},
): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env))
    if (!/^(npm_|pnpm_|PNPM_)/i.test(name) && name !== "NODE_OPTIONS") result[name] = value;
  for (const [name, value] of Object.entries(env))
    if (value === undefined) delete result[name];
    else result[name] = value;
  return result;
}

/** Runs `command args…` in `cwd`; throws a CommandError unless it exits with 0 (or allowFailure). */
export function run(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<RunResult> {
  const commandLine = [command, ...args].map(quote).join(" ");
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: childEnvironment(options.env),
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
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${commandLine} in ${options.cwd}: ${error.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const result: RunResult = {
        commandLine,
        cwd: options.cwd,
        code,
        signal,
        stdout,
        stderr,
        milliseconds: performance.now() - started,
      };
      if (code === 0 || options.allowFailure) resolve(result);
      else reject(new CommandError(result));
    });
  });
}
