import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchReport } from "../../src/report/schema.js";

/** The built CLI (pnpm build first; turbo builds before tests). */
export const cliPath = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "dist",
  "cli",
  "main.js",
);

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/** Runs the bench CLI as a user would, in `cwd`. */
export function runCli(args: readonly string[], cwd: string): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({
        code,
        stdout,
        stderr,
        seconds: Math.round((performance.now() - started) / 100) / 10,
      }),
    );
  });
}

/** What runStudyCli ran and wrote. */
export interface StudyRun {
  readonly result: CliResult;
  /** The JSON report, when the run exited 0. */
  readonly report: BenchReport | undefined;
  readonly jsonPath: string;
  readonly htmlPath: string;
}

/** A `--study-only --quick` run (no kernels, no sweep) in a new temporary folder, with its JSON and HTML reports. */
export async function runStudyCli(selection: {
  readonly models: string;
  readonly targets: string;
  readonly providers: string;
}): Promise<StudyRun> {
  const work = mkdtempSync(join(tmpdir(), "rectify-bench-study-"));
  const jsonPath = join(work, "study.json");
  const htmlPath = join(work, "study.html");
  const result = await runCli(
    [
      "--study-only",
      "--models",
      selection.models,
      "--targets",
      selection.targets,
      "--providers",
      selection.providers,
      "--no-kernels",
      "--sweep",
      "",
      "--quick",
      "--json",
      jsonPath,
      "--html",
      htmlPath,
    ],
    work,
  );
  const report =
    result.code === 0 ? (JSON.parse(readFileSync(jsonPath, "utf8")) as BenchReport) : undefined;
  return { result, report, jsonPath, htmlPath };
}
