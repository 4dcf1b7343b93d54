import { AppError } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';

const overloaded = () =>
  new AppError('rate_limited', msg('ingest.error.overloaded'), undefined, {
    'Retry-After': '1',
    'X-RateLimit-Reset': String(Date.now() + 1000),
  });

/** What a group runner answers for one job: its result, or the error that job alone failed with. */
export type JobOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * Bounds the ingest work in flight, with group commit. Jobs that arrive while the writers are busy
 * wait, and the next free writer takes all of them (up to `maxGroupWeight`, at least one) and runs
 * them as one group, e.g. one transaction: under load many small batches share one commit, and a
 * job that arrives alone runs on the next turn of the event loop. When more than `maxWaiting` jobs
 * wait, the request is refused with 429 and Retry-After (and X-RateLimit-Reset in epoch ms, which
 * analytics-node 2.2-3.0 read), so clients back off instead of piling up memory.
 */
export class WriteQueue<J, R> {
  private running = 0;
  private readonly waiting: { job: J; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];

  constructor(
    private readonly options: {
      concurrency: number;
      maxWaiting: number;
      maxGroupWeight: number;
      weight: (job: J) => number;
      runGroup: (jobs: J[]) => Promise<JobOutcome<R>[]>;
    },
  ) {}

  submit(job: J): Promise<R> {
    if (this.waiting.length >= this.options.maxWaiting) return Promise.reject(overloaded());
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ job, resolve, reject });
      this.schedule();
    });
  }

  private scheduled = false;

  /**
   * Groups form on the next turn of the event loop, not at once: the requests that arrived with
   * this one are still looking up their write key (on SQLite, through the one connection a running
   * group would hold). Started at once, every job would run alone and hold the connection while
   * the others wait, which is what happened before this deferral.
   */
  private schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump() {
    while (this.running < this.options.concurrency && this.waiting.length > 0) {
      let weight = 0;
      let take = 0;
      while (take < this.waiting.length) {
        weight += this.options.weight(this.waiting[take]!.job);
        if (take > 0 && weight > this.options.maxGroupWeight) break;
        take++;
      }
      const group = this.waiting.splice(0, take);
      this.running++;
      void this.runGroup(group);
    }
  }

  private async runGroup(group: typeof this.waiting) {
    try {
      const outcomes = await this.options.runGroup(group.map((g) => g.job));
      group.forEach((g, i) => {
        const o = outcomes[i];
        if (o?.ok) g.resolve(o.value);
        else g.reject(o ? o.error : new Error('no outcome for a job of the group'));
      });
    } catch (error) {
      for (const g of group) g.reject(error);
    } finally {
      this.running--;
      this.schedule();
    }
  }

  get depth() {
    return this.waiting.length;
  }
}
