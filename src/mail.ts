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

/**
 * Sends one email through STEWARD_SMTP_URL. Without it, the mail is logged and reported as not
 * sent, so a fresh install runs its automation without an SMTP server. Failures throw: callers
 * (automation actions, digests) record them in their own logs.
 */
export async function sendMail(deps: Pick<Deps, 'config' | 'logger'>, mail: Mail): Promise<MailResult> {
  if (!deps.config.smtpUrl) {
    deps.logger.info({ to: mail.to, subject: mail.subject }, 'email not sent: STEWARD_SMTP_URL is not set');
    return { sent: false };
  }
  const info = await transportFor(deps.config.smtpUrl).sendMail({ from: deps.config.mailFrom, ...mail });
  return { sent: true, messageId: info.messageId };
}
