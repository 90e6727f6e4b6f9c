import { randomBytes } from "node:crypto";
import type { Stats } from "node:fs";
import { open, realpath, rm, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { fileKind, trackTemporaryFile } from "@rectify/onnx";
import { CliError } from "./cli-error.js";

/** A file a command will write, and the option that named it (for messages). */
export interface PlannedOutput {
  /** `-o`, `--report`, or `-o (external data)`. */
  readonly option: string;
  readonly path: string;
  /** Inputs (as given in `inputs`) this output may replace: the model, for `-o` with --overwrite-input. */
  readonly mayReplace?: readonly string[];
}

interface Identity {
  /** Real path of the file (of its folder, plus its name, when it does not exist yet). */
  readonly real: string;
  readonly stats: Stats | undefined;
}

async function identify(path: string): Promise<Identity | undefined> {
  const absolute = resolve(path);
  try {
    const stats = await stat(absolute);
    return { real: await realpath(absolute), stats };
  } catch {
    try {
      return {
        real: join(await realpath(dirname(absolute)), basename(absolute)),
        stats: undefined,
      };
    } catch {
      return undefined;
    }
  }
}

function sameFile(a: Identity, b: Identity): boolean {
  if (a.real === b.real) return true;
  // Hard links: two names, one file.
  return Boolean(a.stats && b.stats && a.stats.dev === b.stats.dev && a.stats.ino === b.stats.ino);
}

/**
 * Checks every output before any is written: its folder exists and really
 * accepts a new file (probed, since root ignores permission bits), it is not a
 * device, FIFO, socket or folder, it is none of `inputs` (by real path and by
 * device + inode, so symbolic and hard links are caught), and no two outputs
 * are the same file. Throws CliError OUTPUT_INVALID naming the option and path.
 */
export async function checkOutputs(
  outputs: readonly PlannedOutput[],
  inputs: readonly string[],
): Promise<void> {
  const inputIdentities: { path: string; identity: Identity }[] = [];
  for (const path of inputs) {
    const identity = await identify(path);
    if (identity?.stats) inputIdentities.push({ path, identity });
  }
  const seen: { output: PlannedOutput; identity: Identity }[] = [];
  const probed = new Set<string>();
  for (const output of outputs) {
    const fail = (problem: string) =>
      new CliError("OUTPUT_INVALID", `${output.option} ${output.path}: ${problem}`);
    const folder = dirname(resolve(output.path));
    const folderStats = await stat(folder).catch(() => undefined);
    if (!folderStats) throw fail(`the folder ${folder} does not exist; create it first`);
    if (!folderStats.isDirectory()) throw fail(`${folder} is not a folder`);
    const identity = await identify(output.path);
    if (!identity) throw fail(`the folder ${folder} cannot be resolved`);
    if (identity.stats && !identity.stats.isFile())
      throw fail(`it is ${fileKind(identity.stats)}; outputs are written to regular files only`);
    for (const input of inputIdentities) {
      if (sameFile(identity, input.identity) && !output.mayReplace?.includes(input.path)) {
        throw fail(
          `that is the input ${input.path}; rectify never writes over its inputs (choose another path${output.option === "-o" ? ", or pass --overwrite-input" : ""})`,
        );
      }
    }
    for (const earlier of seen) {
      if (sameFile(identity, earlier.identity))
        throw fail(
          `that is the same file as ${earlier.output.option} ${earlier.output.path}; give each output its own path`,
        );
    }
    seen.push({ output, identity });
    // Temporary files are created beside the path given, not beside a symbolic link's target.
    const realFolder = await realpath(folder);
    if (!probed.has(realFolder)) {
      await probeWritable(realFolder, fail);
      probed.add(realFolder);
    }
  }
}

/** Creates and removes a file in `folder`: the only test of writability that holds for root, read-only mounts and ACLs alike. */
async function probeWritable(folder: string, fail: (problem: string) => CliError): Promise<void> {
  const probe = join(folder, `.rectify-probe-${randomBytes(6).toString("hex")}`);
  const untrack = await trackTemporaryFile(probe);
  try {
    const handle = await open(probe, "wx");
    await handle.close();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    throw fail(`the folder ${folder} is not writable (${code || (error as Error).message})`);
  } finally {
    await rm(probe, { force: true });
    untrack();
  }
}
