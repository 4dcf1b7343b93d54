import { AppError } from '../../errors.ts';

/**
 * Bounds the ingest work in flight. SQLite has one writer, so batches run one at a time; on
 * PostgreSQL a few run in parallel. When more than `maxWaiting` batches are queued the request is
 * refused with 429 and Retry-After (and X-RateLimit-Reset in epoch ms, which analytics-node 2.2-3.0
 * read), so clients back off instead of piling up memory.
 */
export class WriteQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
  ) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxWaiting) {
        throw new AppError(
          'rate_limited',
          'Ingest is overloaded; retry after the Retry-After delay',
          undefined,
          {
            'Retry-After': '1',
            'X-RateLimit-Reset': String(Date.now() + 1000),
          },
        );
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  get depth() {
    return this.waiting.length;
  }
}
