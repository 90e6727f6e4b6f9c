import { RewriteError } from "../../src/errors/rewrite-error.js";

/** Runs `run` and returns the RewriteError it throws; fails the test when it throws something else or nothing. */
export function errorOf(run: () => unknown): RewriteError {
  try {
    run();
  } catch (error) {
    if (error instanceof RewriteError) return error;
    throw new Error(`expected a RewriteError, got ${String(error)}`);
  }
  throw new Error("expected a RewriteError, nothing was thrown");
}
