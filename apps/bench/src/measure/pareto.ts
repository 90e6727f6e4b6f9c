/** A measured point: its error (lower is better) and its speedup (higher is better). */
export interface TradeOff {
  readonly error: number;
  readonly speedup: number;
}

/**
 * Which points are on the Pareto front: no other point has an error at most
 * as large and a speedup at least as large, with one of them strictly better.
 */
export function paretoFront(points: readonly TradeOff[]): boolean[] {
  return points.map(
    (point) =>
      !points.some(
        (other) =>
          other !== point &&
          other.error <= point.error &&
          other.speedup >= point.speedup &&
          (other.error < point.error || other.speedup > point.speedup),
      ),
  );
}
