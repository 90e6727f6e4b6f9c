import { randomBytes } from "node:crypto";
import { rename, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fileKind, trackTemporaryFile } from "@rectify/onnx";
import { CliError } from "./cli-error.js";

/**
 * Writes a file atomically: a temporary file beside it (registered with
 * @rectify/onnx's temporary-file registry, so SIGINT/SIGTERM/SIGHUP remove
 * it too), renamed into place once complete. Never replaces a special file.
 */
export async function writeFileAtomic(path: string, contents: string | Uint8Array): Promise<void> {
  const existing = await stat(path).catch(() => undefined);
  if (existing && !existing.isFile())
    throw new CliError("OUTPUT_INVALID", `${path} is ${fileKind(existing)}; choose a regular file`);
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const untrack = await trackTemporaryFile(temporary);
  try {
    // "wx": never follow or reuse whatever already sits at the temporary name.
    await writeFile(temporary, contents, { flag: "wx" });
    await rename(temporary, path);
  } catch (error) {
    const { rm } = await import("node:fs/promises");
    await rm(temporary, { force: true });
    throw error;
  } finally {
    untrack();
  }
}
