// Timing helpers shared by the benchmarks: a self-calibrating rate and the median of rounds.

/** The median of `values` (the upper one of the middle pair for an even count, as the CLIs always reported). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Runs `fn` until at least `minimumMilliseconds` have passed (at least once); elements per second. */
export function elementsPerSecond(
  elements: number,
  fn: () => void,
  minimumMilliseconds: number,
): number {
  let repeats = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    fn();
    repeats++;
    elapsed = performance.now() - start;
  } while (elapsed < minimumMilliseconds);
  return (elements * repeats) / (elapsed / 1000);
}

/** As elementsPerSecond, for work that completes asynchronously (GPU submissions). */
export async function elementsPerSecondAsync(
  elements: number,
  fn: () => Promise<void>,
  minimumMilliseconds: number,
): Promise<number> {
  let repeats = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    await fn();
    repeats++;
    elapsed = performance.now() - start;
  } while (elapsed < minimumMilliseconds);
  return (elements * repeats) / (elapsed / 1000);
}
