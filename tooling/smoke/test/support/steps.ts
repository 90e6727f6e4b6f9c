// Times each step of the smoke test and prints one line per step, so a CI log
// shows where the minutes went and which step broke.

/**
 * Runs `body` as the step `name`, printing `[smoke] name: ok|FAILED in N s`;
 * a step meant to fail (a broken tarball) prints `failed, as expected` or
 * `succeeded, which it must not`, so the log never shows a wanted failure as FAILED.
 */
export async function step<T>(
  name: string,
  body: () => Promise<T> | T,
  options: { readonly expectFailure?: boolean } = {},
): Promise<T> {
  const started = performance.now();
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
  const [passed, failed] = options.expectFailure
    ? ["succeeded, which it must not", "failed, as expected"]
    : ["ok", "FAILED"];
  try {
    const result = await body();
    console.log(`[smoke] ${name}: ${passed} in ${seconds()} s`);
    return result;
  } catch (error) {
    console.log(`[smoke] ${name}: ${failed} in ${seconds()} s`);
    throw error;
  }
}
