import { MergeCellsOutlined } from '@ant-design/icons';
import { App, Button, Card, Input, Popconfirm, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useAccountStatesSummaryQuery } from '../../api/hooks.ts';
import {
  type RankedItem,
  REQUEST_STATUSES,
  REQUEST_TYPES,
  type RequestFilters,
  useRankedRequestsQuery,
  useRequestMutations,
} from '../../api/requests.ts';
import { QueryView } from '../../components/States.tsx';
import { formatMoney, formatNumber } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';
import { LogRequestButton } from './LogRequest.tsx';
import { factorLabel, reqStatusLabel, reqTypeLabel, STATUS_COLORS } from './labels.ts';
import { RankedDetail } from './RequestDetail.tsx';
import { SettingsDrawer } from './SettingsDrawer.tsx';

const keyOf = (i: RankedItem) => (i.kind === 'group' ? `g:${i.groupId}` : `r:${i.requestId}`);

/**
 * Customer requests by priority (seed 000: big accounts by strategic value, small ones by how many
 * ask, renewals first): groups and ungrouped requests, each with its accounts, ARR and reasons.
 */
export default function RequestsPage() {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const { me, can } = useSession();
  const [filters, setFilters] = useState<RequestFilters>({});
  const [area, setArea] = useState('');
  const [selected, setSelected] = useState<RankedItem[]>([]);
  const ranked = useRankedRequestsQuery(filters);
  const tiers = useAccountStatesSummaryQuery().data?.tiers ?? [];
  const { merge } = useRequestMutations();
  const canGroup = can('requests:group');
  const currency = me.workspace.baseCurrency;
  const set = (k: keyof RequestFilters, v: string | undefined) => {
    setSelected([]);
    setFilters((f) => ({ ...f, [k]: v || undefined }));
  };
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', flexWrap: 'wrap', gap: 8 }}>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('requests')}
        </Typography.Title>
        <Space wrap>
          {canGroup && (
            <Popconfirm
              title={t('mergeSelected', { n: selected.length })}
              disabled={selected.length < 2}
              onConfirm={() =>
                merge.mutate(
                  {
                    groupIds: selected.filter((i) => i.kind === 'group').map((i) => i.groupId!),
                    requestIds: selected.filter((i) => i.kind === 'request').map((i) => i.requestId!),
                  },
                  {
                    onSuccess: () => {
                      setSelected([]);
                      void message.success(t('saved'));
                    },
                    onError: (e) => void message.error(e.message),
                  },
                )
              }
            >
              <Button icon={<MergeCellsOutlined />} disabled={selected.length < 2} loading={merge.isPending}>
                {t('mergeSelected', { n: selected.length })}
              </Button>
            </Popconfirm>
          )}
          {can('settings:write') && <SettingsDrawer />}
          {can('requests:write') && <LogRequestButton />}
        </Space>
      </div>
      <Space wrap>
        <Select
          aria-label={t('requestType')}
          placeholder={t('requestType')}
          allowClear
          style={{ width: 160 }}
          value={filters.type}
          onChange={(v) => set('type', v)}
          options={REQUEST_TYPES.map((x) => ({ value: x, label: reqTypeLabel(t, x) }))}
        />
        <Input.Search
          aria-label={t('productArea')}
          placeholder={t('productArea')}
          allowClear
          style={{ width: 180 }}
          value={area}
          onChange={(e) => setArea(e.target.value)}
          onSearch={(v) => set('productArea', v.trim())}
        />
        <Select
          aria-label={t('status')}
          placeholder={reqStatusLabel(t, 'open')}
          allowClear
          style={{ width: 200 }}
          value={filters.status}
          onChange={(v) => set('status', v)}
          options={[
            { value: 'open', label: reqStatusLabel(t, 'open') },
            ...REQUEST_STATUSES.map((x) => ({ value: x, label: reqStatusLabel(t, x) })),
          ]}
        />
        <Select
          aria-label={t('tier')}
          placeholder={t('tier')}
          allowClear
          style={{ width: 160 }}
          value={filters.tier}
          onChange={(v) => set('tier', v)}
          options={tiers.filter((x) => x.tier).map((x) => ({ value: x.tier!, label: x.tier! }))}
        />
      </Space>
      <Card size="small">
        <QueryView query={ranked} isEmpty={(d) => d.items.length === 0} empty={t('noRequests')} rows={8}>
          {(d) => (
            <Table<RankedItem>
              data-testid="ranked-requests"
              size="small"
              rowKey={keyOf}
              pagination={false}
              dataSource={d.items}
              rowSelection={
                canGroup
                  ? {
                      selectedRowKeys: selected.map(keyOf),
                      onChange: (_keys, rows) => setSelected(rows),
                    }
                  : undefined
              }
              expandable={{ expandedRowRender: (item) => <RankedDetail item={item} /> }}
              columns={[
                { title: t('rank'), key: 'rank', width: 48, render: (_v, _r, i) => i + 1 },
                {
                  title: t('requestTitle'),
                  dataIndex: 'title',
                  render: (v: string, r) => (
                    <Space size={4} wrap>
                      <strong>{v}</strong>
                      {r.kind === 'group' && r.requestCount > 1 && (
                        <Tag color="geekblue">{t('grouped', { n: r.requestCount })}</Tag>
                      )}
                      {r.priority.highValue && <Tag color="gold">{t('highValue')}</Tag>}
                    </Space>
                  ),
                },
                {
                  title: t('score'),
                  key: 'score',
                  align: 'right',
                  render: (_v, r) => (
                    <Tooltip
                      title={r.priority.factors
                        .map((f) => `${factorLabel(t, f.key)} +${formatNumber(f.points, locale, 1)}`)
                        .join(' · ')}
                    >
                      <Tag color="blue" data-testid="priority-score">
                        {formatNumber(r.priority.score, locale, 1)}
                      </Tag>
                    </Tooltip>
                  ),
                },
                {
                  title: t('whyRanked'),
                  key: 'why',
                  render: (_v, r) => (
                    <Space size={2} wrap style={{ maxWidth: 280 }}>
                      {r.priority.factors.map((f) => (
                        <Tag key={f.key} bordered={false}>
                          {factorLabel(t, f.key)} +{formatNumber(f.points, locale, 1)}
                        </Tag>
                      ))}
                    </Space>
                  ),
                },
                {
                  title: t('askingAccounts'),
                  key: 'accounts',
                  render: (_v, r) => (
                    <Tooltip title={r.accounts.map((a) => a.name).join(', ')}>
                      <span>
                        {r.accounts
                          .slice(0, 2)
                          .map((a) => a.name)
                          .join(', ')}
                        {r.accountCount > 2 && ` +${r.accountCount - 2}`}
                      </span>
                    </Tooltip>
                  ),
                },
                {
                  title: t('totalArr'),
                  dataIndex: 'totalArr',
                  align: 'right',
                  render: (v: number) => formatMoney(v, currency, locale),
                },
                {
                  title: t('requestType'),
                  key: 'type',
                  render: (_v, r) => (
                    <div style={{ minWidth: 96 }}>
                      <div>{r.types.map((x) => reqTypeLabel(t, x)).join(', ')}</div>
                      {r.productAreas.length > 0 && (
                        <Typography.Text type="secondary">{r.productAreas.join(', ')}</Typography.Text>
                      )}
                    </div>
                  ),
                },
                {
                  title: t('status'),
                  key: 'status',
                  render: (_v, r) =>
                    r.statuses.map((s) => (
                      <Tag key={s} color={STATUS_COLORS[s]}>
                        {reqStatusLabel(t, s)}
                      </Tag>
                    )),
                },
              ]}
            />
          )}
        </QueryView>
      </Card>
    </Space>
  );
}
