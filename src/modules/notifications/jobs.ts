import { type Ctx, type Deps, systemCtx } from '../../context.ts';
import { listWorkspaceRefs } from '../workspaces/index.ts';
import { sendChannelDigests } from './channel-digest.ts';
import { type MailSender, sendDigests } from './digest.ts';
import { notifyRenewalsDue } from './producers.ts';

async function eachWorkspace(deps: Deps, name: string, fn: (ctx: Ctx) => Promise<void>): Promise<number> {
  const workspaces = await listWorkspaceRefs(deps);
  for (const w of workspaces) await fn(systemCtx(deps, w, name));
  return workspaces.length;
}

/** Daily: renewal-in-90-days notices for every workspace (once per account and renewal date). */
export async function renewalNoticesJob(deps: Deps) {
  let notified = 0;
  const workspaces = await eachWorkspace(deps, 'renewal-notices', async (ctx) => {
    notified += await notifyRenewalsDue(ctx);
  });
  return { workspaces, notified };
}

/**
 * Daily: the email digest for every opted-in user (once per user and day), and each team digest
 * to its chat group (once per digest and day).
 */
export async function dailyDigestJob(deps: Deps, send?: MailSender) {
  const total = { workspaces: 0, users: 0, sent: 0, empty: 0, failed: 0, channels: 0, channelsSent: 0 };
  total.workspaces = await eachWorkspace(deps, 'daily-digest', async (ctx) => {
    const r = await sendDigests(ctx, send);
    total.users += r.users;
    total.sent += r.sent;
    total.empty += r.empty;
    total.failed += r.failed;
    // A team digest failing (a bot down) must not stop the next workspace's.
    try {
      const ch = await sendChannelDigests(ctx);
      total.channels += ch.digests;
      total.channelsSent += ch.sent;
    } catch (error) {
      ctx.logger.error({ err: error, workspace: ctx.workspace.id }, 'team digests not sent');
    }
  });
  return total;
}
