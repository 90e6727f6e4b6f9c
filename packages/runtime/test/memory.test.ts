import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { DataType, encodeModel, ModelBuilder } from "@rectify/onnx";
import { afterAll, describe, expect, it } from "vitest";
import { createSession, type Session, tensor } from "../src/index.node.js";

// Sessions hold native memory (onnxruntime-node's heap, onnxruntime-web's
// WASM heap) that the JS heap does not see, so leaks show only in process RSS
// and in the size of the WASM memory. The model carries a 1024×1024 float32
// weight (4 MiB; the control below measures ~8 MiB kept per undisposed
// session, with onnxruntime's prepacked copy of it): a session that leaked
// even its weights would add 450 × 4 MiB ≈ 1.8 GiB over the measured
// iterations, against a bound of 256 MiB that a leak of ≥ 580 KiB per
// session would cross. The bound was 100 MiB (idle noise is ±15 MiB), but on
// a shared machine at load average 8–9 the cpu loop's RSS grew 144 MiB with
// no session kept (glibc keeps freed arenas); the controls, which keep their
// sessions, still grow 300–316 MiB within 40 sessions and cross it.
const size = 1024;
const iterations = 500;
const warmupIterations = 50;
const growthBoundBytes = 256 * 2 ** 20;
/** Sessions the control keeps alive: ~8 MiB each, so it grows ~3× past the bound. */
const controlSessions = 40;

// onnxruntime-web creates its WASM memory inside its Emscripten module and
// does not expose it; recording every WebAssembly.Memory constructed in this
// test process (before onnxruntime-web loads, on first wasm session) is the
// one way to read its size. Restored after the file.
const OriginalMemory = WebAssembly.Memory;
const wasmMemories: WeakRef<WebAssembly.Memory>[] = [];
class RecordingMemory extends OriginalMemory {
  constructor(descriptor: WebAssembly.MemoryDescriptor) {
    super(descriptor);
    wasmMemories.push(new WeakRef(this));
  }
}
(WebAssembly as { Memory: typeof WebAssembly.Memory }).Memory = RecordingMemory;
afterAll(() => {
  (WebAssembly as { Memory: typeof WebAssembly.Memory }).Memory = OriginalMemory;
});

// A full collection before each reading, so JS garbage (each createSession
// decodes the 4 MiB model) is not mistaken for growth. Turning the flag on
// here spares a vitest config for this one file.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

interface MemoryReading {
  readonly rss: number;
  readonly wasm: number;
}

function readMemory(): MemoryReading {
  collectGarbage();
  const wasm = wasmMemories.reduce(
    (total, memory) => total + (memory.deref()?.buffer.byteLength ?? 0),
    0,
  );
  return { rss: process.memoryUsage().rss, wasm };
}

const mebibytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** The weight's element (k, j): a fixed pattern in [-0.5, 0.5] / 32, so outputs stay near 0. */
const weightAt = (k: number, j: number) => (((k * 31 + j * 17) % 97) - 48) / (97 * 32);
const inputData = Float32Array.from({ length: size }, (_, k) => ((k % 13) - 6) / 6);

/** x [1, 1024] → MatMul W (1024×1024) → Softplus → y, as bytes. */
function matMulSoftplusModel(): Uint8Array {
  const builder = new ModelBuilder({ opset: 17 });
  const x = builder.input("x", DataType.FLOAT, [1, size]);
  const weights = new Float32Array(size * size);
  for (let k = 0; k < size; k++)
    for (let j = 0; j < size; j++) weights[k * size + j] = weightAt(k, j);
  const w = builder.constant(DataType.FLOAT, [size, size], weights, "w");
  builder.output(
    builder.op("Softplus", [builder.op("MatMul", [x, w])]),
    DataType.FLOAT,
    [1, size],
    "y",
  );
  return encodeModel(builder.build());
}

const modelBytes = matMulSoftplusModel();
const expected = Array.from({ length: size }, (_, j) => {
  let sum = 0;
  for (let k = 0; k < size; k++) sum += inputData[k]! * Math.fround(weightAt(k, j));
  return Math.log1p(Math.exp(sum));
});
const feeds = { x: tensor(inputData, [1, size]) };

/** Runs the session once and checks every output against the float64 reference. */
async function runAndCheck(session: Session): Promise<void> {
  const y = (await session.run(feeds)).y!.data as Float32Array;
  expect(y.length).toBe(size);
  let worst = 0;
  for (let j = 0; j < size; j++) worst = Math.max(worst, Math.abs(y[j]! - expected[j]!));
  expect(worst).toBeLessThan(1e-4);
}

const providers = ["cpu", "wasm"] as const;

describe.each(providers)("%s sessions created, run and disposed in a loop", (provider) => {
  it(`do not grow memory over ${iterations} iterations (bound ${mebibytes(growthBoundBytes)})`, async () => {
    let afterWarmup: MemoryReading | undefined;
    for (let i = 0; i < iterations; i++) {
      if (i === warmupIterations) afterWarmup = readMemory();
      // One intra-op thread: each session's thread pool otherwise starts threads whose
      // malloc arenas glibc keeps, and on a loaded machine that alone grew RSS by
      // 300 MiB over the loop (measured in a full runtime suite run; 0 leaks when idle).
      const session = await createSession(modelBytes, { providers: [provider], threads: 1 });
      expect(session.provider).toBe(provider);
      await runAndCheck(session);
      await session.dispose();
    }
    const end = readMemory();
    const start = afterWarmup!;
    const rssGrowth = end.rss - start.rss;
    const wasmGrowth = end.wasm - start.wasm;
    console.info(
      `${provider}: RSS ${mebibytes(start.rss)} after ${warmupIterations} → ${mebibytes(end.rss)} after ${iterations} (growth ${mebibytes(rssGrowth)}); WASM memory ${mebibytes(start.wasm)} → ${mebibytes(end.wasm)}`,
    );
    expect(rssGrowth).toBeLessThan(growthBoundBytes);
    if (provider === "wasm") {
      // The instrument must have found onnxruntime-web's memory, else this checks nothing.
      expect(end.wasm).toBeGreaterThan(0);
      expect(wasmGrowth).toBeLessThan(growthBoundBytes);
    }
  });
});

// Controls: the same sessions kept alive instead of disposed must cross the
// bound, so the measurement above can fail. They run after both loops, since
// WASM memory never shrinks and freed native memory may stay in the process.
describe.each(providers)("%s control: sessions kept without dispose", (provider) => {
  it(`grow memory past the bound within ${controlSessions} sessions`, async () => {
    const kept: Session[] = [];
    try {
      const warm = await createSession(modelBytes, { providers: [provider] });
      await runAndCheck(warm);
      await warm.dispose();
      const start = readMemory();
      for (let i = 0; i < controlSessions; i++) {
        const session = await createSession(modelBytes, { providers: [provider] });
        await runAndCheck(session);
        kept.push(session);
      }
      const end = readMemory();
      const rssGrowth = end.rss - start.rss;
      console.info(
        `${provider} control: ${controlSessions} undisposed sessions grew RSS by ${mebibytes(rssGrowth)} (${mebibytes(rssGrowth / controlSessions)} each); WASM memory ${mebibytes(start.wasm)} → ${mebibytes(end.wasm)}`,
      );
      // onnxruntime-web keeps its sessions in the WASM memory, which is the instrument that
      // must move there: RSS follows it only as pages are touched (88 MiB in one loaded CI run).
      if (provider === "wasm") expect(end.wasm - start.wasm).toBeGreaterThan(growthBoundBytes);
      else expect(rssGrowth).toBeGreaterThan(growthBoundBytes);
    } finally {
      for (const session of kept) await session.dispose();
    }
  });
});
