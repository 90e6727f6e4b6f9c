// One registry for every temporary file rectify writes (saveModel's, the
// CLI's atomic writes and probes), so an interrupted process leaves none behind.
// Signal handlers are installed only while some temporary file exists: a
// library must not change how a process reacts to signals the rest of the time.

const exitSignals = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;
type ExitSignal = keyof typeof exitSignals;

const registered = new Set<string>();
let unlinkSync: ((path: string) => void) | undefined;
let installed = false;

function removeRegisteredSync(): void {
  for (const path of registered) {
    try {
      unlinkSync?.(path);
    } catch {
      // Already gone (renamed into place or never created): nothing to clean.
    }
  }
  registered.clear();
}

function onSignal(signal: ExitSignal): void {
  removeRegisteredSync();
  uninstall();
  // Another listener decides what the signal means for this process; alone, we exit as the default action would.
  if (process.listenerCount(signal) > 0) return;
  process.exit(128 + exitSignals[signal]);
}

const listeners = new Map<ExitSignal, () => void>(
  (Object.keys(exitSignals) as ExitSignal[]).map((signal) => [signal, () => onSignal(signal)]),
);

function install(): void {
  if (installed) return;
  installed = true;
  for (const [signal, listener] of listeners) process.on(signal, listener);
  // process.exit() elsewhere, or an uncaught exception, must not leave temporary files either.
  process.on("exit", removeRegisteredSync);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  for (const [signal, listener] of listeners) process.off(signal, listener);
  process.off("exit", removeRegisteredSync);
}

/**
 * Registers `path` as a temporary file before it is created: it is removed if
 * the process gets SIGINT, SIGTERM or SIGHUP (which then exits with 128 + the
 * signal number unless the program listens for that signal itself) and when
 * it exits (process.exit, an uncaught exception) while it is tracked. Call the
 * returned function once the file is renamed into place or deleted.
 */
export async function trackTemporaryFile(path: string): Promise<() => void> {
  if (!unlinkSync) ({ unlinkSync } = await import("node:fs"));
  registered.add(path);
  install();
  return () => {
    registered.delete(path);
    if (registered.size === 0) uninstall();
  };
}

/** Removes `path` (if it exists) and stops tracking it. */
export async function discardTemporaryFile(path: string, untrack: () => void): Promise<void> {
  const { rm } = await import("node:fs/promises");
  try {
    await rm(path, { force: true });
  } finally {
    untrack();
  }
}
