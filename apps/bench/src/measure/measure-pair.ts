import type { Feeds, LatencyOptions } from "@rectify/rewrite/light";
import type { ModelSource, Session, SessionOptions } from "@rectify/runtime";
import { compareSessions } from "@rectify/runtime";
import type { FallbackEntry, LatencyEntry, RunEntry } from "../report/schema.js";
import { compareAccuracy } from "./accuracy.js";
import { describeError } from "./describe-error.js";

/** createSession of whichever runtime entry runs here (Node or browser). */
export type CreateSession = (source: ModelSource, options?: SessionOptions) => Promise<Session>;

/** One original/optimized pair on one provider. */
export interface PairInput {
  readonly model: string;
  readonly target: string;
  readonly provider: string;
  readonly environment: RunEntry["environment"];
  readonly original: Uint8Array;
  readonly optimized: Uint8Array;
  readonly feeds: Feeds;
  /** Rounds and time per pair; `control: false` skips the same-model control (a second session of the original). */
  readonly latency: LatencyOptions;
  /** Threads for cpu and wasm sessions (default 1: the machine's other core keeps the timing honest). */
  readonly threads?: number;
}

/**
 * Runs the original and the optimized model on one provider with the same
 * feeds: output error of the optimized one, latency of both interleaved
 * (the runtime's latency engine, with a same-model control), and the CPU
 * fallback of both, predicted and (where onnxruntime says) placed.
 */
export async function measurePair(
  createSession: CreateSession,
  input: PairInput,
): Promise<RunEntry> {
  const base = {
    model: input.model,
    target: input.target,
    provider: input.provider,
    environment: input.environment,
  };
  const sessions: Session[] = [];
  const open = async (bytes: Uint8Array) => {
    const session = await createSession(bytes, {
      providers: [input.provider],
      threads: input.threads ?? 1,
    });
    sessions.push(session);
    return session;
  };
  try {
    const original = await open(input.original);
    const optimized = await open(input.optimized);
    const control = input.latency.control === false ? undefined : await open(input.original);
    const accuracy = compareAccuracy(
      await original.run(input.feeds),
      await optimized.run(input.feeds),
    );
    const comparison = await compareSessions(
      [
        { name: "original", session: original },
        { name: "optimized", session: optimized },
      ],
      input.feeds,
      { ...input.latency, control: false, ...(control ? { controlSession: control } : {}) },
    );
    return {
      ...base,
      status: "measured",
      accuracy,
      latency: latencyEntry(comparison),
      fallback: fallbackEntry(original, optimized),
    };
  } catch (error) {
    return { ...base, status: "failed", error: describeError(error) };
  } finally {
    for (const session of sessions) await session.dispose();
  }
}

type Comparison = Awaited<ReturnType<typeof compareSessions>>;

function latencyEntry(comparison: Comparison): LatencyEntry {
  const [original, optimized] = comparison.cases;
  const ratio = comparison.ratios.find((entry) => entry.name === "optimized");
  if (!original || !optimized || !ratio) throw new Error("the latency engine returned no ratio");
  const summary = (entry: typeof original) => ({
    median: entry.median,
    p90: entry.p90,
    spread: entry.spread,
  });
  const control = comparison.noise.control;
  return {
    original: summary(original),
    optimized: summary(optimized),
    speedup: ratio.speedup,
    speedupLow: ratio.speedupLow,
    speedupHigh: ratio.speedupHigh,
    rounds: comparison.rounds,
    noisy: comparison.noise.noisy,
    noise: [...comparison.noise.reasons],
    ...(control
      ? {
          control: {
            speedup: control.speedup,
            speedupLow: control.speedupLow,
            speedupHigh: control.speedupHigh,
          },
        }
      : {}),
  };
}

function fallbackEntry(original: Session, optimized: Session): FallbackEntry {
  const side = (session: Session) => {
    const placed = session.fallback.placed;
    if (!placed) return undefined;
    const cpuOps: Record<string, number> = {};
    for (const node of placed.nodes) cpuOps[node.opType] = (cpuOps[node.opType] ?? 0) + 1;
    return {
      computeNodesOnCpu: placed.computeNodesOnCpu,
      shapeNodesOnCpu: placed.shapeNodesOnCpu,
      cpuOps,
    };
  };
  const a = side(original);
  const b = side(optimized);
  return {
    predicted: {
      original: original.fallback.fallbackNodes,
      optimized: optimized.fallback.fallbackNodes,
    },
    ...(a && b
      ? {
          placed: {
            original: a,
            optimized: b,
          },
        }
      : {}),
  };
}
