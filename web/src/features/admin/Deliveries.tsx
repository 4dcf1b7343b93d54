import { Alert, Button, Card, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useRulesQuery } from '../../api/automation.ts';
import { type Delivery, useRuleDeliveriesQuery } from '../../api/cockpit.ts';
import { QueryView } from '../../components/States.tsx';
import { TableExport } from '../../components/TableExport.tsx';
import { formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';

const STATUS_COLOR: Record<string, string> = { delivered: 'green', failed: 'red', pending: 'gold' };

/** Read-only: the deliveries of the rules' webhook actions (GET /rules/{id}/deliveries). */
export function Deliveries() {
  const { t, locale } = useI18n();
  const rules = useRulesQuery();
  const webhookRules = (rules.data?.items ?? []).filter((r) => r.actions.some((a) => a.type === 'webhook'));
  const [ruleId, setRuleId] = useState<string | undefined>();
  const chosen = ruleId ?? webhookRules[0]?.id;
  const q = useRuleDeliveriesQuery(chosen);
  const rows = q.data?.pages.flatMap((p) => p.items) ?? [];
  const statusName = (s: string) => t(`adm.delivery_${s}` as MessageKey);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Text type="secondary">{t('adm.deliveriesNote')}</Typography.Text>
      <QueryView query={rules}>
        {() =>
          webhookRules.length === 0 ? (
            <Alert type="info" showIcon title={t('adm.noWebhookRules')} data-testid="no-webhook-rules" />
          ) : (
            <Card
              size="small"
              title={
                <Select
                  aria-label={t('adm.rule')}
                  title={t('adm.pickRule')}
                  style={{ minWidth: 260, maxWidth: '100%' }}
                  value={chosen}
                  onChange={setRuleId}
                  options={webhookRules.map((r) => ({ value: r.id, label: r.name }))}
                />
              }
              extra={
                <TableExport
                  filename="webhook-deliveries"
                  columns={[
                    { key: 'createdAt', title: t('createdAt') },
                    { key: 'status', title: t('adm.status') },
                    { key: 'attempts', title: t('adm.attempts') },
                    { key: 'lastStatusCode', title: t('adm.lastCode') },
                    { key: 'url', title: t('adm.url') },
                    { key: 'accountId', title: t('adm.account') },
                  ]}
                  rows={rows.map((r) => ({ ...r, status: statusName(r.status) }))}
                />
              }
            >
              <QueryView query={q} isEmpty={() => rows.length === 0} empty={t('adm.noDeliveries')}>
                {() => (
                  <>
                    <Table<Delivery>
                      data-testid="deliveries-table"
                      size="small"
                      rowKey="id"
                      pagination={false}
                      dataSource={rows}
                      scroll={{ x: 'max-content' }}
                      expandable={{
                        expandedRowRender: (d) => (
                          <Table
                            size="small"
                            rowKey="at"
                            pagination={false}
                            dataSource={d.log}
                            columns={[
                              {
                                title: t('adm.attemptAt'),
                                dataIndex: 'at',
                                render: (v: string) => formatDateTime(v, locale),
                              },
                              {
                                title: t('adm.lastCode'),
                                dataIndex: 'statusCode',
                                render: (v: number | null) => v ?? '—',
                              },
                              {
                                title: t('adm.outcome'),
                                dataIndex: 'outcome',
                                render: (v: string) => <code data-value>{v}</code>,
                              },
                            ]}
                          />
                        ),
                      }}
                      columns={[
                        {
                          title: t('createdAt'),
                          dataIndex: 'createdAt',
                          render: (v: string) => formatDateTime(v, locale),
                        },
                        {
                          title: t('adm.status'),
                          dataIndex: 'status',
                          render: (v: string) => <Tag color={STATUS_COLOR[v]}>{statusName(v)}</Tag>,
                        },
                        { title: t('adm.attempts'), dataIndex: 'attempts', align: 'right' },
                        {
                          title: t('adm.lastCode'),
                          dataIndex: 'lastStatusCode',
                          render: (v: number | null) => v ?? '—',
                        },
                        {
                          title: t('adm.nextAttempt'),
                          dataIndex: 'nextAttemptAt',
                          render: (v: string | null) => (v ? formatDateTime(v, locale) : '—'),
                        },
                        {
                          title: t('adm.url'),
                          dataIndex: 'url',
                          render: (v: string) => <code data-value>{v}</code>,
                        },
                        {
                          title: t('adm.account'),
                          dataIndex: 'accountId',
                          render: (v: string) => <Link to={`/accounts/${v}`}>{t('adm.account')}</Link>,
                        },
                      ]}
                    />
                    {q.hasNextPage && (
                      <Button style={{ marginTop: 8 }} onClick={() => void q.fetchNextPage()}>
                        {t('adm.loadMore')}
                      </Button>
                    )}
                  </>
                )}
              </QueryView>
            </Card>
          )
        }
      </QueryView>
    </Space>
  );
}
