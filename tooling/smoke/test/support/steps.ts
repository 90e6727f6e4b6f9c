// Times each step of the smoke test and prints one line per step, so a CI log
// shows where the minutes went and which step broke.

/** Runs `body` as the step `name`, printing `[smoke] name: ok|FAILED in N s`. */
export async function step<T>(name: string, body: () => Promise<T> | T): Promise<T> {
  const started = performance.now();
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
  try {
    const result = await body();
    console.log(`[smoke] ${name}: ok in ${seconds()} s`);
    return result;
  } catch (error) {
    console.log(`[smoke] ${name}: FAILED in ${seconds()} s`);
    throw error;
  }
}
