// onnxruntime-web writes its native log to the console through functions it
// binds when its WebAssembly module starts (console.log/error.bind(console)),
// so a wrapper installed later never sees a line. The runtime therefore routes
// the console once, before a build starts (browsers only, when placement is to
// be read): lines pass through untouched, except onnxruntime's verbose and
// info lines, which exist only because the runtime asked for them — they go to
// the capture of the session being created, or nowhere. Warnings and errors
// always reach the page's console. Creations that capture are serialised:
// interleaved logs could not be told apart.

const methods = ["log", "info", "warn", "error", "debug"] as const;
const quiet = /\[[VI]:onnxruntime/;
let active: string[] | undefined;
let routed = false;
let queue: Promise<unknown> = Promise.resolve();

/** Routes the console (once): call before an onnxruntime-web build starts. */
export function routeOrtLog(): void {
  if (routed) return;
  routed = true;
  const console = globalThis.console as unknown as Record<string, (...args: unknown[]) => void>;
  for (const method of methods) {
    const original = console[method]!;
    console[method] = (...args: unknown[]) => {
      const text = args.map(String).join(" ");
      if (!text.includes("onnxruntime")) return original.apply(globalThis.console, args);
      active?.push(text);
      if (!quiet.test(text)) original.apply(globalThis.console, args);
    };
  }
}

/** Runs `body` while collecting onnxruntime's console lines; returns its result and the lines. */
export function withOrtLogCapture<T>(
  body: () => Promise<T>,
): Promise<{ value: T; lines: string[] }> {
  const run = async () => {
    const lines: string[] = [];
    active = lines;
    try {
      return { value: await body(), lines };
    } finally {
      active = undefined;
    }
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}
