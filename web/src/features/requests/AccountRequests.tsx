import { App, Space, Table, Tag } from 'antd';
import {
  type CustomerRequest,
  type RequestStatus,
  useRequestMutations,
  useRequestsQuery,
} from '../../api/requests.ts';
import type { Account } from '../../api/types.ts';
import { QueryView } from '../../components/States.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';
import { LogRequestButton } from './LogRequest.tsx';
import { reqTypeLabel } from './labels.ts';
import { PriorityReasons } from './PriorityReasons.tsx';
import { StatusSelect } from './RequestDetail.tsx';

/** The account 360's requests: each with its status and priority reasons; log a new one here. */
export function AccountRequests({ account }: { account: Account }) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const { can } = useSession();
  const requests = useRequestsQuery({ accountId: account.id });
  const { update } = useRequestMutations();
  const canWrite = can('requests:write');
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {canWrite && <LogRequestButton account={account} />}
      <QueryView query={requests} isEmpty={(d) => d.items.length === 0} empty={t('noRequests')}>
        {(d) => (
          <Table<CustomerRequest>
            data-testid="account-requests"
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={d.items}
            expandable={{ expandedRowRender: (r) => <PriorityReasons priority={r.priority} /> }}
            columns={[
              { title: '#', dataIndex: 'number', render: (n: number) => `#${n}` },
              {
                title: t('requestTitle'),
                dataIndex: 'title',
                render: (v: string, r) => (
                  <Space size={4}>
                    {v}
                    {r.groupId && <Tag color="geekblue">{t('inGroup')}</Tag>}
                  </Space>
                ),
              },
              { title: t('requestType'), dataIndex: 'type', render: (v: string) => reqTypeLabel(t, v) },
              { title: t('productArea'), dataIndex: 'productArea' },
              {
                title: t('score'),
                key: 'score',
                align: 'right',
                render: (_v, r) => formatNumber(r.priority.score, locale, 1),
              },
              {
                title: t('status'),
                dataIndex: 'status',
                render: (v: RequestStatus, r) => (
                  <StatusSelect
                    label={`${t('status')} #${r.number}`}
                    value={v}
                    disabled={!canWrite}
                    onChange={(status) =>
                      update.mutate({ id: r.id, status }, { onError: (e) => void message.error(e.message) })
                    }
                  />
                ),
              },
              {
                title: t('createdAt'),
                dataIndex: 'createdAt',
                render: (v: string) => formatDateTime(v, locale),
              },
            ]}
          />
        )}
      </QueryView>
    </Space>
  );
}
