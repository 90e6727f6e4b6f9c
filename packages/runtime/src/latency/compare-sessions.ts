import type { Feeds, LatencyComparison, LatencyOptions } from "@rectify/rewrite/light";
import type { Session } from "../session/session.js";
import { compareLatency, type TimingEnvironment } from "./compare-latency.js";

/**
 * Times sessions side by side on the same feeds (see compareLatency): the
 * first is the baseline. `control`, a second session of the baseline's model,
 * measures the noise floor.
 */
export function compareSessions(
  sessions: readonly { readonly name: string; readonly session: Session }[],
  feeds: Feeds,
  options: LatencyOptions & { readonly controlSession?: Session } = {},
  environment?: TimingEnvironment,
): Promise<LatencyComparison> {
  const { controlSession, ...rest } = options;
  return compareLatency(
    sessions.map(({ name, session }) => ({ name, run: () => session.run(feeds) })),
    {
      ...rest,
      ...(controlSession
        ? {
            controlCase: {
              name: `${sessions[0]?.name ?? "baseline"} (control)`,
              run: () => controlSession.run(feeds),
            },
          }
        : {}),
    },
    environment,
  );
}
