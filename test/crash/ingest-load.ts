// The loader the crash and multi-node tests share: batches of 100 events with fixed messageIds,
// posted until acknowledged the way the official clients retry, and a session on the admin API.

export const BATCH = 100;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Batch i of a run: a group call (creates or updates an account), an identify, then tracks. */
export function makeBatch(run: string, i: number) {
  const events: Record<string, unknown>[] = [];
  const at = new Date(Date.now() - 60_000).toISOString();
  for (let j = 0; j < BATCH; j++) {
    const messageId = `${run}-b${i}-e${j}`;
    const userId = `user-${(i * 7 + j) % 50}`;
    const groupId = `co-${(i + j) % 10}`;
    if (j === 0)
      events.push({ type: 'group', messageId, userId, groupId, traits: { name: `Company ${groupId}` } });
    else if (j === 1)
      events.push({ type: 'identify', messageId, userId, traits: { email: `${userId}@example.com` } });
    else
      events.push({
        type: 'track',
        messageId,
        userId,
        event: j % 3 === 0 ? 'Report Exported' : 'Page Opened',
        properties: { i, j },
        context: { groupId },
        timestamp: at,
      });
  }
  return { ids: events.map((e) => e.messageId as string), body: JSON.stringify({ batch: events }) };
}

export type Batch = ReturnType<typeof makeBatch>;

export async function login(base: string, email: string, password: string) {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!, csrfToken };
}

/** A write key made through the API, as the Basic authorization header the clients send. */
export async function writeKeyAuth(base: string, session: Awaited<ReturnType<typeof login>>, name: string) {
  const res = await fetch(`${base}/api/v1/write-keys`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      cookie: session.cookie,
      'x-csrf-token': session.csrfToken,
    },
    body: JSON.stringify({ name }),
  });
  if (res.status !== 201) throw new Error(`write key: ${res.status} ${await res.text()}`);
  return `Basic ${Buffer.from(`${((await res.json()) as { key: string }).key}:`).toString('base64')}`;
}

/** What the loader saw: requests, retries, answers by status, requests in flight per target. */
export type LoadTotals = {
  requests: number;
  retries: number;
  statuses: Record<string, number>;
  inFlight: number[];
};

export const newTotals = (targets: number): LoadTotals => ({
  requests: 0,
  retries: 0,
  statuses: {},
  inFlight: Array.from({ length: targets }, () => 0),
});

/**
 * Posts one batch until it is acknowledged (2xx), as the clients retry 5xx, 429 and network errors;
 * attempt k goes to `/v1/batch` on target `pick(k)` of `bases`. Acknowledged ids go into `acked`.
 */
export async function deliver(opts: {
  batch: Batch;
  bases: readonly string[];
  pick: (attempt: number) => number;
  auth: string;
  acked: Set<string>;
  totals: LoadTotals;
  deadline: number;
}) {
  const { batch, totals } = opts;
  for (let attempt = 0; ; attempt++) {
    if (Date.now() > opts.deadline) throw new Error('deadline passed with a batch still unacknowledged');
    if (attempt > 0) totals.retries++;
    const n = opts.pick(attempt);
    totals.requests++;
    totals.inFlight[n]!++;
    let status: string;
    try {
      const res = await fetch(`${opts.bases[n]}/v1/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: opts.auth },
        body: batch.body,
        signal: AbortSignal.timeout(15_000),
      });
      await res.arrayBuffer();
      status = String(res.status);
    } catch (error) {
      status = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    } finally {
      totals.inFlight[n]!--;
    }
    totals.statuses[status] = (totals.statuses[status] ?? 0) + 1;
    if (status.startsWith('2')) {
      for (const id of batch.ids) opts.acked.add(id);
      return;
    }
    if (status.startsWith('4') && status !== '408' && status !== '429')
      throw new Error(`a batch was answered ${status}, which the clients drop`);
    await sleep(20 + Math.random() * 80);
  }
}
