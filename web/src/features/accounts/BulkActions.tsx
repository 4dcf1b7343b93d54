import {
  Alert,
  App,
  Button,
  DatePicker,
  Dropdown,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { type BulkAction, type BulkResult, useBulkMutation } from '../../api/actions.ts';
import { useTieringSchemesQuery, useUsersQuery } from '../../api/hooks.ts';
import { taskPriorityValues, taskTypeValues, teamRoleValues } from '../../api/schema.gen.ts';
import type { AccountListQuery } from '../../api/types.ts';
import { formatNumber } from '../../format.ts';
import { type Translate, useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { useSession } from '../../session.tsx';
import { showFieldErrors } from '../account360/form-errors.ts';
import { enumLabel, tierName } from '../account360/labels.ts';
import { tiersOf } from './conditions.ts';

/** The server refuses more in one request (POST /accounts/bulk answers 400 above it). */
export const BULK_LIMIT = 500;

type Selection = { key: string; ids: string[]; all: boolean };
type Kind = 'assignOwner' | 'setTeamRole' | 'addTag' | 'removeTag' | 'tierOverride' | 'createTasks';
const KINDS: { kind: Kind; label: MessageKey }[] = [
  { kind: 'assignOwner', label: 'bulkAssignOwner' },
  { kind: 'setTeamRole', label: 'bulkTeamRole' },
  { kind: 'addTag', label: 'bulkAddTag' },
  { kind: 'removeTag', label: 'bulkRemoveTag' },
  { kind: 'tierOverride', label: 'bulkTierOverride' },
  { kind: 'createTasks', label: 'bulkCreateTasks' },
];

/** GET /accounts parameters as the strings the bulk endpoint's `filter` takes ("all N matching"). */
function asFilter(query: AccountListQuery): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    out[k] = Array.isArray(v) ? v.join(',') : String(v);
  }
  return out;
}

/**
 * Row selection for the accounts list, kept per query (a new filter starts with nothing selected):
 * `table` goes to AccountsTable's `selection`, `bar` to BulkActions. Null for roles without
 * accounts:bulk, so they see no checkboxes.
 */
export function useBulkSelection(query: AccountListQuery, total: number) {
  const { can } = useSession();
  const key = JSON.stringify(query);
  const [state, setState] = useState<Selection>({ key, ids: [], all: false });
  const current = state.key === key ? state : { key, ids: [], all: false };
  if (!can('accounts:bulk')) return null;
  return {
    table: {
      selectedRowKeys: current.ids,
      onChange: (ids: string[]) => setState({ key, ids, all: false }),
    },
    bar: {
      query,
      total,
      selection: current,
      onSelectAll: () => setState({ ...current, all: true }),
      onClear: () => setState({ key, ids: [], all: false }),
    },
  };
}

function describe(t: Translate, locale: 'en' | 'zh-CN', r: BulkResult): string {
  const parts = (
    [
      ['bulkOwnerChanged', r.ownerChanged],
      ['bulkTeamRoleSet', r.teamRoleSet],
      ['bulkTagsAdded', r.tagsAdded],
      ['bulkTagsRemoved', r.tagsRemoved],
      ['bulkTierOverridden', r.tierOverridden],
      ['bulkTasksCreated', r.tasksCreated],
    ] as const
  )
    .filter(([, n]) => n > 0)
    .map(([k, n]) => t(k, { n: formatNumber(n, locale) }));
  return t('bulkDone', {
    n: formatNumber(r.accounts, locale),
    details: parts.length ? parts.join(locale === 'en' ? ', ' : '，') : t('bulkNothingChanged'),
  });
}

/** The bar above the accounts list once rows are selected: how many, "select all N matching", the actions. */
export function BulkActions({
  query,
  total,
  selection,
  onSelectAll,
  onClear,
}: {
  query: AccountListQuery;
  total: number;
  selection: Selection;
  onSelectAll: () => void;
  onClear: () => void;
}) {
  const { t, locale } = useI18n();
  const [kind, setKind] = useState<Kind | null>(null);
  const count = selection.all ? total : selection.ids.length;
  if (count === 0) return null;
  const tooMany = count > BULK_LIMIT;
  return (
    <>
      <Alert
        type={tooMany ? 'warning' : 'info'}
        data-testid="bulk-bar"
        title={
          <Space wrap>
            <Typography.Text strong data-testid="bulk-count">
              {selection.all
                ? t('bulkAllMatching', { n: formatNumber(total, locale) })
                : t('bulkSelected', { n: formatNumber(count, locale) })}
            </Typography.Text>
            {!selection.all && total > count && (
              <Button type="link" size="small" onClick={onSelectAll} data-testid="bulk-select-all">
                {t('bulkSelectAll', { n: formatNumber(total, locale) })}
              </Button>
            )}
            <Button type="link" size="small" onClick={onClear}>
              {t('bulkClear')}
            </Button>
            {tooMany ? (
              <Typography.Text type="warning">
                {t('bulkLimit', { max: formatNumber(BULK_LIMIT, locale) })}
              </Typography.Text>
            ) : (
              <Dropdown
                trigger={['click']}
                menu={{
                  items: KINDS.map((k) => ({
                    key: k.kind,
                    label: t(k.label),
                    onClick: () => setKind(k.kind),
                  })),
                }}
              >
                <Button type="primary" size="small" data-testid="bulk-actions">
                  {t('actActions')}
                </Button>
              </Dropdown>
            )}
          </Space>
        }
      />
      {kind && (
        <BulkModal
          kind={kind}
          count={count}
          target={selection.all ? { filter: asFilter(query) } : { ids: selection.ids }}
          onClose={(done) => {
            setKind(null);
            if (done) onClear();
          }}
        />
      )}
    </>
  );
}

type BulkForm = {
  ownerId?: string | null;
  userId?: string;
  role?: (typeof teamRoleValues)[number];
  tag?: string;
  tier?: string;
  reason?: string;
  expiresOn?: Dayjs | null;
  title?: string;
  dueDate?: Dayjs | null;
  assignee?: string;
  taskType?: (typeof taskTypeValues)[number];
  priority?: (typeof taskPriorityValues)[number];
};

const OWNER = '__owner__';

function toAction(kind: Kind, v: BulkForm): BulkAction {
  const day = (d: Dayjs | null | undefined) => (d ? d.format('YYYY-MM-DD') : undefined);
  switch (kind) {
    case 'assignOwner':
      return { type: 'assignOwner', ownerId: v.ownerId ?? null };
    case 'setTeamRole':
      return { type: 'setTeamRole', role: v.role!, userId: v.userId! };
    case 'addTag':
      return { type: 'addTag', tag: v.tag!.trim() };
    case 'removeTag':
      return { type: 'removeTag', tag: v.tag!.trim() };
    case 'tierOverride':
      return {
        type: 'tierOverride',
        tier: v.tier!,
        reason: v.reason!.trim(),
        expiresOn: day(v.expiresOn) ?? null,
      };
    case 'createTasks':
      return {
        type: 'createTasks',
        title: v.title!.trim(),
        taskType: v.taskType ?? 'other',
        priority: v.priority ?? 'P2',
        dueDate: day(v.dueDate),
        assignee: !v.assignee || v.assignee === OWNER ? { role: 'owner' } : { userId: v.assignee },
      };
  }
}

function BulkModal({
  kind,
  count,
  target,
  onClose,
}: {
  kind: Kind;
  count: number;
  target: { ids: string[] } | { filter: Record<string, string> };
  onClose: (done: boolean) => void;
}) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<BulkForm>();
  const bulk = useBulkMutation();
  const users = useUsersQuery({ active: 'true' });
  const schemes = useTieringSchemesQuery();
  const active = schemes.data?.items.find((s) => s.active);
  const userOptions = (users.data?.items ?? []).map((u) => ({ value: u.id, label: u.name }));
  const required = [{ required: true, whitespace: true, message: t('actFixFields') }];
  const label = KINDS.find((k) => k.kind === kind)!.label;
  return (
    <Modal
      open
      title={t(label)}
      okText={t('bulkApplyTo', { n: formatNumber(count, locale) })}
      okButtonProps={{ 'data-testid': 'bulk-apply' } as Record<`data-${string}`, string>}
      cancelText={t('cancel')}
      confirmLoading={bulk.isPending}
      onCancel={() => onClose(false)}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form<BulkForm>
        name={`bulk-${kind}`}
        form={form}
        layout="vertical"
        initialValues={{ assignee: OWNER, taskType: 'other', priority: 'P2' }}
        onFinish={(v) =>
          bulk.mutate(
            { ...target, actions: [toAction(kind, v)] },
            {
              onSuccess: (r) => {
                void message.success(describe(t, locale, r));
                onClose(true);
              },
              onError: (e) => {
                const names = {
                  'actions.ownerId': 'ownerId',
                  'actions.userId': 'userId',
                  'actions.assignee': 'assignee',
                  'actions.tier': 'tier',
                };
                if (!showFieldErrors(form, e, names)) void message.error(e.message);
              },
            },
          )
        }
      >
        {kind === 'assignOwner' && (
          <Form.Item
            name="ownerId"
            label={t('bulkOwner')}
            rules={[{ required: true, message: t('actFixFields') }]}
          >
            <Select showSearch={{ optionFilterProp: 'label' }} options={userOptions} />
          </Form.Item>
        )}
        {kind === 'setTeamRole' && (
          <>
            <Form.Item
              name="role"
              label={t('bulkRole')}
              rules={[{ required: true, message: t('actFixFields') }]}
            >
              <Select
                options={teamRoleValues.map((r) => ({ value: r, label: enumLabel(t, 'teamRole', r) }))}
              />
            </Form.Item>
            <Form.Item
              name="userId"
              label={t('bulkUser')}
              rules={[{ required: true, message: t('actFixFields') }]}
            >
              <Select showSearch={{ optionFilterProp: 'label' }} options={userOptions} />
            </Form.Item>
          </>
        )}
        {(kind === 'addTag' || kind === 'removeTag') && (
          <Form.Item name="tag" label={t('bulkTag')} rules={required}>
            <Input maxLength={100} />
          </Form.Item>
        )}
        {kind === 'tierOverride' && (
          <>
            <Form.Item
              name="tier"
              label={t('actTier')}
              rules={[{ required: true, message: t('actFixFields') }]}
            >
              <Select
                options={(active ? tiersOf(active) : []).map((k) => ({ value: k, label: tierName(t, k) }))}
              />
            </Form.Item>
            <Form.Item name="reason" label={t('actReason')} extra={t('actReasonHelp')} rules={required}>
              <Input.TextArea rows={2} maxLength={2000} />
            </Form.Item>
            <Form.Item name="expiresOn" label={t('actExpiresOn')} extra={t('actExpiresHelp')}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </>
        )}
        {kind === 'createTasks' && (
          <>
            <Form.Item name="title" label={t('bulkTaskTitle')} rules={required}>
              <Input maxLength={300} />
            </Form.Item>
            <Space wrap>
              <Form.Item name="dueDate" label={t('bulkDue')}>
                <DatePicker />
              </Form.Item>
              <Form.Item name="taskType" label={t('bulkTaskType')}>
                <Select
                  style={{ width: 150 }}
                  options={taskTypeValues.map((x) => ({ value: x, label: enumLabel(t, 'type', x) }))}
                />
              </Form.Item>
              <Form.Item name="priority" label={t('bulkPriority')}>
                <Select
                  style={{ width: 90 }}
                  options={taskPriorityValues.map((x) => ({ value: x, label: x }))}
                />
              </Form.Item>
            </Space>
            <Form.Item name="assignee" label={t('bulkAssignee')}>
              <Select
                showSearch={{ optionFilterProp: 'label' }}
                options={[{ value: OWNER, label: t('bulkAssigneeOwner') }, ...userOptions]}
              />
            </Form.Item>
          </>
        )}
      </Form>
    </Modal>
  );
}
