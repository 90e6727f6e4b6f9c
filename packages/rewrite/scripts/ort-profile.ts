// Reading onnxruntime's profiler output in Node, shared by the measuring and probing scripts.
import fs from "node:fs";

/** An event of onnxruntime's Chrome-trace profile (durations in µs). */
export interface ProfileEvent {
  readonly cat: string;
  readonly name: string;
  readonly dur: number;
  readonly args?: Readonly<Record<string, unknown>>;
}

/** The events of a profile as onnxruntime-node writes it to a file or onnxruntime-web prints it. */
export function profileEvents(text: string): ProfileEvent[] {
  return JSON.parse(text.slice(text.indexOf("["), text.lastIndexOf("]") + 1) || "[]");
}

/** Runs `action` and returns what it wrote to fd 1 through fs.writeSync (where onnxruntime-web's WASM build prints profiles). */
export async function captureFd1(action: () => Promise<void>): Promise<string> {
  // The default import is node:fs's mutable CommonJS exports object, the one the WASM glue calls.
  const target = fs as unknown as { writeSync: (fd: number, ...rest: unknown[]) => number };
  const original = target.writeSync;
  const chunks: string[] = [];
  target.writeSync = (fd, ...rest) =>
    fd === 1 && typeof rest[0] === "string" ? chunks.push(rest[0]) : original(fd, ...rest);
  try {
    await action();
  } finally {
    target.writeSync = original;
  }
  return chunks.join("");
}
