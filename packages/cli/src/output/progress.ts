import cliProgress from "cli-progress";

/** A progress callback drawing one bar per stage on a TTY; silent otherwise (pipes, --json, CI logs). */
export function progressReporter(enabled: boolean): {
  update: (stage: string, done: number, total: number) => void;
  stop: () => void;
} {
  if (!enabled || !process.stdout.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      format: "{stage} [{bar}] {value}/{total}",
      stream: process.stderr,
      clearOnComplete: true,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let current = "";
  return {
    update(stage, done, total) {
      if (stage !== current) {
        if (current) bar.stop();
        current = stage;
        bar.start(total, done, { stage });
      } else bar.update(done, { stage });
    },
    stop() {
      if (current) bar.stop();
    },
  };
}
