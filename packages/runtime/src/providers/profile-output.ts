// onnxruntime-web's Node build has no file to write its profile to: its
// WebAssembly module prints it, line by line, through emscripten's `out`,
// which is `fs.writeSync(1, line + "\n")` on Node's fs module (the object
// `import fs from "node:fs"` gives too). It does so at endProfiling, and at
// release when a profile was never ended (a failed run). So, Node only: while
// such a call runs, fs.writeSync is routed and the trace's lines ("[", "]",
// and '{"cat" : …' events) are kept; every other write passes through, so
// nothing but the trace is taken from the terminal. Captures are serialised:
// two profiles' lines could not be told apart.
import fs from "node:fs";

type WriteSync = (fd: number, ...rest: unknown[]) => number;

const traceLine = /^(?:\[|\]|\{"cat")/;
let active: string[] | undefined;
let queue: Promise<unknown> = Promise.resolve();

/** Runs `body` while keeping the profile lines onnxruntime-web prints to stdout; returns its result and those lines. */
export function captureProfileOutput<T>(
  body: () => T | Promise<T>,
): Promise<{ value: T; text: string }> {
  const run = async () => {
    const target = fs as unknown as { writeSync: WriteSync };
    const original = target.writeSync;
    const lines: string[] = [];
    // The hook reads `active`, not its own closure: should someone wrap fs.writeSync meanwhile,
    // the hook stays in their chain but passes everything through once this capture is over.
    const hook: WriteSync = function (this: unknown, fd, ...rest) {
      const data = rest[0];
      if (active && fd === 1 && typeof data === "string" && traceLine.test(data)) {
        active.push(data);
        return Buffer.byteLength(data);
      }
      return original.call(this, fd, ...rest);
    };
    active = lines;
    target.writeSync = hook;
    try {
      return { value: await body(), text: lines.join("") };
    } finally {
      active = undefined;
      if (target.writeSync === hook) target.writeSync = original;
    }
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}
