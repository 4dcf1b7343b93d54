import { Button, Card, Col, Row, Select, Space, Statistic, Table, Tag } from 'antd';
import { useState } from 'react';
import {
  type DropReason,
  type RejectedEvent,
  useIngestStatsQuery,
  useRejectedEventsQuery,
} from '../../api/cockpit.ts';
import { Chart } from '../../components/Chart.tsx';
import { QueryView } from '../../components/States.tsx';
import { TableExport } from '../../components/TableExport.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';

const REASONS: DropReason[] = [
  'invalid_type',
  'missing_identity',
  'missing_event_name',
  'missing_group_id',
  'missing_previous_id',
  'invalid_message_id',
  'invalid_properties',
  'invalid_text',
  'invalid_timestamp',
  'future_timestamp',
  'event_too_large',
  'duplicate',
];

export function IngestPanel() {
  const { t, locale } = useI18n();
  const stats = useIngestStatsQuery();
  const [reason, setReason] = useState<DropReason | undefined>();
  const rejected = useRejectedEventsQuery(reason);
  const reasonName = (r: string) => t(`adm.drop.${r}` as MessageKey);
  const rows = rejected.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <QueryView query={stats}>
        {(s) => {
          const byReason = Object.entries(s.rejected)
            .map(([r, n]) => ({ reason: r, count: n }))
            .sort((a, b) => b.count - a.count);
          const total = byReason.reduce((x, r) => x + r.count, 0);
          return (
            <>
              <Space size="large" wrap data-testid="ingest-stats">
                <Statistic title={t('adm.accepted')} value={formatNumber(s.accepted, locale)} />
                <Statistic title={t('adm.duplicates')} value={formatNumber(s.duplicates, locale)} />
                <Statistic title={t('adm.pending')} value={formatNumber(s.pending, locale)} />
                <Statistic title={t('adm.attached')} value={formatNumber(s.attached, locale)} />
                <Statistic title={t('adm.rejected')} value={formatNumber(total, locale)} />
              </Space>
              <Row gutter={[16, 16]}>
                <Col xs={24} lg={12}>
                  <Card size="small" title={t('adm.rejectedByReason')}>
                    {byReason.length === 0 ? (
                      <div style={{ padding: 16, textAlign: 'center' }}>{t('adm.noRejected')}</div>
                    ) : (
                      <Chart
                        label={t('adm.rejectedByReason')}
                        style={{ height: Math.max(160, byReason.length * 28 + 40) }}
                        onClick={(p) => setReason(byReason[p.dataIndex]?.reason as DropReason)}
                        option={{
                          animation: false,
                          tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
                          grid: { left: 8, right: 24, top: 8, bottom: 24, containLabel: true },
                          xAxis: { type: 'value', minInterval: 1 },
                          yAxis: {
                            type: 'category',
                            inverse: true,
                            data: byReason.map((r) => reasonName(r.reason)),
                          },
                          series: [{ type: 'bar', name: t('adm.count'), data: byReason.map((r) => r.count) }],
                        }}
                      />
                    )}
                  </Card>
                </Col>
                <Col xs={24} lg={12}>
                  <Card
                    size="small"
                    title={t('adm.reason')}
                    extra={
                      <TableExport
                        filename="ingest-rejected-by-reason"
                        columns={[
                          { key: 'reason', title: t('adm.reason') },
                          { key: 'count', title: t('adm.count') },
                        ]}
                        rows={byReason.map((r) => ({ reason: reasonName(r.reason), count: r.count }))}
                      />
                    }
                  >
                    <Table
                      size="small"
                      rowKey="reason"
                      pagination={false}
                      dataSource={byReason}
                      locale={{ emptyText: t('adm.noRejected') }}
                      columns={[
                        {
                          title: t('adm.reason'),
                          dataIndex: 'reason',
                          render: (v: string) => (
                            <Button
                              type="link"
                              size="small"
                              style={{ padding: 0, height: 'auto' }}
                              onClick={() => setReason(v as DropReason)}
                            >
                              {reasonName(v)}
                            </Button>
                          ),
                        },
                        { title: t('adm.count'), dataIndex: 'count', align: 'right' },
                      ]}
                    />
                  </Card>
                </Col>
              </Row>
            </>
          );
        }}
      </QueryView>
      <Card
        id="rejected"
        size="small"
        title={t('adm.recentRejected')}
        extra={
          <Space wrap>
            <Select
              aria-label={t('adm.reason')}
              placeholder={t('adm.allReasons')}
              allowClear
              style={{ width: 220 }}
              value={reason}
              onChange={setReason}
              options={REASONS.map((r) => ({ value: r, label: reasonName(r) }))}
            />
            <TableExport
              filename="ingest-rejected-events"
              columns={[
                { key: 'receivedAt', title: t('adm.receivedAt') },
                { key: 'reason', title: t('adm.reason') },
                { key: 'detail', title: t('adm.detail') },
                { key: 'payload', title: t('adm.payload') },
              ]}
              rows={rows.map((r) => ({
                ...r,
                reason: reasonName(r.reason),
                payload: JSON.stringify(r.payload),
              }))}
            />
          </Space>
        }
      >
        <QueryView query={rejected}>
          {() => (
            <>
              <Table<RejectedEvent>
                data-testid="rejected-table"
                size="small"
                rowKey="id"
                pagination={false}
                dataSource={rows}
                scroll={{ x: 'max-content' }}
                locale={{ emptyText: t('adm.noRejected') }}
                expandable={{
                  expandedRowRender: (r) => (
                    <pre style={{ margin: 0, fontSize: 12, whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                      {JSON.stringify(r.payload, null, 2)}
                    </pre>
                  ),
                }}
                columns={[
                  {
                    title: t('adm.receivedAt'),
                    dataIndex: 'receivedAt',
                    render: (v: string) => formatDateTime(v, locale),
                  },
                  {
                    title: t('adm.reason'),
                    dataIndex: 'reason',
                    render: (v: string) => <Tag color="red">{reasonName(v)}</Tag>,
                  },
                  {
                    title: t('adm.detail'),
                    dataIndex: 'detail',
                    render: (v: string | null) => (v ? <span data-value>{v}</span> : '—'),
                  },
                ]}
              />
              {rejected.hasNextPage && (
                <Button style={{ marginTop: 8 }} onClick={() => void rejected.fetchNextPage()}>
                  {t('adm.loadMore')}
                </Button>
              )}
            </>
          )}
        </QueryView>
      </Card>
    </Space>
  );
}
