// Local receivers for outbound calls (webhooks, chat-group bots): each records the requests it gets
// and answers as told. The bot checks compute what each platform checks (WeCom markdown within
// 4,096 bytes; Feishu's card signed in the body; DingTalk's markdown signed in the query)
// independently of the code under test.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Hit = { url: string; headers: IncomingMessage['headers']; body: string };
export type Receiver = Awaited<ReturnType<typeof receiver>>;

/** A receiver on 127.0.0.1 that records each request and answers with `answer(hit)`. */
export async function receiver(answer: (hit: Hit, res: ServerResponse) => void) {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const hit = { url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      hits.push(hit);
      answer(hit, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export const sendJson = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

/** WeCom: a markdown message within the platform's 4,096 bytes. */
export const wecomFits = (h: Hit) => {
  const b = JSON.parse(h.body);
  return (
    b.msgtype === 'markdown' &&
    typeof b.markdown?.content === 'string' &&
    Buffer.byteLength(b.markdown.content) <= 4096
  );
};

/** Feishu: the body's signature over its timestamp (within an hour), and an interactive card with a title. */
export const feishuCheck = (h: Hit, secret: string) => {
  const b = JSON.parse(h.body);
  const expected = createHmac('sha256', `${b.timestamp}\n${secret}`).update('').digest('base64');
  return {
    sign: b.sign === expected && Math.abs(Date.now() / 1000 - Number(b.timestamp)) < 3600,
    format: b.msg_type === 'interactive' && typeof b.card?.header?.title?.content === 'string',
  };
};

/** DingTalk: the query's signature over its timestamp (within an hour), and a markdown message. */
export const dingCheck = (h: Hit, secret: string) => {
  const u = new URL(h.url, 'http://x');
  const ts = u.searchParams.get('timestamp') ?? '';
  const expected = createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64');
  const b = JSON.parse(h.body);
  return {
    sign: u.searchParams.get('sign') === expected && Math.abs(Date.now() - Number(ts)) < 3600_000,
    format:
      b.msgtype === 'markdown' &&
      typeof b.markdown?.title === 'string' &&
      typeof b.markdown?.text === 'string',
  };
};
