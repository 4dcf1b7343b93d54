// What each receiver of Steward's events is sent: a signed JSON webhook, or a group bot's message in
// its platform's own format (企业微信 WeCom markdown; 飞书 Feishu interactive card with a signature
// in the body; 钉钉 DingTalk markdown with the signature in the query). Pure: the body is built when
// the event happens, in the subscription's language; the bots' signatures are added at each attempt
// (their timestamps must be fresh: DingTalk refuses one more than an hour old).
import { createHmac } from 'node:crypto';

export const SUBSCRIPTION_KINDS = ['webhook', 'wecom', 'feishu', 'dingtalk'] as const;
export type SubscriptionKind = (typeof SUBSCRIPTION_KINDS)[number];

/**
 * A rendered event as people read it: a heading, a line, and an optional list. `total` is how many
 * items the list was taken from (a rule alert keeps its first lines and counts the rest).
 */
export type BotText = { heading: string; text: string; lines?: readonly string[]; total?: number };

// WeCom cuts markdown at 4,096 bytes and Feishu refuses bodies over 20 KB; DingTalk allows 20 KB.
const MAX_LINES = 30;
/** Bytes of message text each platform takes (WeCom's markdown content; the others' whole body, with room). */
const MAX_BYTES: Record<Exclude<SubscriptionKind, 'webhook'>, number> = {
  wecom: 4096,
  dingtalk: 18_000,
  feishu: 18_000,
};

/** Markdown special characters a customer's name could carry; escaped so a name stays text. */
const escapeMd = (s: string) => s.replace(/([\\`*_[\]<>#])/g, '\\$1');

/**
 * The text with as many of its lines as fit in `maxBytes` (UTF-8: a Chinese character is 3 bytes,
 * so 30 lines of names and reasons can pass WeCom's 4,096), and "…(+N)" for the lines left out.
 */
function fitLines(
  t: BotText,
  maxBytes: number,
  head: readonly string[],
  line: (l: string) => string,
  moreLine: (n: number) => string,
): string {
  const all = t.lines ?? [];
  const total = Math.max(t.total ?? all.length, all.length);
  const lines = all.slice(0, MAX_LINES).map(line);
  const join = (n: number) => {
    const more = total - n;
    return [...head, ...lines.slice(0, n), ...(more > 0 ? [moreLine(more)] : [])].filter(Boolean).join('\n');
  };
  let n = lines.length;
  let out = join(n);
  while (n > 0 && Buffer.byteLength(out) > maxBytes) out = join(--n);
  return out;
}

function markdown(t: BotText, maxBytes: number): string {
  return fitLines(
    t,
    maxBytes,
    [`**${escapeMd(t.heading)}**`, escapeMd(t.text)],
    (l) => `> ${escapeMd(l)}`,
    (n) => `> …(+${n})`,
  );
}

/** The body a bot is sent (without a signature), as JSON text. */
export function botBody(kind: Exclude<SubscriptionKind, 'webhook'>, t: BotText): string {
  if (kind === 'wecom')
    return JSON.stringify({ msgtype: 'markdown', markdown: { content: markdown(t, MAX_BYTES.wecom) } });
  if (kind === 'dingtalk')
    return JSON.stringify({
      msgtype: 'markdown',
      markdown: { title: t.heading, text: markdown(t, MAX_BYTES.dingtalk) },
    });
  const content = fitLines(
    t,
    MAX_BYTES.feishu,
    [t.text],
    (l) => `- ${l}`,
    (n) => `…(+${n})`,
  );
  return JSON.stringify({
    msg_type: 'interactive',
    card: {
      config: { wide_screen_mode: true },
      header: { title: { tag: 'plain_text', content: t.heading } },
      elements: [{ tag: 'div', text: { tag: 'plain_text', content } }],
    },
  });
}

/** Feishu: sign = base64(HMAC-SHA256(key = "<timestamp seconds>\n<secret>", message = "")). */
export function feishuSign(secret: string, timestampSec: string): string {
  return createHmac('sha256', `${timestampSec}\n${secret}`).update('').digest('base64');
}

/** DingTalk: sign = base64(HMAC-SHA256(key = secret, message = "<timestamp ms>\n<secret>")), URL-encoded in the query. */
export function dingtalkSign(secret: string, timestampMs: string): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

/**
 * The URL and body of one attempt at `now`: the stored body with the platform's signature when the
 * subscription has a secret (Feishu in the body, DingTalk in the query); WeCom bots do not sign.
 */
export function signedBotRequest(
  kind: Exclude<SubscriptionKind, 'webhook'>,
  url: string,
  body: string,
  secret: string | null,
  now: Date,
): { url: string; body: string } {
  if (!secret || kind === 'wecom') return { url, body };
  if (kind === 'feishu') {
    const timestamp = String(Math.floor(now.getTime() / 1000));
    return {
      url,
      body: JSON.stringify({ timestamp, sign: feishuSign(secret, timestamp), ...JSON.parse(body) }),
    };
  }
  const timestamp = String(now.getTime());
  const u = new URL(url);
  u.searchParams.set('timestamp', timestamp);
  u.searchParams.set('sign', dingtalkSign(secret, timestamp));
  return { url: u.toString(), body };
}

/**
 * Bots answer HTTP 200 with their own error code (DingTalk and WeCom `errcode`, Feishu `code`, or
 * the older `StatusCode`): a non-zero one is a refused message, not a delivery.
 */
export function botRefused(responseText: string): boolean {
  try {
    const r = JSON.parse(responseText) as Record<string, unknown>;
    for (const k of ['errcode', 'code', 'StatusCode'])
      if (typeof r[k] === 'number' && r[k] !== 0) return true;
    return false;
  } catch {
    return false;
  }
}
