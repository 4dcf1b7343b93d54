import type { Ctx } from '../../context.ts';
import { msg, render } from '../../i18n/index.ts';
import { type Mail, type MailResult, sendMail } from '../../mail.ts';
import { nowIso, today } from '../../time.ts';
import { userRefs } from '../auth/index.ts';
import { ListTasks, listTasks, type Task } from '../tasks/index.ts';
import { asLocale, type Notification, notificationRowToNotification } from './notify.ts';

/** At most this many lines per section; the counts say how many there are in all. */
export const DIGEST_SECTION_LIMIT = 20;

export type DigestContent = {
  locale: string;
  name: string;
  day: string;
  notifications: { items: Notification[]; total: number };
  overdue: { items: Task[]; total: number };
  dueToday: { items: Task[]; total: number };
};

/**
 * The digest email in the recipient's language (their profile's: an email has no Accept-Language);
 * the tasks and notifications in `c` are already rendered in it. Undefined when there is nothing to tell.
 */
export function buildDigest(c: DigestContent): { subject: string; text: string } | undefined {
  const total = c.notifications.total + c.overdue.total + c.dueToday.total;
  if (total === 0) return undefined;
  const locale = asLocale(c.locale);
  const taskLine = (t: Task) =>
    render(
      locale,
      t.dueDate
        ? msg('digest.taskLineDue', {
            priority: t.priority,
            title: t.title,
            account: t.accountName,
            date: { date: t.dueDate },
          })
        : msg('digest.taskLine', { priority: t.priority, title: t.title, account: t.accountName }),
    );
  const section = (
    title: 'digest.overdue' | 'digest.dueToday' | 'digest.unread',
    lines: string[],
    count: number,
  ) => {
    if (count === 0) return [];
    const more = count - lines.length;
    const tail = more > 0 ? [render(locale, msg('digest.more', { count: more }))] : [];
    return [render(locale, msg(title, { count })), ...lines, ...tail, ''];
  };
  const text = [
    render(locale, msg('digest.hello', { name: c.name })),
    '',
    ...section('digest.overdue', c.overdue.items.map(taskLine), c.overdue.total),
    ...section('digest.dueToday', c.dueToday.items.map(taskLine), c.dueToday.total),
    ...section(
      'digest.unread',
      c.notifications.items.map((n) => `- ${n.title}${n.body ? ` · ${n.body}` : ''}`),
      c.notifications.total,
    ),
    render(locale, msg('digest.footer')),
  ].join('\n');
  const subject = render(
    locale,
    msg('digest.subject', {
      date: { date: c.day },
      overdue: c.overdue.total,
      today: c.dueToday.total,
      unread: c.notifications.total,
    }),
  );
  return { subject, text };
}

export type SendDigestsResult = { users: number; sent: number; empty: number; failed: number };
export type MailSender = (mail: Mail) => Promise<MailResult>;

/**
 * One email a day to each user who turned the digest on: their unread notifications and their
 * overdue and due-today tasks. The (workspace, user, day) row is claimed before sending, so two
 * nodes or a rerun never send a second digest the same day; a failed send releases the claim so
 * a later run can try again.
 */
export async function sendDigests(ctx: Ctx, send?: MailSender): Promise<SendDigestsResult> {
  const deliver: MailSender = send ?? ((mail) => sendMail(ctx, mail));
  const day = today(ctx);
  // A weekly digest goes out on the workspace's Mondays.
  const monday = new Date(`${day}T00:00:00Z`).getUTCDay() === 1;
  let settings = ctx.db
    .selectFrom('notification_settings')
    .select('user_id')
    .where('workspace_id', '=', ctx.workspace.id)
    .where('daily_digest', '=', 1);
  if (!monday) settings = settings.where('digest_frequency', '!=', 'weekly');
  const optedIn = await settings.orderBy('user_id').execute();
  const refs = await userRefs(
    ctx,
    optedIn.map((s) => s.user_id),
  );
  const users = optedIn.flatMap((s) => {
    const user = refs.get(s.user_id);
    return user?.active ? [user] : [];
  });
  const result: SendDigestsResult = { users: users.length, sent: 0, empty: 0, failed: 0 };
  for (const user of users) {
    const claimed = await ctx.db
      .insertInto('notification_digests')
      .values({
        workspace_id: ctx.workspace.id,
        user_id: user.id,
        day,
        status: 'claimed',
        notifications: 0,
        tasks: 0,
        created_at: nowIso(ctx),
      })
      .onConflict((oc) => oc.columns(['workspace_id', 'user_id', 'day']).doNothing())
      .returning('user_id')
      .executeTakeFirst();
    if (!claimed) continue;
    const content = await loadDigest(ctx, user, day);
    const mail = buildDigest(content);
    let status = 'empty';
    try {
      if (mail) status = (await deliver({ to: user.email, ...mail })).sent ? 'sent' : 'logged';
    } catch (error) {
      ctx.logger.error({ err: error, userId: user.id, day }, 'daily digest not sent');
      await ctx.db
        .deleteFrom('notification_digests')
        .where('workspace_id', '=', ctx.workspace.id)
        .where('user_id', '=', user.id)
        .where('day', '=', day)
        .execute();
      result.failed++;
      continue;
    }
    if (status === 'empty') result.empty++;
    else result.sent++;
    await ctx.db
      .updateTable('notification_digests')
      .set({
        status,
        notifications: content.notifications.total,
        tasks: content.overdue.total + content.dueToday.total,
      })
      .where('workspace_id', '=', ctx.workspace.id)
      .where('user_id', '=', user.id)
      .where('day', '=', day)
      .execute();
  }
  return result;
}

async function loadDigest(
  jobCtx: Ctx,
  user: { id: string; name: string; locale: string },
  day: string,
): Promise<DigestContent> {
  // Rendered in the recipient's language, not the language of whoever runs the job.
  const locale = asLocale(user.locale);
  const ctx: Ctx = { ...jobCtx, locale };
  const unread = ctx.db
    .selectFrom('notifications')
    .where('workspace_id', '=', ctx.workspace.id)
    .where('user_id', '=', user.id)
    .where('read_at', 'is', null);
  const rows = await unread
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(DIGEST_SECTION_LIMIT)
    .execute();
  const count = await unread.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  const tasks = async (due: 'overdue' | 'today') => {
    const items: Task[] = [];
    let total = 0;
    let cursor: string | undefined;
    // Counted through the same list the API serves, so the email and "my tasks" agree.
    do {
      const page = await listTasks({
        ctx,
        input: ListTasks.parse({ assigneeId: user.id, due, sort: 'priority', limit: 200, cursor }),
      });
      if (items.length < DIGEST_SECTION_LIMIT)
        items.push(...page.items.slice(0, DIGEST_SECTION_LIMIT - items.length));
      total += page.items.length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return { items, total };
  };
  return {
    locale: user.locale,
    name: user.name,
    day,
    notifications: {
      items: rows.map((r) => notificationRowToNotification(r, locale)),
      total: Number(count?.n ?? 0),
    },
    overdue: await tasks('overdue'),
    dueToday: await tasks('today'),
  };
}
