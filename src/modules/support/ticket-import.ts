// Support tickets as a target of the guided import (accounts/import.ts): a help desk's CSV or xlsx
// export is read, mapped (the header dictionary knows 工单编号, 主题, 状态, 创建时间...), converted
// and reported like any import; this file checks the rows against the database and writes each
// through upsertTicket, so a re-import finds the same tickets by external id and, when nothing
// differs, writes nothing. Times are read here because exports write them in local time without
// an offset ("2026-03-05 09:30"), which is the workspace's zone.
import type { Ctx } from '../../context.ts';
import { msg } from '../../i18n/index.ts';
import { dayStart } from '../../time.ts';
import {
  accountIdsByExternalId,
  type FieldSpec,
  type ImportTarget,
  type PlannedRow,
  registerImportTarget,
} from '../accounts/index.ts';
import { TICKET_CHANNELS, TICKET_PRIORITIES, TICKET_STATUSES, UpsertTicket } from './support.schemas.ts';
import { ticketsByExternalId, ticketUnchanged, upsertTicket } from './tickets.ts';

const same = (values: readonly string[]) => Object.fromEntries(values.map((v) => [v, v]));

/** The spellings help desks (Zendesk, Freshdesk, 智齿, Udesk, 网易七鱼) export, in lower case. */
const STATUS_VALUES: Record<string, string> = {
  ...same(TICKET_STATUSES),
  'on hold': 'on_hold',
  'on-hold': 'on_hold',
  resolved: 'solved',
  新建: 'new',
  新工单: 'new',
  未分配: 'new',
  待处理: 'open',
  处理中: 'open',
  受理中: 'open',
  已受理: 'open',
  进行中: 'open',
  打开: 'open',
  等待回复: 'pending',
  等待客户: 'pending',
  等待中: 'pending',
  待回复: 'pending',
  挂起: 'on_hold',
  暂停: 'on_hold',
  已解决: 'solved',
  解决: 'solved',
  已关闭: 'closed',
  关闭: 'closed',
  已完成: 'closed',
  完成: 'closed',
};
const PRIORITY_VALUES: Record<string, string> = {
  ...same(TICKET_PRIORITIES),
  medium: 'normal',
  低: 'low',
  普通: 'normal',
  一般: 'normal',
  中: 'normal',
  正常: 'normal',
  高: 'high',
  紧急: 'urgent',
  加急: 'urgent',
  非常紧急: 'urgent',
};
const CHANNEL_VALUES: Record<string, string> = {
  ...same(TICKET_CHANNELS),
  邮件: 'email',
  邮箱: 'email',
  在线客服: 'chat',
  在线: 'chat',
  聊天: 'chat',
  电话: 'phone',
  网页: 'web',
  表单: 'web',
  'web form': 'web',
  微信: 'wechat',
  企业微信: 'wechat',
  其他: 'other',
};
const SATISFACTION_VALUES: Record<string, string> = {
  good: 'good',
  bad: 'bad',
  满意: 'good',
  非常满意: 'good',
  好评: 'good',
  不满意: 'bad',
  非常不满意: 'bad',
  差评: 'bad',
};

export const TICKET_IMPORT_FIELDS: Record<string, FieldSpec> = {
  externalId: { kind: 'text', required: true, help: "the help desk's ticket id; upsert key" },
  accountExternalId: { kind: 'text', required: true, help: "the account's external id" },
  subject: { kind: 'text', required: true, help: 'the subject line' },
  status: { kind: 'text', help: `${TICKET_STATUSES.join(', ')}; 待处理, 已解决...`, values: STATUS_VALUES },
  priority: {
    kind: 'text',
    help: `${TICKET_PRIORITIES.join(', ')}; 低, 高, 紧急...`,
    values: PRIORITY_VALUES,
  },
  channel: {
    kind: 'text',
    help: `${TICKET_CHANNELS.join(', ')}; 邮件, 电话, 微信...`,
    values: CHANNEL_VALUES,
  },
  requesterEmail: { kind: 'text', help: "the requester's email" },
  requesterName: { kind: 'text', help: "the requester's name" },
  createdAt: {
    kind: 'datetime',
    help: 'opened: YYYY-MM-DD HH:mm in the workspace time zone, or ISO 8601 with an offset',
  },
  firstResponseAt: { kind: 'datetime', help: 'first reply, same forms' },
  solvedAt: { kind: 'datetime', help: 'solved, same forms' },
  satisfaction: { kind: 'text', help: '1-5, good or bad, 满意 or 不满意', values: SATISFACTION_VALUES },
  escalated: { kind: 'bool', help: 'escalated (true/false, 是/否)' },
};

/**
 * A cell as an ISO instant: with an offset as given; "YYYY-MM-DD HH:mm[:ss]" or "YYYY/M/D HH:mm"
 * (and a bare day, read as local noon) in the workspace's zone. Undefined for an unreadable cell.
 */
export function cellInstant(value: string, zone: string): string | undefined {
  const v = value.trim();
  if (/^\d{4}-\d{2}-\d{2}T.*([zZ]|[+-]\d{2}:?\d{2})$/.test(v)) {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : new Date(t).toISOString();
  }
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(v);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const day = `${y}-${mo!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
  if (Number.isNaN(Date.parse(`${day}T00:00:00Z`))) return undefined;
  const midnight = Date.parse(dayStart(day, zone));
  const offset =
    h === undefined ? 12 * 3600_000 : (Number(h) * 3600 + Number(mi) * 60 + Number(s ?? 0)) * 1000;
  return new Date(midnight + offset).toISOString();
}

const TIME_FIELDS = ['createdAt', 'firstResponseAt', 'solvedAt'] as const;

export const ticketImportTarget: ImportTarget = {
  fields: TICKET_IMPORT_FIELDS,
  plan: async (ctx: Ctx, rows, { fail, failZod, repeat }) => {
    const zone = ctx.workspace.timeZone;
    const accounts = await accountIdsByExternalId(
      ctx,
      rows.map((r) => String(r.fields.accountExternalId)),
    );
    const stored = await ticketsByExternalId(
      ctx,
      rows.map((r) => String(r.fields.externalId)),
    );
    const planned: PlannedRow[] = [];
    for (const row of rows) {
      const f = row.fields;
      const externalId = String(f.externalId);
      if (repeat(externalId, row)) continue;
      const accountId = accounts.get(String(f.accountExternalId));
      if (!accountId) {
        fail(row, 'accountExternalId', msg('imports.row.noAccount', { value: String(f.accountExternalId) }));
        continue;
      }
      const times: Record<string, string> = {};
      const badTime = TIME_FIELDS.find((k) => {
        if (f[k] === undefined) return false;
        const at = cellInstant(String(f[k]), zone);
        if (at) times[k] = at;
        return at === undefined;
      });
      if (badTime) {
        fail(row, badTime, msg('imports.row.notTime', { value: String(f[badTime]) }));
        continue;
      }
      // A score as exports write numbers, "3.0" too (pandas, RavenStack's support tickets), is 3.
      const sat =
        f.satisfaction === undefined
          ? undefined
          : String(f.satisfaction)
              .trim()
              .replace(/^([1-5])\.0+$/, '$1');
      if (sat !== undefined && !/^[1-5]$/.test(sat) && sat !== 'good' && sat !== 'bad') {
        fail(row, 'satisfaction', msg('imports.row.notSatisfaction', { value: sat }));
        continue;
      }
      const input: UpsertTicket = {
        externalId,
        accountId,
        subject: f.subject as string,
        status: f.status as UpsertTicket['status'],
        priority: f.priority as UpsertTicket['priority'],
        ...(f.channel !== undefined ? { channel: f.channel as UpsertTicket['channel'] } : {}),
        ...(f.requesterEmail !== undefined ? { requesterEmail: f.requesterEmail as string } : {}),
        ...(f.requesterName !== undefined ? { requesterName: f.requesterName as string } : {}),
        ...times,
        ...(sat !== undefined
          ? { satisfaction: /^\d$/.test(sat) ? Number(sat) : (sat as 'good' | 'bad') }
          : {}),
        ...(f.escalated !== undefined ? { escalated: f.escalated as boolean } : {}),
      };
      const checked = UpsertTicket.safeParse(input);
      if (!checked.success) {
        failZod(row, checked.error);
        continue;
      }
      const before = stored.get(externalId);
      planned.push({
        line: row.line,
        existingId: before?.id,
        input,
        unchanged: before !== undefined && ticketUnchanged(before, input, accountId),
      });
    }
    return planned;
  },
  write: async (ctx, row) => {
    await upsertTicket({ ctx, input: row.input as UpsertTicket });
  },
};

registerImportTarget('tickets', ticketImportTarget);
