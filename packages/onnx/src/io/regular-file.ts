import type { Stats } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { fileKind } from "./file-kind.js";

/** Why a path could not be opened as a regular file: `reason` is a phrase for a message. */
export class NotRegularFile extends Error {
  override readonly name = "NotRegularFile";
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}

/**
 * Opens `path` for reading only when it is a regular file. The type is checked
 * before opening (opening a FIFO blocks until a writer appears, so a FIFO is
 * never opened) and again on the open handle, so a file swapped in between is
 * caught. O_NONBLOCK makes even that race unable to hang. Throws NotRegularFile.
 */
export async function openRegularFile(path: string): Promise<{ handle: FileHandle; size: number }> {
  const { constants } = await import("node:fs");
  const { open, stat } = await import("node:fs/promises");
  let before: Stats;
  try {
    before = await stat(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new NotRegularFile(code === "ENOENT" ? "it does not exist" : (cause as Error).message, {
      cause,
    });
  }
  if (!before.isFile()) throw new NotRegularFile(`it is ${fileKind(before)}, not a regular file`);
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (cause) {
    throw new NotRegularFile((cause as Error).message, { cause });
  }
  const after = await handle.stat();
  if (!after.isFile() || after.ino !== before.ino || after.dev !== before.dev) {
    await handle.close();
    throw new NotRegularFile("it was replaced while being opened");
  }
  return { handle, size: after.size };
}
