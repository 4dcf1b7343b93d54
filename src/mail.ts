import nodemailer, { type Transporter } from 'nodemailer';
import type { Deps } from './context.ts';

export type Mail = { to: string | string[]; subject: string; text: string; html?: string };
export type MailResult = { sent: boolean; messageId?: string };

// One transport per SMTP URL, so pooled connections are reused across sends.
const transports = new Map<string, Transporter>();

function transportFor(url: string): Transporter {
  let t = transports.get(url);
  if (!t) {
    t = nodemailer.createTransport(url);
    transports.set(url, t);
  }
  return t;
}

type Logger = Deps['logger'];

// Mail that could not be sent for want of STEWARD_SMTP_URL is counted and logged as one line per
// quiet spell, not one per message: the first start's demo ran its rules and printed 1,766 lines
// "email not sent" before the sign-in line. Each caller's record (rule run log, digest) keeps the detail.
const QUIET_MS = 2000;
const AT_MOST_EVERY_MS = 60_000;
const unsent = new Map<Logger, { count: number; since: number; timer: NodeJS.Timeout }>();

/** Logs the pending "N emails not sent" line now (the summary timer would otherwise do it). */
export function flushUnsentMail(logger?: Logger) {
  for (const [l, pending] of unsent) {
    if (logger && l !== logger) continue;
    clearTimeout(pending.timer);
    unsent.delete(l);
    l.info(
      { notSent: pending.count },
      `${pending.count} email${pending.count === 1 ? '' : 's'} not sent: STEWARD_SMTP_URL is not set`,
    );
  }
}

let holding = false;

/**
 * Holds the summary until flushUnsentMail: a batch job (the demo build, whose rules run over
 * months of back-dated days) logs one line for the whole run instead of one per quiet spell.
 */
export function holdUnsentMail() {
  holding = true;
}

/** Counts one unsent mail; the line is logged after 2 s without another, or after a minute of them. */
function countUnsent(logger: Logger) {
  const now = Date.now();
  const pending = unsent.get(logger) ?? { count: 0, since: now, timer: undefined as never };
  clearTimeout(pending.timer);
  pending.count++;
  if (holding) {
    unsent.set(logger, pending);
    return;
  }
  const wait = Math.max(0, Math.min(QUIET_MS, pending.since + AT_MOST_EVERY_MS - now));
  pending.timer = setTimeout(() => flushUnsentMail(logger), wait);
  // A pending summary never keeps a CLI command or a test alive; a worker flushes before it ends.
  pending.timer.unref();
  unsent.set(logger, pending);
}

/**
 * Sends one email through STEWARD_SMTP_URL. Without it, the mail is reported as not sent, so a
 * fresh install runs its automation without an SMTP server, and counted into one summary log line
 * (flushUnsentMail). Failures throw: callers (automation actions, digests) record them in their
 * own logs.
 */
export async function sendMail(deps: Pick<Deps, 'config' | 'logger'>, mail: Mail): Promise<MailResult> {
  if (!deps.config.smtpUrl) {
    deps.logger.debug({ to: mail.to, subject: mail.subject }, 'email not sent: STEWARD_SMTP_URL is not set');
    countUnsent(deps.logger);
    return { sent: false };
  }
  const info = await transportFor(deps.config.smtpUrl).sendMail({ from: deps.config.mailFrom, ...mail });
  return { sent: true, messageId: info.messageId };
}
