import type { LatencyOptions } from "@rectify/rewrite/light";

/**
 * Latency settings per run kind. Each pair is timed with the runtime's engine:
 * warm-up, then interleaved rounds (forward and reverse order) until both the
 * minimum rounds and the time target are reached; a second session of the
 * original is the same-model control.
 */
export const latencyPresets = {
  /** --quick: enough rounds for an interval, ~1 s per pair, no control. */
  quick: { warmup: 2, minRounds: 8, maxRounds: 100, targetMilliseconds: 700, control: false },
  /** A full run: ~2.5 s per pair, with the same-model control. */
  full: { warmup: 5, minRounds: 20, maxRounds: 300, targetMilliseconds: 2500, control: true },
} as const satisfies Record<string, LatencyOptions>;

/**
 * The settings for one provider: the WebGPU providers get a few rounds and
 * no control whatever the run kind. Without a GPU they run on a software
 * adapter (SwiftShader here, up to ~1 s per run of a small CNN), where they
 * show correctness and fallback, not GPU speed; their wider intervals say so.
 */
export function latencyFor(provider: string, quick: boolean): LatencyOptions {
  if (provider.startsWith("webgpu"))
    return { warmup: 2, minRounds: 8, maxRounds: 50, targetMilliseconds: 1000, control: false };
  return quick ? latencyPresets.quick : latencyPresets.full;
}
