import { Col, Row, Segmented, Space, Statistic, Table, Tag } from 'antd';
import { useState } from 'react';
import { type Ticket, useAccountTicketsQuery, useTicketSummaryQuery } from '../../api/integrations.ts';
import type { Account } from '../../api/types.ts';
import { QueryView } from '../../components/States.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { useEnumLabel } from '../../i18n/enums.ts';
import { useI18n } from '../../i18n/i18n.tsx';

const PRIORITY_COLOR: Record<string, string> = {
  urgent: 'red',
  high: 'orange',
  normal: 'default',
  low: 'default',
};

/** Account 360's support tickets: the same figures as the ticket facts, then the tickets. */
export function TicketsTab({ account }: { account: Account }) {
  const { t, locale } = useI18n();
  const label = useEnumLabel();
  const [status, setStatus] = useState<'all' | 'open' | 'solved'>('all');
  const summary = useTicketSummaryQuery(account.id);
  const tickets = useAccountTicketsQuery(account.id, status);
  const s = summary.data;
  const dash = '—';
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      {s && (
        <Row gutter={[16, 8]} data-testid="ticket-summary">
          <Col xs={12} md={4}>
            <Statistic title={t('ticketsOpen')} value={s.open} />
          </Col>
          <Col xs={12} md={4}>
            <Statistic title={t('tickets30d')} value={s.last30d} />
          </Col>
          <Col xs={12} md={4}>
            <Statistic title={t('tickets90d')} value={s.last90d} />
          </Col>
          <Col xs={12} md={4}>
            <Statistic
              title={t('ticketsMedianResolution')}
              value={
                s.medianResolutionHours90d === null
                  ? dash
                  : t('hoursShort', { n: formatNumber(s.medianResolutionHours90d, locale, 1) })
              }
            />
          </Col>
          <Col xs={12} md={4}>
            <Statistic title={t('ticketsEscalations')} value={s.escalations90d} />
          </Col>
          <Col xs={12} md={4}>
            <Statistic
              title={t('ticketsSatisfaction')}
              value={s.satisfaction90d === null ? dash : `${formatNumber(s.satisfaction90d, locale, 1)}/5`}
            />
          </Col>
        </Row>
      )}
      <Segmented
        value={status}
        onChange={(v) => setStatus(v as typeof status)}
        options={[
          { value: 'all', label: t('filterAll') },
          { value: 'open', label: t('filterOpen') },
          { value: 'solved', label: t('filterSolved') },
        ]}
      />
      <QueryView query={tickets} isEmpty={(d) => d.items.length === 0} empty={t('noTickets')}>
        {(d) => (
          <Table<Ticket>
            data-testid="account-tickets"
            size="small"
            rowKey="id"
            pagination={false}
            scroll={{ x: 900 }}
            dataSource={d.items}
            columns={[
              { title: '#', dataIndex: 'externalId', width: 90 },
              {
                title: t('ticketSubject'),
                dataIndex: 'subject',
                render: (v: string, r) => (
                  <Space size={4} wrap>
                    {v}
                    {r.escalated && <Tag color="red">{t('ticketEscalated')}</Tag>}
                  </Space>
                ),
              },
              {
                title: t('ticketStatusCol'),
                dataIndex: 'status',
                render: (v: string) => label('ticketStatus', v),
              },
              {
                title: t('ticketPriorityCol'),
                dataIndex: 'priority',
                render: (v: string) => <Tag color={PRIORITY_COLOR[v]}>{label('ticketPriority', v)}</Tag>,
              },
              {
                title: t('ticketChannel'),
                dataIndex: 'channel',
                render: (v: string | null) => label('ticketChannel', v),
              },
              {
                title: t('ticketRequester'),
                key: 'requester',
                render: (_v, r) => r.requesterName ?? r.requesterEmail ?? '',
              },
              {
                title: t('ticketOpened'),
                dataIndex: 'openedAt',
                render: (v: string) => formatDateTime(v, locale),
              },
              {
                title: t('ticketSolved'),
                dataIndex: 'solvedAt',
                render: (v: string | null) => (v ? formatDateTime(v, locale) : ''),
              },
              {
                title: t('ticketSatisfaction'),
                dataIndex: 'satisfaction',
                align: 'right',
                render: (v: number | null) => (v === null ? '' : `${v}/5`),
              },
            ]}
          />
        )}
      </QueryView>
    </Space>
  );
}
