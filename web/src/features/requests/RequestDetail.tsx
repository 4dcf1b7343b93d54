import { App, Button, Checkbox, Col, Popconfirm, Row, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import {
  type AskingAccount,
  type CustomerRequest,
  type RankedItem,
  REQUEST_STATUSES,
  type RequestStatus,
  useRequestGroupQuery,
  useRequestMutations,
} from '../../api/requests.ts';
import { QueryView } from '../../components/States.tsx';
import { formatMoney } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';
import { reqStatusLabel, reqTypeLabel } from './labels.ts';
import { PriorityReasons } from './PriorityReasons.tsx';

export function StatusSelect({
  value,
  onChange,
  placeholder,
  disabled,
  label,
}: {
  value?: RequestStatus;
  onChange: (s: RequestStatus) => void;
  placeholder?: string;
  disabled?: boolean;
  label: string;
}) {
  const { t } = useI18n();
  return (
    <Select<RequestStatus>
      aria-label={label}
      size="small"
      style={{ width: value === undefined ? 240 : 150 }}
      value={value}
      placeholder={placeholder}
      disabled={disabled}
      onChange={onChange}
      options={REQUEST_STATUSES.map((s) => ({ value: s, label: reqStatusLabel(t, s) }))}
    />
  );
}

/** The accounts asking for one ranked item: ARR, tier, renewal and whether they count as high-value. */
function AccountsTable({ accounts }: { accounts: AskingAccount[] }) {
  const { t, locale } = useI18n();
  const { me } = useSession();
  return (
    <Table<AskingAccount>
      size="small"
      rowKey="accountId"
      pagination={false}
      dataSource={accounts}
      columns={[
        {
          title: t('askingAccounts'),
          dataIndex: 'name',
          render: (v: string, a) => (
            <Space size={4}>
              <Link to={`/accounts/${a.accountId}`}>{v}</Link>
              {a.highValue && <Tag color="gold">{t('highValue')}</Tag>}
            </Space>
          ),
        },
        { title: t('tier'), dataIndex: 'tier' },
        {
          title: t('arr'),
          dataIndex: 'arr',
          align: 'right',
          render: (v: number) => formatMoney(v, me.workspace.baseCurrency, locale),
        },
        {
          title: t('renewalDate'),
          dataIndex: 'renewalDate',
          render: (v: string | null, a) =>
            v ? (
              <span>
                {v}
                {a.daysToRenewal !== null && a.daysToRenewal >= 0 && (
                  <Typography.Text type="secondary">
                    {' '}
                    · {t('renewalInDays', { n: a.daysToRenewal })}
                  </Typography.Text>
                )}
              </span>
            ) : (
              '—'
            ),
        },
      ]}
    />
  );
}

/** A group's requests: change each one's status, or take some out of the group (split). */
function GroupRequests({ groupId }: { groupId: string }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can } = useSession();
  const group = useRequestGroupQuery(groupId);
  const { update, updateGroup, split } = useRequestMutations();
  const [picked, setPicked] = useState<string[]>([]);
  const [newGroup, setNewGroup] = useState(false);
  const canWrite = can('requests:write');
  const canGroup = can('requests:group');
  const fail = (e: Error) => void message.error(e.message);
  return (
    <QueryView query={group}>
      {(g) => (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Space wrap>
            {canWrite && (
              <StatusSelect
                label={t('setGroupStatus')}
                placeholder={t('setGroupStatus')}
                onChange={(status) =>
                  updateGroup.mutate(
                    { id: g.id, status },
                    { onSuccess: () => void message.success(t('saved')), onError: fail },
                  )
                }
              />
            )}
            {canGroup && (
              <>
                <Checkbox checked={newGroup} onChange={(e) => setNewGroup(e.target.checked)}>
                  {t('splitNewGroup')}
                </Checkbox>
                <Popconfirm
                  title={t('splitOut')}
                  disabled={picked.length === 0}
                  onConfirm={() =>
                    split.mutate(
                      { id: g.id, requestIds: picked, newGroup },
                      {
                        onSuccess: () => {
                          setPicked([]);
                          void message.success(t('saved'));
                        },
                        onError: fail,
                      },
                    )
                  }
                >
                  <Button size="small" disabled={picked.length === 0} loading={split.isPending}>
                    {t('split')} ({picked.length})
                  </Button>
                </Popconfirm>
                {picked.length === 0 && <Typography.Text type="secondary">{t('splitHint')}</Typography.Text>}
              </>
            )}
          </Space>
          <Table<CustomerRequest>
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={g.requests}
            rowSelection={
              canGroup
                ? { selectedRowKeys: picked, onChange: (keys) => setPicked(keys as string[]) }
                : undefined
            }
            columns={[
              { title: '#', dataIndex: 'number', render: (n: number) => `#${n}` },
              { title: t('requestTitle'), dataIndex: 'title' },
              {
                title: t('account'),
                dataIndex: 'accountName',
                render: (v: string, r) => <Link to={`/accounts/${r.accountId}`}>{v}</Link>,
              },
              { title: t('requestType'), dataIndex: 'type', render: (v: string) => reqTypeLabel(t, v) },
              {
                title: t('status'),
                dataIndex: 'status',
                render: (v: RequestStatus, r) => (
                  <StatusSelect
                    label={`${t('status')} #${r.number}`}
                    value={v}
                    disabled={!canWrite}
                    onChange={(status) => update.mutate({ id: r.id, status }, { onError: fail })}
                  />
                ),
              },
            ]}
          />
        </Space>
      )}
    </QueryView>
  );
}

/** The expanded row of the ranked list: why it ranks there, who asks, and what can be done. */
export function RankedDetail({ item }: { item: RankedItem }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can } = useSession();
  const { update } = useRequestMutations();
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={12}>
        <PriorityReasons priority={item.priority} testId="priority-reasons" />
      </Col>
      <Col xs={24} lg={12}>
        <AccountsTable accounts={item.accounts} />
      </Col>
      <Col span={24}>
        {item.kind === 'group' && item.groupId ? (
          <GroupRequests groupId={item.groupId} />
        ) : (
          can('requests:write') && (
            <Space>
              <Typography.Text>{t('setStatus')}</Typography.Text>
              <StatusSelect
                label={t('setStatus')}
                value={item.statuses[0]}
                onChange={(status) =>
                  update.mutate(
                    { id: item.requestId ?? item.topRequestId, status },
                    {
                      onSuccess: () => void message.success(t('saved')),
                      onError: (e) => void message.error(e.message),
                    },
                  )
                }
              />
            </Space>
          )
        )}
      </Col>
    </Row>
  );
}
