import cliProgress from 'cli-progress';

/** A progress bar on stderr when it is a terminal; silent otherwise (CI logs, pipes). */
export function progressBar(label: string) {
  if (!process.stderr.isTTY)
    return { start: (_t: number) => {}, update: (_n: number, _t?: number) => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total}`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    start: (total: number) => {
      bar.start(total, 0);
      started = true;
    },
    update: (n: number, total?: number) => {
      if (!started) {
        bar.start(total ?? n, 0);
        started = true;
      }
      if (total !== undefined) bar.setTotal(total);
      bar.update(n);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

/**
 * The demo build's bar: one percentage over its phases, with the phase named. Without a terminal
 * (a pipe, a service's log) it prints a line every 10% instead of redrawing.
 */
export function demoProgressBar(label: string) {
  if (!process.stderr.isTTY) {
    let shown = -10;
    return {
      update: (percent: number, phase: string) => {
        if (percent < shown + 10 && percent < 100) return;
        shown = percent;
        process.stderr.write(`${label}: ${percent}% (${phase})\n`);
      },
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {phase}`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update: (percent: number, phase: string) => {
      if (!started) {
        bar.start(100, 0, { phase });
        started = true;
      }
      bar.update(percent, { phase });
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
