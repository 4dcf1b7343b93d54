import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';

/** The repository root: the CLI runs from there, as `node bin/steward.mjs` would. */
export const ROOT = join(import.meta.dirname, '../..');

export type CliResult = { code: number; stdout: string; stderr: string };

/**
 * The environment of a CLI child: this process's, minus every variable the CLI reads (so the
 * developer's or the PostgreSQL test run's settings never leak in), plus `env`.
 */
export function cliEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(STEWARD_|DATABASE_URL$|PORT$|HOST$|LOG_LEVEL$)/.test(k)) continue;
    base[k] = v;
  }
  return { ...base, LOG_LEVEL: 'warn', ...env };
}

/** Runs `steward <args>` to completion; never rejects, the exit code is in the result. */
export function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      'node',
      ['bin/steward.mjs', ...args],
      { cwd: ROOT, env: cliEnv(env), timeout: 180_000, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export type Server = {
  child: ChildProcess;
  /** Everything printed so far, stdout and stderr interleaved. */
  output: () => string;
  /** Resolves with the match once the output matches `pattern`; rejects after `ms` or on exit. */
  waitFor: (pattern: RegExp, ms?: number) => Promise<RegExpMatchArray>;
  /** SIGTERM, then the exit code. */
  stop: () => Promise<number | null>;
};

/** Starts `steward serve` in the background. */
export function startServe(env: Record<string, string>, args: string[] = []): Server {
  const child = spawn('node', ['bin/steward.mjs', 'serve', ...args], {
    cwd: ROOT,
    env: cliEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    text += chunk.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => {
    done = true;
    for (const l of listeners) l();
  });

  return {
    child,
    output: () => text,
    waitFor: (pattern, ms = 60_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = text.match(pattern);
          if (m) {
            cleanup();
            resolve(m);
          } else if (done) {
            cleanup();
            reject(new Error(`steward serve exited before printing ${pattern}:\n${text}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`Timed out waiting for ${pattern}:\n${text}`));
        }, ms);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      }),
    stop: async () => {
      if (!done) child.kill('SIGTERM');
      return exited;
    },
  };
}
