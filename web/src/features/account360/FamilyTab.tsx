// Account 360's Family tab: the account's family from its top ancestor, each account's figures
// indented by depth, and the totals the facts roll up from children to parents.
import { Descriptions, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import type { Account } from '../../api/types.ts';
import { type AccountFamily, useAccountFamilyQuery } from '../../api/value.ts';
import { statusColor } from '../../components/Chart.tsx';
import { QueryView } from '../../components/States.tsx';
import { formatDay, formatMoney, formatNumber } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';

type Member = AccountFamily['accounts'][number];

export function FamilyTab({ account }: { account: Account }) {
  const { t, locale } = useI18n();
  const q = useAccountFamilyQuery(account.id);
  return (
    <QueryView query={q}>
      {(f) =>
        f.accounts.length <= 1 ? (
          <Typography.Paragraph type="secondary">{t('familyOnly')}</Typography.Paragraph>
        ) : (
          <>
            <Descriptions size="small" title={t('familyTotals')} column={{ xs: 1, sm: 2, lg: 4 }} bordered>
              <Descriptions.Item label={t('accountCount')}>{f.totals.accounts}</Descriptions.Item>
              <Descriptions.Item label="ARR">
                {formatMoney(f.totals.arr, f.currency, locale)}
              </Descriptions.Item>
              <Descriptions.Item label={t('familySeats')}>
                {formatNumber(f.totals.licensedSeats, locale)}
              </Descriptions.Item>
              <Descriptions.Item label={t('familyUsers')}>
                {formatNumber(f.totals.activeUsers30d, locale)}
              </Descriptions.Item>
              <Descriptions.Item label={t('familyHealthWorst')}>
                {formatNumber(f.totals.healthWorst, locale)}
              </Descriptions.Item>
              <Descriptions.Item label={t('familyHealthWeighted')}>
                {formatNumber(f.totals.healthWeighted, locale, 1)}
              </Descriptions.Item>
              <Descriptions.Item label={t('familyRenewals')}>
                {f.totals.renewals90d} · {formatMoney(f.totals.renewalArr90d, f.currency, locale)}
              </Descriptions.Item>
            </Descriptions>
            <Table<Member>
              style={{ marginTop: 12 }}
              size="small"
              rowKey="id"
              pagination={false}
              scroll={{ x: 'max-content' }}
              dataSource={f.accounts}
              data-testid="family-table"
              columns={[
                {
                  title: t('accounts'),
                  render: (_, m) => (
                    <span style={{ paddingLeft: m.depth * 20 }}>
                      {m.id === account.id ? (
                        <strong>{m.name}</strong>
                      ) : (
                        <Link to={`/accounts/${m.id}`}>{m.name}</Link>
                      )}
                    </span>
                  ),
                },
                { title: 'ARR', align: 'right', render: (_, m) => formatMoney(m.arr, f.currency, locale) },
                {
                  title: t('familySeats'),
                  align: 'right',
                  render: (_, m) => formatNumber(m.licensedSeats, locale),
                },
                {
                  title: t('familyUsers'),
                  align: 'right',
                  render: (_, m) => formatNumber(m.activeUsers30d, locale),
                },
                {
                  title: t('healthScore'),
                  render: (_, m) =>
                    m.healthScore === null ? (
                      '—'
                    ) : (
                      <Tag color={statusColor(m.healthStatus)}>{formatNumber(m.healthScore, locale)}</Tag>
                    ),
                },
                { title: t('renewalDate'), render: (_, m) => formatDay(m.renewalDate, locale) },
              ]}
            />
          </>
        )
      }
    </QueryView>
  );
}
