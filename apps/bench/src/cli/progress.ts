import cliProgress from "cli-progress";

/**
 * Progress on stderr: a bar with what runs now on a TTY; elsewhere (CI
 * logs, pipes) one line per tenth of the work and one a minute at least, so
 * a log shows it moving.
 */
export function progressBar(): {
  update: (label: string, done: number, total: number) => void;
  stop: () => void;
} {
  if (!process.stderr.isTTY) {
    let lastTenth = -1;
    let lastLine = 0;
    const started = performance.now();
    return {
      update(label, done, total) {
        const tenth = Math.floor((done / Math.max(total, 1)) * 10);
        // A line per tenth of the work, and at least one a minute while a long step runs.
        if (tenth === lastTenth && performance.now() - lastLine < 60_000) return;
        lastTenth = tenth;
        lastLine = performance.now();
        const seconds = Math.round((performance.now() - started) / 1000);
        console.error(`bench: ${done}/${total} (${seconds} s) ${label}`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: "{bar} {value}/{total} | {duration_formatted} (eta {eta_formatted}) | {label}",
      stream: process.stderr,
      clearOnComplete: true,
      hideCursor: true,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(label, done, total) {
      if (!started) {
        bar.start(total, done, { label });
        started = true;
      } else bar.update(done, { label });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
