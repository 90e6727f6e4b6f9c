import type { LatencyOptions } from "@rectify/rewrite/light";

/**
 * Latency settings per run kind. Each pair is timed with the runtime's engine:
 * warm-up, then interleaved rounds (forward and reverse order) until both the
 * minimum rounds and the time target are reached; a second session of the
 * original is the same-model control.
 */
export const latencyPresets = {
  /** --quick: enough rounds for an interval, ~1 s per pair. */
  quick: { warmup: 3, minRounds: 10, maxRounds: 100, targetMilliseconds: 800 },
  /** A full run: ~2.5 s per pair. */
  full: { warmup: 5, minRounds: 20, maxRounds: 300, targetMilliseconds: 2500 },
} as const satisfies Record<string, LatencyOptions>;
