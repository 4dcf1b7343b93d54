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
